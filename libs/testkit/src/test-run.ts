import { randomBytes } from 'node:crypto';
import { loadServiceConfig, signToken, type ServiceConfig, type ServiceDefaults, type TokenClaims } from '@dtc/platform';

export const TEST_JWT_SECRET = 'test-secret-for-isolated-test-runs';

/** A short id unique to one test file's run: schemas, topics and groups all carry it. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Service config for a test run: its own schema, topic prefix (hence own topics and
 * consumer groups) and the test token secret, so reruns and parallel runs never collide.
 */
export function testServiceConfig(defaults: ServiceDefaults, runId: string, overrides: NodeJS.ProcessEnv = {}): ServiceConfig {
  return loadServiceConfig(defaults, {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    // A run against a secured broker (KAFKA_SSL, KAFKA_SASL_*) passes its client settings through.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^KAFKA_(SSL|SASL)/.test(name))),
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_SCHEMA: `t_${runId}_${defaults.databaseSchema}`,
    TOPIC_PREFIX: `t-${runId}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    OUTBOX_RELAY_POLL_MS: '200',
    CONSUMER_MAX_RETRIES: '2',
    JWT_SECRET: TEST_JWT_SECRET,
    ...overrides,
  });
}

/** Environment variables that make a spawned service behave like testServiceConfig(). */
export function testServiceEnv(schema: string, runId: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_SCHEMA: `t_${runId}_${schema}`,
    TOPIC_PREFIX: `t-${runId}.`,
    KAFKA_TOPIC_PARTITIONS: '3',
    OUTBOX_RELAY_POLL_MS: '200',
    CONSUMER_MAX_RETRIES: '2',
    // Fault tests kill consumers: let the group notice within seconds, not the default 30.
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
    // Suites drive many requests with one token; the rate-limit suite sets its own small budget.
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    JWT_SECRET: TEST_JWT_SECRET,
  };
}

export function testToken(claims: TokenClaims): string {
  return signToken({ secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, claims, 3600);
}
