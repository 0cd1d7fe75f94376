import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { canAccessCommune, canAccessProvince, type Principal, type Role, type TokenClaims } from './principal';
import { InvalidTokenError, signToken, verifyToken } from './tokens';

const settings = { secret: 'unit-test-secret-0123456789', issuer: 'dtc-platform', audience: 'dtc-api' };

function rawToken(payload: Record<string, unknown>, overrides: Partial<typeof settings> = {}): string {
  const s = { ...settings, ...overrides };
  return jwt.sign({ iss: s.issuer, aud: s.audience, sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 600, ...payload }, s.secret, { algorithm: 'HS256' });
}

describe('signToken / verifyToken', () => {
  it('round-trips subject, role, communes and province', () => {
    const claims: TokenClaims = { sub: 'agent-7', role: 'field_agent', communes: ['01234', '05678'] };
    expect(verifyToken(settings, signToken(settings, claims))).toEqual({ subject: 'agent-7', role: 'field_agent', communes: ['01234', '05678'], province: undefined });
    const officer: TokenClaims = { sub: 'officer-1', role: 'province_officer', communes: [], province: '01' };
    expect(verifyToken(settings, signToken(settings, officer))).toEqual({ subject: 'officer-1', role: 'province_officer', communes: [], province: '01' });
  });

  it.each([
    ['field_agent', { communes: ['01234'], province: '01' }, /field_agent token carries communes only/],
    ['commune_admin', { communes: ['01234'], province: '01' }, /commune_admin token carries communes only/],
    ['commune_admin', { province: '1' }, /never a province/],
    ['province_officer', { communes: ['01234'], province: '01' }, /province_officer token carries one province, never communes/],
    ['integrator', { communes: ['01234'], province: '01' }, /integrator token carries one province/],
    ['operations', { province: '01' }, /operations token carries neither/],
    ['operations', { communes: ['01234'] }, /operations token carries neither/],
  ] as const)('refuses a %s token with scope claims its role may not carry (%j)', (role, scope, reason) => {
    expect(() => verifyToken(settings, rawToken({ role, ...scope }))).toThrow(reason);
    expect(() => signToken(settings, { sub: 'mixed', role, ...scope } as TokenClaims)).toThrow(InvalidTokenError);
  });

  it('defaults to an 8 hour expiry and honours a custom one', () => {
    const now = Math.floor(Date.now() / 1000);
    const decoded = jwt.decode(signToken(settings, { sub: 'x', role: 'operations' })) as jwt.JwtPayload;
    expect(decoded.exp! - now).toBeGreaterThanOrEqual(8 * 3600 - 5);
    expect(decoded.exp! - now).toBeLessThanOrEqual(8 * 3600 + 5);
    const short = jwt.decode(signToken(settings, { sub: 'x', role: 'operations' }, 60)) as jwt.JwtPayload;
    expect(short.exp! - now).toBeLessThanOrEqual(65);
    expect(decoded).toMatchObject({ iss: 'dtc-platform', aud: 'dtc-api', sub: 'x' });
  });

  it('gives no communes and no province when the claims have none', () => {
    expect(verifyToken(settings, signToken(settings, { sub: 'ops', role: 'operations' }))).toEqual({
      subject: 'ops',
      role: 'operations',
      communes: [],
      province: undefined,
    });
  });

  it.each([
    ['wrong secret', () => signToken({ ...settings, secret: 'another-secret-0123456789' }, { sub: 'a', role: 'operations' })],
    ['wrong audience', () => signToken({ ...settings, audience: 'other-api' }, { sub: 'a', role: 'operations' })],
    ['wrong issuer', () => signToken({ ...settings, issuer: 'evil' }, { sub: 'a', role: 'operations' })],
    ['expired', () => rawToken({ role: 'operations', exp: Math.floor(Date.now() / 1000) - 60 })],
    ['unknown role', () => signToken(settings, { sub: 'a', role: 'superuser' as Role })],
    ['missing role', () => rawToken({})],
    ['missing subject', () => rawToken({ role: 'operations', sub: undefined })],
    ['string payload', () => jwt.sign('just-a-string', settings.secret, { algorithm: 'HS256' })],
    ['unsigned (alg none)', () => jwt.sign({ role: 'operations', sub: 'a', iss: settings.issuer, aud: settings.audience }, '', { algorithm: 'none' })],
    ['HS512 token', () => rawToken({ role: 'operations' }).replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url'))],
    ['garbage', () => 'not.a.jwt'],
    ['empty', () => ''],
  ])('rejects a token with %s', (_label, make) => {
    const token = make();
    expect(() => verifyToken(settings, token)).toThrow(InvalidTokenError);
  });

  it('the expired-token case fails because of expiry (same token with a future exp passes)', () => {
    expect(() => verifyToken(settings, rawToken({ role: 'operations', exp: Math.floor(Date.now() / 1000) - 60 }))).toThrow(/expired/);
    expect(verifyToken(settings, rawToken({ role: 'operations' })).role).toBe('operations');
  });

  it('allows the configured clock tolerance on expiry and requires an expiry', () => {
    const justExpired = rawToken({ role: 'operations', exp: Math.floor(Date.now() / 1000) - 10 });
    expect(() => verifyToken(settings, justExpired)).toThrow(/expired/);
    expect(verifyToken({ ...settings, clockToleranceSeconds: 30 }, justExpired).role).toBe('operations');
    expect(() => verifyToken({ ...settings, clockToleranceSeconds: 30 }, rawToken({ role: 'operations', exp: Math.floor(Date.now() / 1000) - 60 }))).toThrow(/expired/);
    const noExpiry = jwt.sign({ iss: settings.issuer, aud: settings.audience, sub: 'a', role: 'operations' }, settings.secret, { algorithm: 'HS256' });
    expect(() => verifyToken(settings, noExpiry)).toThrow(new InvalidTokenError('token has no expiry (exp)'));
  });

  it('rejects an RS256 token in HS256 mode', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign({ iss: settings.issuer, aud: settings.audience, sub: 'a', role: 'operations', exp: Math.floor(Date.now() / 1000) + 60 }, privateKey, { algorithm: 'RS256' });
    expect(() => verifyToken(settings, token)).toThrow(InvalidTokenError);
  });

  it('drops invalid commune codes and an invalid province from the claims', () => {
    const token = rawToken({ role: 'commune_admin', communes: ['01234', '1234', '123456', 42, null, 'abcde', '98765'] });
    expect(verifyToken(settings, token)).toEqual({ subject: 'user-1', role: 'commune_admin', communes: ['01234', '98765'], province: undefined });
    expect(verifyToken(settings, rawToken({ role: 'integrator', province: '1' })).province).toBeUndefined();
  });

  it('ignores a communes claim that is not an array', () => {
    expect(verifyToken(settings, rawToken({ role: 'field_agent', communes: '01234' })).communes).toEqual([]);
  });
});

