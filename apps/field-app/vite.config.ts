import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The field app is served under /field/ of the one origin that also serves /api/<service>/ (the
// gateway in `npm start`, nginx in compose, the Ingress in Kubernetes), so it needs no CORS.
const root = __dirname;
const repoRoot = path.resolve(root, '..', '..');

export default defineConfig({
  root,
  base: '/field/',
  plugins: [
    react(),
    VitePWA({
      // The page registers the worker itself (src/service-worker.ts) so it can show "update ready".
      injectRegister: false,
      registerType: 'prompt',
      scope: '/field/',
      includeAssets: ['icon.svg', 'icon-192.png', 'icon-512.png'],
      manifest: {
        name: 'Chuyển đổi số - Tổ công tác',
        short_name: 'Tổ công tác',
        description: 'Ghi nhận hộ gia đình, nhân khẩu, lượt thăm và đăng ký dịch vụ khi không có mạng',
        lang: 'vi',
        start_url: '/field/',
        scope: '/field/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0b4f8a',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The whole app shell is precached: the app opens with every service down or no signal.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/field/index.html',
        navigateFallbackAllowlist: [/^\/field\//],
        // API answers are never cached by the worker: the app keeps its data in IndexedDB.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  resolve: { alias: { '@dtc/api-client': path.join(repoRoot, 'libs/api-client/src/index.ts'), '@dtc/calendar': path.join(repoRoot, 'libs/calendar/src/index.ts') } },
  // The sync worker (src/sync/sync.worker.ts) is an ES module, like the page's own chunks.
  worker: { format: 'es' },
  build: {
    outDir: path.join(repoRoot, 'dist/web/field-app'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: { port: 5173 },
});
