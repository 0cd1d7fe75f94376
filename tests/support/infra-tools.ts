import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * A module of tools/infra (JavaScript, outside the TypeScript project), loaded at run time; the
 * caller states the part of its shape it uses. The one place tests reach into the infra scripts.
 */
export function infraTool(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot, 'tools/infra', file));
}
