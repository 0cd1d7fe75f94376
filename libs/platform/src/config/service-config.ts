import { loadConfig, parsers, type ConfigOf } from './config-loader';

export interface ServiceDefaults {
  serviceName: string;
  port: number;
  databaseSchema: string;
}

/** Configuration shared by every service; the README's configuration table lists the same. */
export function serviceConfigSpec(defaults: ServiceDefaults) {
  return {
    nodeEnv: { env: 'NODE_ENV', description: 'development, test or production', parse: parsers.oneOf('development', 'test', 'production'), default: 'development' as const },
    port: { env: 'PORT', description: 'HTTP port', parse: parsers.integer(1, 65535), default: defaults.port },
    host: { env: 'HOST', description: 'HTTP bind address', parse: parsers.string(), default: '0.0.0.0' },
    logLevel: { env: 'LOG_LEVEL', description: 'pino log level', parse: parsers.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), default: 'info' as const },
    databaseUrl: { env: 'DATABASE_URL', description: 'PostgreSQL connection URL', parse: parsers.url('postgres', 'postgresql'), default: 'postgres://postgres@127.0.0.1:5432/dtc' },
    databaseSchema: { env: 'DATABASE_SCHEMA', description: "the service's own Postgres schema", parse: parsers.identifier(), default: defaults.databaseSchema },
    databasePoolSize: { env: 'DATABASE_POOL_SIZE', description: 'connections per instance', parse: parsers.integer(2, 100), default: 10 },
    redisUrl: { env: 'REDIS_URL', description: 'Redis URL', parse: parsers.url('redis', 'rediss'), default: 'redis://127.0.0.1:6379' },
    kafkaBrokers: { env: 'KAFKA_BROKERS', description: 'Kafka bootstrap servers', parse: parsers.hostList(), default: ['127.0.0.1:9092'] },
    topicPrefix: { env: 'TOPIC_PREFIX', description: 'prefix of every topic and consumer group (isolates deployments and test runs)', parse: parsers.topicPrefix(), default: 'dtc.' },
    topicPartitions: { env: 'KAFKA_TOPIC_PARTITIONS', description: 'partitions of topics this service creates', parse: parsers.integer(1, 1000), default: 6 },
    consumerMaxRetries: { env: 'CONSUMER_MAX_RETRIES', description: 'in-place retries before an event is dead-lettered', parse: parsers.integer(0, 50), default: 3 },
    relayBatchSize: { env: 'OUTBOX_RELAY_BATCH_SIZE', description: 'outbox rows published per relay round', parse: parsers.integer(1, 10000), default: 500 },
    relayPollMs: { env: 'OUTBOX_RELAY_POLL_MS', description: 'relay fallback poll interval when no NOTIFY arrives', parse: parsers.integer(10, 60000), default: 1000 },
    jwtSecret: { env: 'JWT_SECRET', description: 'HS256 secret for bearer tokens (min 16 chars)', parse: parsers.string(16) },
    jwtIssuer: { env: 'JWT_ISSUER', description: 'expected token issuer', parse: parsers.string(), default: 'dtc-platform' },
    jwtAudience: { env: 'JWT_AUDIENCE', description: 'expected token audience', parse: parsers.string(), default: 'dtc-api' },
    bodyLimit: { env: 'HTTP_BODY_LIMIT', description: 'largest accepted JSON body', parse: parsers.string(), default: '1mb' },
  };
}

export type ServiceConfig = ConfigOf<ReturnType<typeof serviceConfigSpec>> & { serviceName: string };

export function loadServiceConfig(defaults: ServiceDefaults, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return { ...loadConfig(defaults.serviceName, serviceConfigSpec(defaults), env), serviceName: defaults.serviceName };
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
