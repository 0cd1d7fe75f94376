'use strict';
// Resolves the workspace's `@dtc/<lib>` imports at run time, so compiled services and
// TypeScript tools need no bundler. Compiled code (under dist/) maps to dist/libs; source
// .ts files are transpiled on load (tools and scripts; services run compiled from dist/).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const repoRoot = path.resolve(__dirname, '..', '..');
const distRoot = path.join(repoRoot, 'dist');

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceLib(request, parent, ...rest) {
  const match = /^@dtc\/([a-z-]+)$/.exec(request);
  if (match) {
    const fromDist = Boolean(parent && parent.filename && parent.filename.startsWith(distRoot + path.sep));
    request = fromDist
      ? path.join(distRoot, 'libs', match[1], 'src', 'index.js')
      : path.join(repoRoot, 'libs', match[1], 'src', 'index.ts');
  }
  return originalResolve.call(this, request, parent, ...rest);
};

let transpileOptions;
function compilerOptions(ts) {
  if (!transpileOptions) {
    const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.base.json'), 'utf8'));
    const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, repoRoot);
    transpileOptions = { ...options, sourceMap: false, inlineSourceMap: true };
  }
  return transpileOptions;
}

require.extensions['.ts'] = function transpileTypeScript(module, filename) {
  const ts = require('typescript');
  const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: compilerOptions(ts) });
  module._compile(output.outputText, filename);
};
