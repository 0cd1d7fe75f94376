import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ServiceConfig } from '../config/service-config';
import { ROLES, scopeClaimProblem, type Principal, type Role, type TokenClaims } from './principal';

/**
 * Bearer tokens come in two modes:
 * - HS256 with a shared secret (JWT_SECRET): the one-machine default; `signToken` makes them.
 * - RS256 from an OpenID Connect provider (Keycloak, ...) when JWT_JWKS_URL is set: the token's
 *   `kid` must be in the provider's JWKS. HS256 is then refused outright, so a token "signed" with
 *   the public key as an HMAC secret (key confusion) can never pass, and `alg: none` never does.
 * Either way issuer, audience, subject, expiry (with a small clock tolerance) and the role are
 * checked; anything wrong is an InvalidTokenError, which the AuthGuard answers with 401.
 */
export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** Clock skew allowed on exp/nbf (seconds, default 0). */
  clockToleranceSeconds?: number;
  /** Dotted path of the role claim (default `role`); see principalFromClaims. */
  roleClaim?: string;
}

export class InvalidTokenError extends Error {}

export function signToken(settings: Pick<TokenSettings, 'secret' | 'issuer' | 'audience'>, claims: TokenClaims, expiresInSeconds = 8 * 3600): string {
  const scopeProblem = scopeClaimProblem(claims.role, claims);
  if (scopeProblem) throw new InvalidTokenError(scopeProblem);
  return jwt.sign({ role: claims.role, communes: claims.communes, province: claims.province }, settings.secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: expiresInSeconds,
  });
}

const COMMUNE = /^[0-9]{5}$/;
const PROVINCE = /^[0-9]{2}$/;

