/**
 * What the ops commands read from the environment, with the defaults of `npm start` on one
 * machine. Each command loads only what it uses, so a variable one command needs never stops
 * another; a bad value is a ConfigError naming the variable (exit code 2).
 */
import type { Kafka } from 'kafkajs';
import { createKafka } from '@dtc/messaging';
import { loadConfig, loadKafkaClientConfig, parsers } from '@dtc/platform';
import { DEV_JWT_SECRET } from '../start/dev-env';

const databaseUrl = { env: 'DATABASE_URL', description: 'PostgreSQL connection URL', parse: parsers.url('postgres', 'postgresql'), default: 'postgres://postgres@127.0.0.1:5432/dtc' };
const kafkaBrokers = { env: 'KAFKA_BROKERS', description: 'Kafka bootstrap servers', parse: parsers.hostList(), default: ['127.0.0.1:9092'] };
const topicPrefix = { env: 'TOPIC_PREFIX', description: 'prefix of topics and consumer groups', parse: parsers.topicPrefix(), default: 'dtc.' };

/** Lines for `help`: variable (default) and meaning. */
export const ENVIRONMENT = {
  database: 'DATABASE_URL (postgres://postgres@127.0.0.1:5432/dtc)',
  kafka: 'KAFKA_BROKERS (127.0.0.1:9092), TOPIC_PREFIX (dtc.); on a secured cluster KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE) (see docs/operations.md)',
  services: 'REGISTRY_URL (http://127.0.0.1:3001), REPORTING_URL (http://127.0.0.1:3004)',
  tokens: 'JWT_SECRET (the npm start development secret), JWT_ISSUER (dtc-platform), JWT_AUDIENCE (dtc-api)',
  operationsToken: 'OPS_TOKEN (optional: an operations bearer token to call the services with, e.g. from the identity provider; default: one signed with JWT_SECRET)',
  rebuild: 'DATABASE_SCHEMA (reporting), REDIS_URL (redis://127.0.0.1:6379), REBUILD_SWITCH_TIMEOUT_SECONDS (60), REBUILD_CONCURRENCY (2), REBUILD_BATCH_BYTES (4194304)',
};

export function databaseSettings() {
  return loadConfig('ops', { databaseUrl }, process.env);
}

/** Brokers, prefix and the TLS/SASL settings (an incomplete one is a ConfigError). */
export function kafkaSettings() {
  return { ...loadKafkaClientConfig('ops', process.env), ...loadConfig('ops', { topicPrefix }, process.env) };
}

export function opsKafka(): { kafka: Kafka; prefix: string } {
  const settings = kafkaSettings();
  return { kafka: createKafka({ clientId: `${settings.topicPrefix}ops`, brokers: settings.kafkaBrokers, security: settings }), prefix: settings.topicPrefix };
}

export function serviceUrls() {
  const url = parsers.url('http', 'https');
  return loadConfig(
    'ops',
    {
      registry: { env: 'REGISTRY_URL', description: 'household registry base URL', parse: (raw: string) => url(raw).replace(/\/+$/, ''), default: 'http://127.0.0.1:3001' },
      reporting: { env: 'REPORTING_URL', description: 'reporting base URL', parse: (raw: string) => url(raw).replace(/\/+$/, ''), default: 'http://127.0.0.1:3004' },
    },
    process.env,
  );
}

export function tokenSettings() {
  return loadConfig(
    'ops',
    {
      secret: { env: 'JWT_SECRET', description: 'HS256 token secret of the services', parse: parsers.string(16), default: DEV_JWT_SECRET },
      issuer: { env: 'JWT_ISSUER', description: 'token issuer', parse: parsers.string(), default: 'dtc-platform' },
      audience: { env: 'JWT_AUDIENCE', description: 'token audience', parse: parsers.string(), default: 'dtc-api' },
      jwksUrl: { env: 'JWT_JWKS_URL', description: 'JWKS of an identity provider (then the services refuse HS256 tokens)', parse: parsers.url('http', 'https'), optional: true as const },
      operationsToken: { env: 'OPS_TOKEN', description: 'operations bearer token', parse: parsers.string(20), optional: true as const },
    },
    process.env,
  );
}

export function rebuildSettings() {
  return loadConfig(
    'ops',
    {
      databaseUrl,
      kafkaBrokers,
      topicPrefix,
      databaseSchema: { env: 'DATABASE_SCHEMA', description: "reporting's Postgres schema", parse: parsers.identifier(), default: 'reporting' },
      redisUrl: { env: 'REDIS_URL', description: 'Redis URL (cache invalidation and dashboard refresh)', parse: parsers.url('redis', 'rediss'), default: 'redis://127.0.0.1:6379' },
      switchTimeoutSeconds: { env: 'REBUILD_SWITCH_TIMEOUT_SECONDS', description: 'longest hold on live updates while switching', parse: parsers.integer(1, 3600), default: 60 },
      concurrency: { env: 'REBUILD_CONCURRENCY', description: 'partitions replayed at the same time', parse: parsers.integer(1, 64), default: 2 },
      batchBytes: { env: 'REBUILD_BATCH_BYTES', description: 'largest batch fetched from one partition', parse: parsers.integer(65536, 67108864), default: 4194304 },
    },
    process.env,
  );
}
