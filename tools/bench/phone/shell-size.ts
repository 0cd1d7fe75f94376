import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the built app with its size on disk and gzipped at level 9. */
export interface SizedFile {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** how the shell reaches it: the page's own script, a static import, or an import() made as the app starts */
  via: 'html' | 'modulepreload' | 'import' | 'dynamic import' | 'service worker' | 'web worker';
}

export interface ShellSize {
  /** JavaScript the page loads: index.html's scripts and what they import */
  shell: SizedFile[];
  shellGzipBytes: number;
  /** the service worker and what it imports (loaded by the browser, not by the page) */
  serviceWorker: SizedFile[];
  serviceWorkerGzipBytes: number;
  /** Web Workers the shell starts (the sync worker, on the first sync round) and what they import */
  webWorkers: SizedFile[];
  webWorkersGzipBytes: number;
  styles: SizedFile[];
  /** .js files in the build that neither the shell nor the worker reach (should be none) */
  unreached: string[];
}

const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/** Paths a built ES module imports, statically and through import(), relative to the build's root. */
export function importsOf(source: string, fromFile: string): Array<{ file: string; dynamic: boolean }> {
  const found = new Map<string, boolean>();
  const add = (specifier: string, dynamic: boolean) => {
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) return;
    const file = specifier.startsWith('/') ? specifier.replace(/^\/field\//, '') : path.posix.join(path.posix.dirname(fromFile), specifier);
    // A module imported both ways is loaded with the importer.
    found.set(file, (found.get(file) ?? true) && dynamic);
  };
  for (const match of source.matchAll(/(?<![\w$.])import\s*(?:[\w$*{}\s,]+from\s*)?["']([^"']+\.js)["']/g)) add(match[1], false);
  for (const match of source.matchAll(/(?<![\w$.])import\(\s*["']([^"']+\.js)["']\s*\)/g)) add(match[1], true);
  return [...found].map(([file, dynamic]) => ({ file, dynamic }));
}

/** Scripts a built module starts as Web Workers, relative to the build's root. */
export function workersStartedBy(source: string, fromFile: string): string[] {
  return [...source.matchAll(/new Worker\(\s*new URL\(\s*["']([^"']+\.js)["']/g)].map((match) =>
    match[1].startsWith('/') ? match[1].replace(/^\/field\//, '') : path.posix.join(path.posix.dirname(fromFile), match[1]),
  );
}

/**
 * What the field app's shell costs a phone to download: the scripts index.html names (and modulepreloads),
 * followed through their imports, gzipped at level 9; the service worker and its Workbox runtime apart.
 * The build has no Vite manifest, so the import graph is read from the built files themselves.
 */
export function measureShell(buildDir: string): ShellSize {
  const html = readFileSync(path.join(buildDir, 'index.html'), 'utf8');
  const local = (url: string) => url.replace(/^\/field\//, '').replace(/^\.\//, '');
  const sized = (file: string, via: SizedFile['via']): SizedFile => {
    const bytes = readFileSync(path.join(buildDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSize(bytes), via };
  };
  const shell = new Map<string, SizedFile>();
  const queue: Array<{ file: string; via: SizedFile['via'] }> = [];
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) queue.push({ file: local(match[1]), via: 'html' });
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) queue.push({ file: local(match[1]), via: 'modulepreload' });
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (shell.has(next.file)) continue;
    shell.set(next.file, sized(next.file, next.via));
    for (const imported of importsOf(readFileSync(path.join(buildDir, next.file), 'utf8'), next.file)) {
      queue.push({ file: imported.file, via: imported.dynamic ? 'dynamic import' : 'import' });
    }
  }

  // Web Workers the shell's modules start (`new Worker(new URL("…js", import.meta.url))`), with their imports.
  const webWorkers = new Map<string, SizedFile>();
  const workerQueue = [...shell.keys()].flatMap((file) => workersStartedBy(readFileSync(path.join(buildDir, file), 'utf8'), file));
  while (workerQueue.length > 0) {
    const file = workerQueue.shift()!;
    if (webWorkers.has(file) || shell.has(file)) continue;
    webWorkers.set(file, sized(file, 'web worker'));
    workerQueue.push(...importsOf(readFileSync(path.join(buildDir, file), 'utf8'), file).map((imported) => imported.file));
  }

  // The worker: sw.js and the Workbox runtime it loads (define([...]) / importScripts(...)).
  const worker = new Map<string, SizedFile>();
  const swQueue = ['sw.js'];
  while (swQueue.length > 0) {
    const file = swQueue.shift()!;
    if (worker.has(file)) continue;
    worker.set(file, sized(file, 'service worker'));
    const source = readFileSync(path.join(buildDir, file), 'utf8');
    const defined = /define\(\[([^\]]*)\]/.exec(source)?.[1] ?? '';
    for (const match of defined.matchAll(/["'](\.\/[^"']+)["']/g)) swQueue.push(path.posix.join(path.posix.dirname(file), `${match[1]}.js`));
    for (const match of source.matchAll(/importScripts\(\s*["']([^"']+)["']/g)) swQueue.push(local(match[1]));
  }

  const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((match) => sized(local(match[1]), 'html'));
  const allJs = [
    ...readdirSync(buildDir).filter((name) => name.endsWith('.js')),
    ...readdirSync(path.join(buildDir, 'assets'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => `assets/${name}`),
  ];
  const unreached = allJs.filter((file) => !shell.has(file) && !worker.has(file) && !webWorkers.has(file));
  const sum = (files: SizedFile[]) => files.reduce((total, file) => total + file.gzipBytes, 0);
  return { shell: [...shell.values()], shellGzipBytes: sum([...shell.values()]), serviceWorker: [...worker.values()], serviceWorkerGzipBytes: sum([...worker.values()]), webWorkers: [...webWorkers.values()], webWorkersGzipBytes: sum([...webWorkers.values()]), styles, unreached };
}
