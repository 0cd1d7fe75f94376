import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './compose-file';

/** deploy/nginx read as nginx does: directives with their arguments and blocks (no nginx needed). */
export const nginxDir = path.join(repoRoot, 'deploy/nginx');

export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** Words, quoted strings ('…' or "…", quotes removed), `{`, `}` and `;`, comments dropped. */
function tokens(text: string): string[] {
  const found: string[] = [];
  const pattern = /#[^\n]*|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};'"#]+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[0].startsWith('#')) continue;
    found.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  }
  return found;
}

export function parseNginx(text: string): Directive[] {
  const list = tokens(text);
  let at = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    while (at < list.length && list[at] !== '}') {
      const name = list[at++];
      const args: string[] = [];
      while (list[at] !== ';' && list[at] !== '{') {
        if (at >= list.length) throw new Error(`nginx: "${name}" is not terminated`);
        args.push(list[at++]);
      }
      if (list[at++] === '{') {
        directives.push({ name, args, block: block() });
        if (list[at++] !== '}') throw new Error(`nginx: block "${name}" is not closed`);
      } else directives.push({ name, args });
    }
    return directives;
  };
  const parsed = block();
  if (at < list.length) throw new Error('nginx: unexpected "}"');
  return parsed;
}

export const readNginx = (file: string): Directive[] => parseNginx(fs.readFileSync(path.join(nginxDir, file), 'utf8'));

/** Directives of one name in a list (not nested). */
export const all = (directives: Directive[], name: string) => directives.filter((d) => d.name === name);
export const one = (directives: Directive[], name: string): Directive | undefined => directives.find((d) => d.name === name);

/** `location [modifier] path { … }` blocks keyed by their arguments joined with a space ("= /", "/field/"). */
export function locations(server: Directive[]): Map<string, Directive[]> {
  return new Map(all(server, 'location').map((l) => [l.args.join(' '), l.block ?? []]));
}

/** The value of `add_header NAME value [always]` in a block, by header name (case-insensitive). */
export function addedHeader(block: Directive[], header: string): string | undefined {
  return all(block, 'add_header').find((d) => d.args[0].toLowerCase() === header.toLowerCase())?.args[1];
}

/** nginx sizes (5m, 512k, 1g) and times (1h, 60s, 3600) in bytes and seconds. */
export function nginxSize(value: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(value);
  if (!match) throw new Error(`not an nginx size: ${value}`);
  return Number(match[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()] ?? 1);
}

export function nginxSeconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  return Number(match[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1);
}