describe('canAccessCommune / canAccessProvince', () => {
  const operations: Principal = { subject: 'ops', role: 'operations', communes: [] };
  const agent: Principal = { subject: 'agent', role: 'field_agent', communes: ['01234', '01235'] };
  const admin: Principal = { subject: 'admin', role: 'commune_admin', communes: ['05678'] };
  const officer: Principal = { subject: 'officer', role: 'province_officer', communes: [], province: '01' };

  it.each([
    // principal, commune, province of commune, expected
    ['operations', operations, '99999', '99', true],
    ['operations', operations, '99999', undefined, true],
    ['field agent, own commune', agent, '01234', '01', true],
    ['field agent, other own commune', agent, '01235', undefined, true],
    ['field agent, foreign commune same province', agent, '01299', '01', false],
    ['field agent, foreign commune', agent, '05678', '02', false],
    ['commune admin, own commune', admin, '05678', '02', true],
    ['commune admin, foreign commune', admin, '01234', '01', false],
    ['province officer, commune in province', officer, '01299', '01', true],
    ['province officer, commune in other province', officer, '02001', '02', false],
    ['province officer, province of commune unknown', officer, '01299', undefined, false],
  ] as const)('%s -> commune %s (province %s)', (_label, principal, commune, province, expected) => {
    expect(canAccessCommune(principal, commune, province)).toBe(expected);
  });

  it.each([
    ['operations', operations, '99', true],
    ['province officer, own province', officer, '01', true],
    ['province officer, other province', officer, '02', false],
    ['field agent', agent, '01', false],
    ['commune admin', admin, '02', false],
  ] as const)('%s -> province %s', (_label, principal, province, expected) => {
    expect(canAccessProvince(principal, province)).toBe(expected);
  });
});
