import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served under /console/ of the one origin that also serves /api/<service>/ and the
// field app (the gateway in `npm start`, nginx in compose, the Ingress in Kubernetes): no CORS.
// Desktops and tablets with a network: no service worker, unlike the field app.
const root = __dirname;
const repoRoot = path.resolve(root, '..', '..');

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  resolve: { alias: { '@dtc/api-client': path.join(repoRoot, 'libs/api-client/src/index.ts'), '@dtc/calendar': path.join(repoRoot, 'libs/calendar/src/index.ts'), '@dtc/csv': path.join(repoRoot, 'libs/csv/src/index.ts') } },
  build: {
    outDir: path.join(repoRoot, 'dist/web/console'),
    emptyOutDir: true,
    sourcemap: false,
    // The chart and map libraries in chunks of their own: cached apart from the app's own code.
    rollupOptions: { output: { manualChunks: { echarts: ['echarts', 'zrender'], leaflet: ['leaflet'] } } },
    chunkSizeWarningLimit: 900,
  },
  server: { port: 5174 },
});
