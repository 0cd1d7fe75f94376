import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import jwt from 'jsonwebtoken';
import { deleteTestTopics, dropTestSchemas, newRunId, testToken } from '@dtc/testkit';
import { startServices, type RunningService } from '../../support/services';

// Issue 7: the built household registry, started once against an OpenID Connect provider's JWKS
// (served here, Keycloak-shaped: realm roles in realm_access.roles) and once with a small per-token
// rate limit. RS256 tokens with a published kid work; HS256 tokens (even with the right secret),
// unknown kids and an unreachable provider get 401 problems, never 500; the 6th request of a
// 5-request budget gets 429 with Retry-After while other tokens and /health carry on.
const runId = newRunId();
const AUDIENCE = 'dtc-api';
const COMMUNE = '16401';

async function send(url: string, token?: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, headers: response.headers, body, text };
}

afterAll(async () => {
  await dropTestSchemas(runId);
  await deleteTestTopics(runId);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`t-${runId}.*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

describe('RS256 tokens from an OpenID Connect provider (JWT_JWKS_URL)', () => {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let idp: Server;
  let issuer: string;
  let jwksRequests = 0;
  let registry: RunningService;
  let stop: (() => Promise<void>) | undefined;

  const keycloakToken = (claims: Record<string, unknown>, options: { kid?: string; key?: typeof signing.privateKey } = {}) =>
    jwt.sign({ iss: issuer, aud: AUDIENCE, sub: 'f3b2c1d0-0000-4000-8000-00000000abcd', typ: 'Bearer', realm_access: { roles: ['offline_access', 'default-roles-dtc', 'operations'] }, ...claims }, options.key ?? signing.privateKey, {
      algorithm: 'RS256',
      keyid: options.kid ?? 'dtc-signing-1',
      expiresIn: 300,
    });

  beforeAll(async () => {
    idp = createServer((request, response) => {
      jwksRequests += 1;
      const jwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: 'dtc-signing-1', use: 'sig', alg: 'RS256' };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/realms/dtc`;
    issuer = base;
    ({
      services: { 'household-registry': registry },
      stop,
    } = (await startServices(runId, ['household-registry'], {
      'household-registry': {
        JWT_SECRET: '', // not needed in JWKS mode
        JWT_JWKS_URL: `${base}/protocol/openid-connect/certs`,
        JWT_ISSUER: issuer,
        JWT_AUDIENCE: AUDIENCE,
        JWT_ROLE_CLAIM: 'realm_access.roles',
        JWT_JWKS_REFETCH_SECONDS: '1',
      },
    })) as never);
  });

  afterAll(async () => {
    await stop?.();
    idp?.closeAllConnections();
    await new Promise((resolve) => idp?.close(resolve));
  });

  it('accepts an RS256 token whose kid is in the JWKS', async () => {
    const token = keycloakToken({});
    const created = await send(`${registry.url}/communes`, token, { method: 'POST', body: { code: COMMUNE, name: 'Xã Thử', provinceCode: '38', provinceName: 'Thanh Hóa' } });
    expect(created.status).toBe(201);
    const read = await send(`${registry.url}/communes/${COMMUNE}`, token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ code: COMMUNE });
    expect(jwksRequests).toBeGreaterThanOrEqual(1);
  });

  it('refuses an HS256 token (the one-machine kind) with 401', async () => {
    const hs256 = testToken({ sub: 'ops', role: 'operations' });
    const refused = await send(`${registry.url}/communes/${COMMUNE}`, hs256);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token: token must be signed with RS256' });
  });

  it.each([
    ['an unknown kid', () => keycloakToken({}, { kid: 'not-published' }), /unknown key/],
    ['another key under the published kid', () => keycloakToken({}, { key: other.privateKey }), /invalid signature/],
    ['another audience', () => keycloakToken({ aud: 'account' }), /audience/],
    ['no platform role', () => keycloakToken({ realm_access: { roles: ['offline_access'] } }), /no valid role/],
  ])('answers 401 to a token with %s', async (_label, make, message) => {
    const refused = await send(`${registry.url}/communes/${COMMUNE}`, make());
    expect(refused.status).toBe(401);
    expect(String(refused.body['message'])).toMatch(message);
  });

  it('refuses a field agent token that also carries a province (401, nothing written)', async () => {
    const mixed = keycloakToken({ realm_access: { roles: ['field_agent'] }, communes: ['16409'], province: '38' });
    const write = await send(`${registry.url}/households`, mixed, { method: 'POST', body: { communeCode: COMMUNE, villageCode: 'THON-1', address: 'Xóm 1', headName: 'Nguyễn Văn An' } });
    expect(write.status).toBe(401);
    expect(write.body).toMatchObject({ statusCode: 401, message: 'Invalid token: a field_agent token carries communes only, never a province' });
    const officerWithCommunes = keycloakToken({ realm_access: { roles: ['province_officer'] }, communes: [COMMUNE], province: '38' });
    expect((await send(`${registry.url}/communes/${COMMUNE}`, officerWithCommunes)).status).toBe(401);
  });

  it('answers 401, not 500, when the provider is unreachable, and keeps serving cached keys', async () => {
    idp.closeAllConnections();
    await new Promise((resolve) => idp.close(resolve));
    const known = await send(`${registry.url}/communes/${COMMUNE}`, keycloakToken({}));
    expect(known.status).toBe(200);
    const unknown = await send(`${registry.url}/communes/${COMMUNE}`, keycloakToken({}, { kid: 'rotated-in-later' }));
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(unknown.text).not.toMatch(/ECONNREFUSED|fetch failed|\.ts:\d+/);
    expect((await send(`${registry.url}/health`)).status).toBe(200);
  });
});

describe('per-token rate limits (RATE_LIMIT_PER_MINUTE)', () => {
  let registry: RunningService;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({
      services: { 'household-registry': registry },
      stop,
    } = (await startServices(runId, ['household-registry'], { 'household-registry': { RATE_LIMIT_PER_MINUTE: '5' } })) as never);
  });

  afterAll(async () => {
    await stop?.();
  });

  it('answers the 6th request of a 5-request budget with 429 and Retry-After; other tokens and /health carry on', async () => {
    const agent = testToken({ sub: 'busy-agent', role: 'field_agent', communes: [COMMUNE] });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await send(`${registry.url}/communes/${COMMUNE}/villages`, agent);
      expect(response.status).toBeLessThan(429);
      expect(response.headers.get('ratelimit-limit')).toBe('5');
      remaining.push(response.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const limited = await send(`${registry.url}/communes/${COMMUNE}/villages`, agent);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many requests for this token (5 per 60 s); retry after ${retryAfter} s`,
      retryAfterSeconds: retryAfter,
      correlationId: expect.any(String),
    });

    const colleague = testToken({ sub: 'other-agent', role: 'field_agent', communes: [COMMUNE] });
    expect((await send(`${registry.url}/communes/${COMMUNE}/villages`, colleague)).status).toBeLessThan(429);
    for (let i = 0; i < 8; i += 1) expect((await send(`${registry.url}/health`)).status).toBe(200);
    const metrics = await send(`${registry.url}/metrics`);
    expect(metrics.text).toMatch(/rate_limit_rejected_total\{budget="requests",service="household-registry"\} 1\b/);
  });
});
