import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONSOLE_CSP, CONSOLE_STYLE_HASHES } from './gateway';

// The console's policy allows React Aria's injected <style> rules by hash. Recompute the hashes
// from the installed library, so an upgrade that changes a rule fails here, not in a browser.
const library = path.dirname(require.resolve('react-aria/package.json'));
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The textContent of every <style> the module builds (`style.textContent = \`...\`.trim()`), its constants filled in. */
function injectedRules(file: string): string[] {
  const source = readFileSync(path.join(library, 'dist', file), 'utf8');
  const constants = new Map([...source.matchAll(/const (\$[\w$]+) = '([^']*)';/g)].map((m) => [m[1], m[2]]));
  return [...source.matchAll(/style\.textContent = `([\s\S]*?)`\.trim\(\)/g)].map((m) => m[1].replace(/\$\{(\$[\w$]+)\}/g, (_all, name: string) => constants.get(name) ?? `<unknown ${name}>`).trim());
}

describe("the console's Content-Security-Policy and React Aria's injected styles", () => {
  const rules = [...injectedRules('private/interactions/usePress.mjs'), ...injectedRules('private/overlays/usePreventScroll.mjs')];

  it('finds the rules the components inject', () => {
    expect(rules).toHaveLength(2);
    expect(rules[0]).toContain('[data-react-aria-pressable]');
    expect(rules[1]).toContain('overscroll-behavior: contain');
  });

  it('allows exactly those rules by hash, and no other inline style', () => {
    expect(rules.map(sha256)).toEqual(CONSOLE_STYLE_HASHES);
    expect(CONSOLE_CSP).toMatch(new RegExp(`style-src 'self' ${CONSOLE_STYLE_HASHES.map((hash) => hash.replace(/[+/=]/g, '\\$&')).join(' ')};`));
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });
});
