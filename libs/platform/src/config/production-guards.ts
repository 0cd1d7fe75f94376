/**
 * Settings that are fine on a developer's machine but dangerous on a shared installation. With
 * NODE_ENV=production a service refuses to start with any of them, so a forgotten override shows
 * at deploy time instead of as forged tokens months later.
 */

/** Bytes of an HS256 secret below which brute-forcing a captured token becomes practical. */
export const PRODUCTION_MIN_SECRET_BYTES = 32;

/**
 * JWT secrets written in this repository (anyone can read them, so anyone could sign tokens):
 * `npm start`'s development secret (tools/start/dev-env.ts, tools/start/start.js), the test runs'
 * (libs/testkit/src/test-run.ts) and the placeholder of deploy/kubernetes/secret.example.yaml
 * (the benchmark makes a random one per run). production-guards.spec.ts checks the list against them.
 */
export const PUBLISHED_JWT_SECRETS: readonly string[] = [
  'local-development-secret-not-for-production',
  'test-secret-for-isolated-test-runs',
  'replace-with-64-random-hex-characters',
];

/** Problems of a production environment (none outside production); secrets are never echoed. */
export function productionProblems(env: NodeJS.ProcessEnv): string[] {
  if (env['NODE_ENV'] !== 'production') return [];
  const problems: string[] = [];
  const secret = env['JWT_SECRET'];
  if (secret) {
    if (PUBLISHED_JWT_SECRETS.includes(secret)) {
      problems.push('JWT_SECRET is a secret published in the repository (development, test or example value): anyone could sign tokens; generate one, e.g. openssl rand -hex 32 (NODE_ENV=production)');
    } else if (Buffer.byteLength(secret, 'utf8') < PRODUCTION_MIN_SECRET_BYTES) {
      problems.push(`JWT_SECRET must be at least ${PRODUCTION_MIN_SECRET_BYTES} bytes in production (got ${Buffer.byteLength(secret, 'utf8')}); generate one, e.g. openssl rand -hex 32 (NODE_ENV=production)`);
    }
  }
  const jwksUrl = env['JWT_JWKS_URL'];
  if (jwksUrl && !/^https:\/\//i.test(jwksUrl)) {
    problems.push('JWT_JWKS_URL must use https in production: signing keys fetched over http can be replaced on the way (NODE_ENV=production)');
  }
  return problems;
}