function claimAt(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/**
 * The role is a string claim (`role`, as signToken writes it) or, for providers such as Keycloak,
 * an array (`realm_access.roles`) that must hold exactly one platform role; other entries
 * (offline_access, default-roles-*) are ignored. Communes and province are top-level claims.
 */
export function principalFromClaims(payload: jwt.JwtPayload, roleClaim = 'role'): Principal {
  const roleValue = claimAt(payload, roleClaim);
  let role: Role | undefined;
  if (isRole(roleValue)) role = roleValue;
  else if (Array.isArray(roleValue)) {
    const roles = ROLES.filter((r) => roleValue.includes(r));
    if (roles.length > 1) throw new InvalidTokenError(`token has several platform roles (${roles.join(', ')}); exactly one is allowed`);
    role = roles[0];
  }
  if (!role) throw new InvalidTokenError('token has no valid role');
  if (!payload.sub || typeof payload.sub !== 'string') throw new InvalidTokenError('token has no subject');
  const scopeProblem = scopeClaimProblem(role, { communes: payload['communes'], province: payload['province'] });
  if (scopeProblem) throw new InvalidTokenError(scopeProblem);
  const communes = Array.isArray(payload['communes']) ? (payload['communes'] as unknown[]).filter((c): c is string => typeof c === 'string' && COMMUNE.test(c)) : [];
  const province = typeof payload['province'] === 'string' && PROVINCE.test(payload['province']) ? payload['province'] : undefined;
  return { subject: payload.sub, role, communes, province };
}

/** Runs jsonwebtoken's checks and turns every failure into an InvalidTokenError. */
function checkedPayload(verify: () => string | jwt.JwtPayload): jwt.JwtPayload {
  let decoded: string | jwt.JwtPayload;
  try {
    decoded = verify();
  } catch (error) {
    throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
  }
  if (typeof decoded === 'string') throw new InvalidTokenError('token payload is not an object');
  // jsonwebtoken checks exp only when present: a token without one would never expire.
  if (typeof decoded.exp !== 'number') throw new InvalidTokenError('token has no expiry (exp)');
  return decoded;
}

const secretKeys = new Map<string, KeyObject>();

/**
 * The secret as a key object, made once: given a string, jsonwebtoken first tries (and fails)
 * to parse it as a public key on every request, a few percent of each service's CPU under load.
 */
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

/** HS256 with the shared secret (the one-machine mode). */
export function verifyToken(settings: TokenSettings, token: string): Principal {
  const payload = checkedPayload(() =>
    jwt.verify(token, secretKey(settings.secret), { algorithms: ['HS256'], issuer: settings.issuer, audience: settings.audience, clockTolerance: settings.clockToleranceSeconds ?? 0 }),
  );
  return principalFromClaims(payload, settings.roleClaim);
}

export interface JwksOptions {
  url: string;
  /** Timeout of one JWKS request (default 3 s). */
  timeoutMs?: number;
  /** Least time between two JWKS requests, successful or not (default 30 s). */
  minRefetchIntervalMs?: number;
  /** Cached keys older than this are refreshed when a refetch is allowed (default 10 min; old keys stay if that fails). */
  maxAgeMs?: number;
  /** Called when a JWKS request fails (for a log line); never with token contents. */
  onFetchError?: (error: Error) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * The identity provider's RS256 signing keys by kid. Keys are fetched on first use, refreshed
 * when a token names an unknown kid (key rotation) or the cache is old, but never more often
 * than once per `minRefetchIntervalMs` (garbage kids cannot make us hammer the provider);
 * concurrent misses share one request. An unreachable provider yields InvalidTokenError (401).
 */
export class JwksKeyStore {
  private keys = new Map<string, KeyObject>();
  private fetchedAt?: number;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  /** JWKS requests made so far (tests and diagnostics). */
  requests = 0;

  constructor(private readonly options: JwksOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async key(kid: string): Promise<KeyObject> {
    const stale = this.fetchedAt === undefined || this.now() - this.fetchedAt > (this.options.maxAgeMs ?? 10 * 60_000);
    if ((stale || !this.keys.has(kid)) && this.mayFetch()) {
      try {
        await this.refresh();
      } catch {
        // Reported through onFetchError; a key still cached from an earlier fetch keeps working.
      }
    }
    const key = this.keys.get(kid);
    if (key) return key;
    if (this.fetchedAt === undefined) throw new InvalidTokenError("the identity provider's signing keys are unavailable; retry later");
    throw new InvalidTokenError('token is signed with an unknown key (kid)');
  }

  private mayFetch(): boolean {
    return this.inFlight !== undefined || this.now() - this.lastAttemptAt >= (this.options.minRefetchIntervalMs ?? 30_000);
  }

  private refresh(): Promise<void> {
    if (!this.inFlight) {
      this.lastAttemptAt = this.now();
      this.inFlight = this.load()
        .catch((error: Error) => {
          this.options.onFetchError?.(error);
          throw error;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.requests += 1;
    const response = await fetch(this.options.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000) });
    if (!response.ok) throw new Error(`JWKS request answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    const keys = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(body?.keys) ? (body.keys as Array<Record<string, unknown>>) : []) {
      if (!jwk || jwk['kty'] !== 'RSA' || typeof jwk['kid'] !== 'string' || !jwk['kid']) continue;
      if (jwk['use'] !== undefined && jwk['use'] !== 'sig') continue; // Keycloak also lists an encryption key
      if (jwk['alg'] !== undefined && jwk['alg'] !== 'RS256') continue;
      try {
        keys.set(jwk['kid'], createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
      } catch {
        // a malformed key is skipped, the others still count
      }
    }
    if (keys.size === 0) throw new Error('JWKS holds no RS256 signing key');
    this.keys = keys; // replaced, so keys the provider dropped stop working
    this.fetchedAt = this.now();
  }
}

export interface TokenVerifier {
  /** The caller, or InvalidTokenError (never anything else). */
  verify(token: string): Promise<Principal>;
}

/** HS256 with the shared secret. */
export class SecretTokenVerifier implements TokenVerifier {
  constructor(private readonly settings: TokenSettings) {}

  async verify(token: string): Promise<Principal> {
    return verifyToken(this.settings, token);
  }
}

/** RS256 with a key from the identity provider's JWKS; every other algorithm is refused. */
export class JwksTokenVerifier implements TokenVerifier {
  constructor(
    private readonly settings: Omit<TokenSettings, 'secret'>,
    private readonly keys: JwksKeyStore,
  ) {}

  async verify(token: string): Promise<Principal> {
    let header: jwt.JwtHeader | undefined;
    try {
      header = jwt.decode(token, { complete: true })?.header;
    } catch {
      header = undefined;
    }
    if (!header) throw new InvalidTokenError('token is not a JWT');
    // Checked before any key lookup: HS256 (key confusion) and none never reach the verifier.
    if (header.alg !== 'RS256') throw new InvalidTokenError('token must be signed with RS256');
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) throw new InvalidTokenError('token has no key id (kid)');
    const key = await this.keys.key(header.kid);
    const payload = checkedPayload(() =>
      jwt.verify(token, key, { algorithms: ['RS256'], issuer: this.settings.issuer, audience: this.settings.audience, clockTolerance: this.settings.clockToleranceSeconds ?? 0 }),
    );
    return principalFromClaims(payload, this.settings.roleClaim);
  }
}

type TokenConfig = Pick<
  ServiceConfig,
  'jwtSecret' | 'jwtJwksUrl' | 'jwtJwksTimeoutMs' | 'jwtJwksRefetchSeconds' | 'jwtIssuer' | 'jwtAudience' | 'jwtClockToleranceSeconds' | 'jwtRoleClaim'
>;

/** JWKS mode when JWT_JWKS_URL is set, else HS256 with JWT_SECRET (config validation ensures one). */
export function createTokenVerifier(config: TokenConfig, options: { onJwksError?: (error: Error) => void } = {}): TokenVerifier {
  const common = { issuer: config.jwtIssuer, audience: config.jwtAudience, clockToleranceSeconds: config.jwtClockToleranceSeconds, roleClaim: config.jwtRoleClaim };
  if (config.jwtJwksUrl) {
    const keys = new JwksKeyStore({ url: config.jwtJwksUrl, timeoutMs: config.jwtJwksTimeoutMs, minRefetchIntervalMs: config.jwtJwksRefetchSeconds * 1000, onFetchError: options.onJwksError });
    return new JwksTokenVerifier(common, keys);
  }
  if (!config.jwtSecret) throw new Error('JWT_SECRET or JWT_JWKS_URL must be set');
  return new SecretTokenVerifier({ ...common, secret: config.jwtSecret });
}
