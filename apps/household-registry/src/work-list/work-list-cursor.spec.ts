import { decodePage, decodeRefresh, encodePage, encodeRefresh, scopeKey } from './work-list-cursor';

describe('work-list cursors', () => {
  const scope = scopeKey('16279', ['b', 'a'], undefined, undefined);
  const refresh = { snapshot: '100:120:105,110', day: '2026-07-22', scope };

  it('round-trip, and the scope key ignores the order of teams', () => {
    expect(decodeRefresh(encodeRefresh(refresh))).toEqual(refresh);
    const page = { afterId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11', refresh, since: { ...refresh, snapshot: '90:95:' } };
    expect(decodePage(encodePage(page))).toEqual(page);
    expect(scopeKey('16279', ['a', 'b'], undefined, undefined)).toBe(scope);
    expect(scopeKey('16279', null, undefined, undefined)).not.toBe(scope);
  });

  it('refuse what PostgreSQL would not take as a snapshot, and anything else', () => {
    const forged = (snapshot: string) => Buffer.from(JSON.stringify({ v: 1, x: snapshot, d: '2026-07-22', s: scope })).toString('base64url');
    expect(decodeRefresh(forged('20:10:'))).toBeUndefined();
    expect(decodeRefresh(forged('10:20:15,12'))).toBeUndefined();
    expect(decodeRefresh(forged('10:20:25'))).toBeUndefined();
    expect(decodeRefresh(forged('99999999999999999999:1:'))).toBeUndefined();
    expect(decodeRefresh(forged('10:20:12,12'))).toBeDefined();
    expect(decodeRefresh('not-a-cursor')).toBeUndefined();
    expect(decodePage(encodeRefresh(refresh))).toBeUndefined();
  });
});
