import fs from 'node:fs';
import { ConfigError, loadConfig, parsers, type ConfigOf } from './config-loader';

const booleanFlag = () => (raw: string) => {
  if (raw !== 'true' && raw !== 'false') throw new Error('must be true or false');
  return raw === 'true';
};

/** A path the process can read now: a missing certificate fails at boot, not at first connect. */
const readableFile = () => (raw: string) => {
  try {
    fs.accessSync(raw, fs.constants.R_OK);
  } catch {
    throw new Error('must name a readable file');
  }
  return raw;
};

/** Secrets mounted as files (Kubernetes secrets, Docker secrets): the file's content, trimmed. */
const secretFile = () => (raw: string) => {
  const content = fs.readFileSync(readableFile()(raw), 'utf8').trim();
  if (content.length === 0) throw new Error('names an empty file');
  return content;
};

/**
 * TLS, SASL and replication settings of every Kafka client (services, ops CLI, bench, tests).
 * Unset means the development default: PLAINTEXT, no authentication, replication from the cluster.
 */
export function kafkaClientConfigSpec() {
  return {
    kafkaSsl: { env: 'KAFKA_SSL', description: 'connect to Kafka over TLS (true in production)', parse: booleanFlag(), default: false },
    kafkaSslCaFile: { env: 'KAFKA_SSL_CA_FILE', description: "PEM file of the CA that signed the brokers' certificates (unset: the system CAs)", parse: readableFile(), optional: true as const },
    kafkaSslCertFile: { env: 'KAFKA_SSL_CERT_FILE', description: 'PEM client certificate, when the brokers require mutual TLS', parse: readableFile(), optional: true as const },
    kafkaSslKeyFile: { env: 'KAFKA_SSL_KEY_FILE', description: 'PEM private key of KAFKA_SSL_CERT_FILE', parse: readableFile(), optional: true as const },
    kafkaSaslMechanism: { env: 'KAFKA_SASL_MECHANISM', description: 'SASL mechanism (scram-sha-512 in production)', parse: parsers.oneOf('scram-sha-256', 'scram-sha-512', 'plain'), optional: true as const },
    kafkaSaslUsername: { env: 'KAFKA_SASL_USERNAME', description: "the service's own Kafka user", parse: parsers.string(), optional: true as const },
    kafkaSaslPassword: { env: 'KAFKA_SASL_PASSWORD', description: 'password of KAFKA_SASL_USERNAME', parse: parsers.string(), optional: true as const, example: 'from the secret store' },
    kafkaSaslPasswordFromFile: { env: 'KAFKA_SASL_PASSWORD_FILE', description: 'file holding the password (instead of KAFKA_SASL_PASSWORD)', parse: secretFile(), optional: true as const },
    kafkaReplicationFactor: { env: 'KAFKA_REPLICATION_FACTOR', description: 'replication factor of topics this client creates (unset: 3 on a cluster of 3+ brokers, else 1)', parse: parsers.integer(1, 7), optional: true as const },
    kafkaMinInsyncReplicas: { env: 'KAFKA_MIN_INSYNC_REPLICAS', description: 'min.insync.replicas of topics this client creates (unset: 2 with 3+ replicas, else 1)', parse: parsers.integer(1, 7), optional: true as const },
  };
}

export type KafkaClientConfig = ConfigOf<ReturnType<typeof kafkaClientConfigSpec>>;

const set = (env: NodeJS.ProcessEnv, name: string) => env[name] !== undefined && env[name] !== '';

/** Settings that are only valid together; an incomplete one stops the client at boot. */
export function kafkaClientConfigProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const ssl = env['KAFKA_SSL'] === 'true';
  for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']) {
    if (set(env, name) && !ssl) problems.push(`${name} is set but KAFKA_SSL is not true (TLS files are only used over TLS)`);
  }
  if (set(env, 'KAFKA_SSL_CERT_FILE') !== set(env, 'KAFKA_SSL_KEY_FILE')) problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS needs both)');
  const mechanism = set(env, 'KAFKA_SASL_MECHANISM');
  const password = set(env, 'KAFKA_SASL_PASSWORD') || set(env, 'KAFKA_SASL_PASSWORD_FILE');
  if (mechanism && !set(env, 'KAFKA_SASL_USERNAME')) problems.push('KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set');
  if (mechanism && !password) problems.push('KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required when KAFKA_SASL_MECHANISM is set');
  if (!mechanism && (set(env, 'KAFKA_SASL_USERNAME') || password)) problems.push('KAFKA_SASL_MECHANISM is required when a Kafka user or password is set (scram-sha-512, scram-sha-256 or plain)');
  if (set(env, 'KAFKA_SASL_PASSWORD') && set(env, 'KAFKA_SASL_PASSWORD_FILE')) problems.push('set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both');
  if (env['KAFKA_SASL_MECHANISM'] === 'plain' && !ssl) problems.push('KAFKA_SASL_MECHANISM=plain sends the password in clear: it needs KAFKA_SSL=true');
  const factor = Number(env['KAFKA_REPLICATION_FACTOR']);
  const minInsync = Number(env['KAFKA_MIN_INSYNC_REPLICAS']);
  if (set(env, 'KAFKA_REPLICATION_FACTOR') && set(env, 'KAFKA_MIN_INSYNC_REPLICAS') && minInsync > factor) {
    problems.push('KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR (writes would always fail)');
  }
  return problems;
}

const kafkaBrokers = { env: 'KAFKA_BROKERS', description: 'Kafka bootstrap servers', parse: parsers.hostList(), default: ['127.0.0.1:9092'] };

/** For tools outside the services (ops CLI, bench, tests): brokers plus the client security settings. */
export function loadKafkaClientConfig(client: string, env: NodeJS.ProcessEnv = process.env): KafkaClientConfig & { kafkaBrokers: string[] } {
  const problems: string[] = [];
  let loaded: (KafkaClientConfig & { kafkaBrokers: string[] }) | undefined;
  try {
    loaded = loadConfig(client, { kafkaBrokers, ...kafkaClientConfigSpec() }, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...kafkaClientConfigProblems(env));
  if (problems.length > 0 || !loaded) throw new ConfigError(client, problems);
  return loaded;
}

/** What kafkajs needs for TLS and SASL (its KafkaConfig ssl and sasl, without depending on it here). */
export interface KafkaSecurityOptions {
  ssl?: { rejectUnauthorized: boolean; ca?: string[]; cert?: string; key?: string };
  sasl?: { mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; username: string; password: string };
}

/**
 * The one translation of the validated settings into client options, used by the messaging
 * factory (services, ops CLI, bench) and the testkit. Certificates are read here, once per client.
 */
export function kafkaSecurityOptions(security: Partial<KafkaClientConfig> = {}): KafkaSecurityOptions {
  const options: KafkaSecurityOptions = {};
  if (security.kafkaSsl) {
    const read = (file?: string) => (file ? fs.readFileSync(file, 'utf8') : undefined);
    const ca = read(security.kafkaSslCaFile);
    options.ssl = { rejectUnauthorized: true, ...(ca ? { ca: [ca] } : {}), cert: read(security.kafkaSslCertFile), key: read(security.kafkaSslKeyFile) };
  }
  if (security.kafkaSaslMechanism) {
    const password = security.kafkaSaslPassword ?? security.kafkaSaslPasswordFromFile;
    if (!security.kafkaSaslUsername || !password) throw new Error('Kafka SASL needs a username and a password');
    options.sasl = { mechanism: security.kafkaSaslMechanism, username: security.kafkaSaslUsername, password };
  }
  return options;
}
