import { ConfigError, loadConfig, parsers, type ConfigOf } from './config-loader';
import { kafkaClientConfigProblems, kafkaClientConfigSpec } from './kafka-config';
import { productionProblems } from './production-guards';

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
    // Every busy connection is a Postgres backend on the database's cores: on one 2-core machine, 4
    // per instance did 20-30% more events/s than 10 with the consumers running (medians of five pairs, docs/benchmarks.md).
    databasePoolSize: { env: 'DATABASE_POOL_SIZE', description: "connections per instance (raise it with the database's cores)", parse: parsers.integer(2, 100), default: 4 },
    // off behind a connection pooler in transaction mode, where a connection's prepared statements are not its own.
    databasePreparedStatements: { env: 'DATABASE_PREPARED_STATEMENTS', description: 'on: statements sent often run as named prepared statements (planned once per connection); off: every statement unnamed', parse: parsers.oneOf('on', 'off'), default: 'on' as const },
    redisUrl: { env: 'REDIS_URL', description: 'Redis URL', parse: parsers.url('redis', 'rediss'), default: 'redis://127.0.0.1:6379' },
    kafkaBrokers: { env: 'KAFKA_BROKERS', description: 'Kafka bootstrap servers', parse: parsers.hostList(), default: ['127.0.0.1:9092'] },
    topicPrefix: { env: 'TOPIC_PREFIX', description: 'prefix of every topic and consumer group (isolates deployments and test runs)', parse: parsers.topicPrefix(), default: 'dtc.' },
    topicPartitions: { env: 'KAFKA_TOPIC_PARTITIONS', description: 'partitions of topics this service creates', parse: parsers.integer(1, 1000), default: 6 },
    // After a lost Kafka cluster: start on this cluster although the schema recorded another (libs/messaging/src/cluster).
    kafkaAcceptClusterId: { env: 'KAFKA_ACCEPT_CLUSTER_ID', description: 'a new Kafka cluster id accepted as it is (normally unset: npm run ops -- republish records the new cluster)', parse: parsers.string(), optional: true as const },
    // TLS, SASL and topic replication: libs/platform/src/config/kafka-config.ts.
    ...kafkaClientConfigSpec(),
    consumerMaxRetries: { env: 'CONSUMER_MAX_RETRIES', description: 'in-place retries before an event is dead-lettered', parse: parsers.integer(0, 50), default: 3 },
    consumerSessionTimeoutMs: {
      env: 'CONSUMER_SESSION_TIMEOUT_MS',
      description: 'how long the group waits for a silent (crashed) consumer before giving its partitions to others',
      parse: parsers.integer(6000, 300000),
      default: 30000,
    },
    // off: an instance that serves HTTP and publishes its outbox but applies no events (API-only
    // instances scaled apart from the consumers; the benchmark's writes-alone phase).
    kafkaConsumers: { env: 'KAFKA_CONSUMERS', description: 'on, or off for an instance that consumes nothing (it still serves HTTP and publishes its outbox)', parse: parsers.oneOf('on', 'off'), default: 'on' as const },
    relayBatchSize: { env: 'OUTBOX_RELAY_BATCH_SIZE', description: 'outbox rows published per relay round', parse: parsers.integer(1, 10000), default: 500 },
    relayPollMs: { env: 'OUTBOX_RELAY_POLL_MS', description: 'relay fallback poll interval when no commit or notice wakes it', parse: parsers.integer(10, 60000), default: 1000 },
    // Tokens: HS256 with JWT_SECRET (one machine), or RS256 checked against an OpenID Connect
    // provider's JWKS when JWT_JWKS_URL is set (then JWT_SECRET is not needed and HS256 is refused).
    jwtSecret: { env: 'JWT_SECRET', description: 'HS256 secret for bearer tokens (min 16 chars)', parse: parsers.string(16), optional: true as const },
    jwtJwksUrl: { env: 'JWT_JWKS_URL', description: "JWKS URL of the OpenID Connect provider; tokens must then be RS256 with a kid from it", parse: parsers.url('https', 'http'), optional: true as const },
    jwtJwksTimeoutMs: { env: 'JWT_JWKS_TIMEOUT_MS', description: 'timeout of one JWKS request', parse: parsers.integer(100, 60000), default: 3000 },
    jwtJwksRefetchSeconds: { env: 'JWT_JWKS_REFETCH_SECONDS', description: 'least time between two JWKS requests (unknown kids do not refetch more often)', parse: parsers.integer(1, 3600), default: 30 },
    jwtIssuer: { env: 'JWT_ISSUER', description: 'expected token issuer', parse: parsers.string(), default: 'dtc-platform' },
    jwtAudience: { env: 'JWT_AUDIENCE', description: 'expected token audience', parse: parsers.string(), default: 'dtc-api' },
    jwtClockToleranceSeconds: { env: 'JWT_CLOCK_TOLERANCE_SECONDS', description: 'clock skew allowed when checking exp/nbf', parse: parsers.integer(0, 300), default: 30 },
    jwtRoleClaim: { env: 'JWT_ROLE_CLAIM', description: 'dotted path of the role claim (a string, or an array holding exactly one platform role), e.g. realm_access.roles', parse: parsers.claimPath(), default: 'role' },
    // Per-token rate limits (Redis, shared by a service's instances); 0 disables a budget.
    rateLimitPerMinute: { env: 'RATE_LIMIT_PER_MINUTE', description: 'requests per token per minute (per RATE_LIMIT_WINDOW_SECONDS window; 0 disables)', parse: parsers.integer(0, 1000000), default: 1200 },
    rateLimitWritesPerMinute: { env: 'RATE_LIMIT_WRITES_PER_MINUTE', description: 'POST/PUT/PATCH/DELETE requests per token per minute (per window; 0 disables)', parse: parsers.integer(0, 1000000), default: 600 },
    rateLimitWindowSeconds: { env: 'RATE_LIMIT_WINDOW_SECONDS', description: 'length of a rate-limit window (60 outside tests)', parse: parsers.integer(1, 3600), default: 60 },
    bodyLimit: { env: 'HTTP_BODY_LIMIT', description: 'largest accepted JSON body', parse: parsers.string(), default: '1mb' },
  };
}

export type ServiceConfig = ConfigOf<ReturnType<typeof serviceConfigSpec>> & { serviceName: string };

/** Rules across variables, checked on the raw environment so they are reported with the others. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  if (!env['JWT_JWKS_URL'] && !env['JWT_SECRET']) {
    return ['JWT_SECRET is required unless JWT_JWKS_URL is set (HS256 secret for bearer tokens, min 16 chars; or set JWT_JWKS_URL to verify RS256 tokens from an OpenID Connect provider)'];
  }
  return [];
}

export function loadServiceConfig(defaults: ServiceDefaults, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const problems: string[] = [];
  let loaded: ConfigOf<ReturnType<typeof serviceConfigSpec>> | undefined;
  try {
    loaded = loadConfig(defaults.serviceName, serviceConfigSpec(defaults), env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...crossFieldProblems(env));
  problems.push(...productionProblems(env));
  problems.push(...kafkaClientConfigProblems(env));
  if (problems.length > 0 || !loaded) throw new ConfigError(defaults.serviceName, problems);
  return { ...loaded, serviceName: defaults.serviceName };
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
