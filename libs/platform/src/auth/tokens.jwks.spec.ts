import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { loadServiceConfig } from '../config/service-config';
import { createTokenVerifier, InvalidTokenError, JwksKeyStore, JwksTokenVerifier, signToken, SecretTokenVerifier } from './tokens';

// RS256 tokens checked against a JWKS served by a tiny local HTTP server (the identity provider).
const ISSUER = 'https://idp.example/realms/dtc';
const AUDIENCE = 'dtc-api';

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
const first = keyPair();
const second = keyPair();
const stranger = keyPair();

const jwkOf = (kid: string, publicKey: KeyObject, extra: Record<string, unknown> = {}) => ({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', ...extra });

function rs256(privateKey: KeyObject, kid: string | undefined, payload: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = Object.fromEntries(Object.entries({ iss: ISSUER, aud: AUDIENCE, sub: 'kc-user-1', exp: now + 300, role: 'field_agent', communes: ['01234'], ...payload }).filter(([, v]) => v !== undefined));
  return jwt.sign(claims, privateKey, {
    algorithm: 'RS256',
    ...(kid === undefined ? {} : { keyid: kid }),
  });
}

/** The identity provider: serves `keys`, counts requests, can fail or hang. */
class FakeIdp {
  keys: unknown[] = [];
  requests = 0;
  mode: 'ok' | 'error' | 'hang' = 'ok';
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.requests += 1;
      if (this.mode === 'hang') return; // never answers
      if (this.mode === 'error') {
        response.writeHead(500).end('boom');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/dtc/protocol/openid-connect/certs`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('RS256 tokens against a JWKS', () => {
  let idp: FakeIdp;
  let clock: number;
  let store: JwksKeyStore;
  let verifier: JwksTokenVerifier;
  const fetchErrors: Error[] = [];

  const makeVerifier = (options: { roleClaim?: string; timeoutMs?: number } = {}) => {
    store = new JwksKeyStore({ url: idp.url, timeoutMs: options.timeoutMs ?? 2000, minRefetchIntervalMs: 30_000, now: () => clock, onFetchError: (error) => fetchErrors.push(error) });
    verifier = new JwksTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30, roleClaim: options.roleClaim }, store);
  };

  beforeEach(async () => {
    idp = await new FakeIdp().start();
    idp.keys = [jwkOf('k1', first.publicKey)];
    clock = 1_000_000;
    fetchErrors.length = 0;
    makeVerifier();
  });

  afterEach(async () => {
    await idp.stop();
  });

  it('accepts a good RS256 token and fetches the keys once', async () => {
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).resolves.toEqual({ subject: 'kc-user-1', role: 'field_agent', communes: ['01234'], province: undefined });
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { sub: 'other' }))).resolves.toMatchObject({ subject: 'other' });
    expect(idp.requests).toBe(1);
  });

  it('rejects a token whose kid is not in the JWKS', async () => {
    await expect(verifier.verify(rs256(first.privateKey, 'nope'))).rejects.toThrow(new InvalidTokenError('token is signed with an unknown key (kid)'));
  });

  it('rejects a token without a kid, and one signed by another key under a known kid', async () => {
    await expect(verifier.verify(rs256(first.privateKey, undefined))).rejects.toThrow(/no key id/);
    await expect(verifier.verify(rs256(stranger.privateKey, 'k1'))).rejects.toThrow(/invalid signature/);
  });

  it('checks expiry with the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { exp: now - 10 }))).resolves.toMatchObject({ role: 'field_agent' });
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { exp: now - 60 }))).rejects.toThrow(new InvalidTokenError('jwt expired'));
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { exp: undefined }))).rejects.toThrow(/no expiry/);
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { nbf: now + 120 }))).rejects.toThrow(/not active/);
  });

  it.each([
    ['issuer', { iss: 'https://evil.example/realms/dtc' }, /jwt issuer invalid/],
    ['audience', { aud: 'account' }, /jwt audience invalid/],
  ])('rejects a wrong %s', async (_label, payload, message) => {
    await expect(verifier.verify(rs256(first.privateKey, 'k1', payload))).rejects.toThrow(message);
  });

  it('rejects a missing or unknown role exactly like HS256 tokens', async () => {
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { role: undefined }))).rejects.toThrow(new InvalidTokenError('token has no valid role'));
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { role: 'superuser' }))).rejects.toThrow(new InvalidTokenError('token has no valid role'));
  });

  it('refuses HS256 tokens (including one keyed with the public key: key confusion) and alg none, without asking the IdP', async () => {
    const hs256 = signToken({ secret: 'a-perfectly-good-secret-123', issuer: ISSUER, audience: AUDIENCE }, { sub: 'x', role: 'operations' });
    const publicPem = first.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const confused = jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'x', role: 'operations', exp: Math.floor(Date.now() / 1000) + 300 }, publicPem, { algorithm: 'HS256', keyid: 'k1' });
    const unsigned = jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'x', role: 'operations' }, '', { algorithm: 'none', keyid: 'k1' } as jwt.SignOptions);
    for (const token of [hs256, confused, unsigned]) await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('token must be signed with RS256'));
    await expect(verifier.verify('not-a-jwt')).rejects.toThrow(new InvalidTokenError('token is not a JWT'));
    expect(idp.requests).toBe(0);
  });

  it('answers InvalidTokenError when the IdP is down, errs or hangs', async () => {
    idp.mode = 'error';
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).rejects.toThrow(new InvalidTokenError("the identity provider's signing keys are unavailable; retry later"));
    expect(fetchErrors.map((e) => e.message)).toEqual(['JWKS request answered 500']);

    idp.mode = 'hang';
    makeVerifier({ timeoutMs: 200 });
    const started = Date.now();
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).rejects.toBeInstanceOf(InvalidTokenError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fetchErrors.at(-1)?.name).toBe('TimeoutError');

    await idp.stop();
    makeVerifier();
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).rejects.toThrow(/signing keys are unavailable/);
    await idp.start(); // for afterEach
  });

  it('keeps using cached keys while the IdP is down', async () => {
    await verifier.verify(rs256(first.privateKey, 'k1'));
    idp.mode = 'error';
    clock += 60 * 60_000; // cache old, refetch allowed: it fails, the cached key still serves
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).resolves.toMatchObject({ role: 'field_agent' });
    expect(idp.requests).toBe(2);
    await expect(verifier.verify(rs256(first.privateKey, 'k9'))).rejects.toThrow(/unknown key/);
  });

  it('refetches for an unknown kid at most once per interval, sharing one request between concurrent misses', async () => {
    await verifier.verify(rs256(first.privateKey, 'k1'));
    expect(idp.requests).toBe(1);
    // Garbage kids right after a fetch: refused without asking the IdP.
    for (let i = 0; i < 20; i += 1) await expect(verifier.verify(rs256(first.privateKey, `garbage-${i}`))).rejects.toThrow(/unknown key/);
    expect(idp.requests).toBe(1);
    // The provider rotates in a new key; before the interval a token with it is still refused ...
    idp.keys = [jwkOf('k1', first.publicKey), jwkOf('k2', second.publicKey)];
    clock += 29_000;
    await expect(verifier.verify(rs256(second.privateKey, 'k2'))).rejects.toThrow(/unknown key/);
    expect(idp.requests).toBe(1);
    // ... after it, many concurrent misses make exactly one request and the new key works.
    clock += 1_000;
    const results = await Promise.allSettled([...Array(10)].map(() => verifier.verify(rs256(second.privateKey, 'k2'))));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('fulfilled'));
    expect(idp.requests).toBe(2);
  });

  it('drops keys the provider removed and ignores encryption and non-RSA keys', async () => {
    idp.keys = [
      jwkOf('k1', first.publicKey),
      jwkOf('enc', second.publicKey, { use: 'enc', alg: 'RSA-OAEP' }),
      { kty: 'oct', kid: 'hmac', k: Buffer.from('secret').toString('base64url') },
      { kty: 'RSA', kid: 'broken', n: 'AQAB', e: 'nonsense!' },
    ];
    await verifier.verify(rs256(first.privateKey, 'k1'));
    await expect(verifier.verify(rs256(second.privateKey, 'enc'))).rejects.toThrow(/unknown key/);
    idp.keys = [jwkOf('k2', second.publicKey)];
    clock += 11 * 60_000; // older than the cache's max age: refreshed on the next token
    await expect(verifier.verify(rs256(first.privateKey, 'k1'))).rejects.toThrow(/unknown key/);
    await expect(verifier.verify(rs256(second.privateKey, 'k2'))).resolves.toMatchObject({ subject: 'kc-user-1' });
  });

  it('reads Keycloak realm roles through a configurable claim path', async () => {
    makeVerifier({ roleClaim: 'realm_access.roles' });
    const keycloak = (roles: unknown) => rs256(first.privateKey, 'k1', { role: undefined, realm_access: { roles } });
    await expect(verifier.verify(keycloak(['offline_access', 'commune_admin', 'default-roles-dtc']))).resolves.toMatchObject({ role: 'commune_admin', communes: ['01234'] });
    await expect(verifier.verify(keycloak(['offline_access']))).rejects.toThrow(new InvalidTokenError('token has no valid role'));
    // Operations carry no scope claims: the realm's communes attribute must not be mapped for them.
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { role: undefined, communes: undefined, realm_access: { roles: 'operations' } }))).resolves.toMatchObject({ role: 'operations' });
    await expect(verifier.verify(keycloak('operations'))).rejects.toThrow(/operations token carries neither/);
    await expect(verifier.verify(keycloak(['operations', 'field_agent']))).rejects.toThrow(/several platform roles/);
    await expect(verifier.verify(rs256(first.privateKey, 'k1', { role: 'operations' }))).rejects.toThrow(/no valid role/);
  });
});

describe('createTokenVerifier', () => {
  const defaults = { serviceName: 'household-registry', port: 3101, databaseSchema: 'household_registry' };

  it('uses HS256 with only JWT_SECRET, and JWKS mode when JWT_JWKS_URL is set', async () => {
    const secret = 'a-test-secret-16+';
    const hs = createTokenVerifier(loadServiceConfig(defaults, { JWT_SECRET: secret }));
    expect(hs).toBeInstanceOf(SecretTokenVerifier);
    await expect(hs.verify(signToken({ secret, issuer: 'dtc-platform', audience: 'dtc-api' }, { sub: 'a', role: 'operations' }))).resolves.toMatchObject({ role: 'operations' });
    const rs = createTokenVerifier(loadServiceConfig(defaults, { JWT_SECRET: secret, JWT_JWKS_URL: 'http://127.0.0.1:1/certs' }));
    expect(rs).toBeInstanceOf(JwksTokenVerifier);
    await expect(rs.verify(signToken({ secret, issuer: 'dtc-platform', audience: 'dtc-api' }, { sub: 'a', role: 'operations' }))).rejects.toThrow(/RS256/);
  });
});
