import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importsOf, measureShell } from './shell-size';

describe('field app shell size', () => {
  it('follows static and dynamic imports of a built module, relative to the importer', () => {
    const source = 'import{a as b}from"./vendor-1.js";import"./side.js";const x=()=>import("./lazy-2.js");export{x};"import(\'https://cdn/x.js\')"';
    expect(importsOf(source, 'assets/index.js')).toEqual([
      { file: 'assets/vendor-1.js', dynamic: false },
      { file: 'assets/side.js', dynamic: false },
      { file: 'assets/lazy-2.js', dynamic: true },
    ]);
  });

  it('counts what index.html loads and what it imports, and the service worker apart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shell-'));
    try {
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'index.html'), '<script type="module" crossorigin src="/field/assets/index-a.js"></script><link rel="stylesheet" href="/field/assets/index-a.css">');
      writeFileSync(path.join(dir, 'assets', 'index-a.js'), `import"./chunk-b.js";${'x'.repeat(5000)};import("./workbox-window.prod.es5-c.js");new Worker(new URL("/field/assets/sync.worker-f.js",import.meta.url),{type:"module"})`);
      writeFileSync(path.join(dir, 'assets', 'sync.worker-f.js'), 'import"./worker-chunk-g.js";');
      writeFileSync(path.join(dir, 'assets', 'worker-chunk-g.js'), 'export const g=1;');
      writeFileSync(path.join(dir, 'assets', 'chunk-b.js'), 'export const b=1;');
      writeFileSync(path.join(dir, 'assets', 'workbox-window.prod.es5-c.js'), 'export const w=1;');
      writeFileSync(path.join(dir, 'assets', 'unused-d.js'), 'export const d=1;');
      writeFileSync(path.join(dir, 'assets', 'index-a.css'), 'body{margin:0}');
      writeFileSync(path.join(dir, 'sw.js'), 'if(!self.define){}define(["./workbox-e"],(function(e){}));');
      writeFileSync(path.join(dir, 'workbox-e.js'), 'define(["exports"],(function(t){}));');
      const size = measureShell(dir);
      expect(size.shell.map((file) => [file.file, file.via])).toEqual([
        ['assets/index-a.js', 'html'],
        ['assets/chunk-b.js', 'import'],
        ['assets/workbox-window.prod.es5-c.js', 'dynamic import'],
      ]);
      expect(size.shell[0].gzipBytes).toBeLessThan(size.shell[0].bytes);
      expect(size.shellGzipBytes).toBe(size.shell.reduce((sum, file) => sum + file.gzipBytes, 0));
      expect(size.serviceWorker.map((file) => file.file)).toEqual(['sw.js', 'workbox-e.js']);
      expect(size.webWorkers.map((file) => [file.file, file.via])).toEqual([
        ['assets/sync.worker-f.js', 'web worker'],
        ['assets/worker-chunk-g.js', 'web worker'],
      ]);
      expect(size.webWorkersGzipBytes).toBe(size.webWorkers.reduce((sum, file) => sum + file.gzipBytes, 0));
      expect(size.styles.map((file) => file.file)).toEqual(['assets/index-a.css']);
      expect(size.unreached).toEqual(['assets/unused-d.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
