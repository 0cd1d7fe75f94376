import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-loader';
import { kafkaSecurityOptions, loadKafkaClientConfig } from './kafka-config';
import { loadServiceConfig } from './service-config';

const defaults = { serviceName: 'reporting', port: 3104, databaseSchema: 'reporting' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-config-'));
const ca = path.join(dir, 'ca.pem');
const passwordFile = path.join(dir, 'password');
fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
fs.writeFileSync(passwordFile, 's3cret-from-file\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadKafkaClientConfig('ops', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

const secure = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'reporting', KAFKA_SASL_PASSWORD: 'pw' };

describe('Kafka client settings', () => {
  it('defaults to PLAINTEXT without authentication', () => {
    expect(loadKafkaClientConfig('ops', {})).toMatchObject({ kafkaBrokers: ['127.0.0.1:9092'], kafkaSsl: false, kafkaSaslMechanism: undefined });
  });

  it('accepts a complete TLS + SCRAM setting, in the services too', () => {
    expect(loadKafkaClientConfig('ops', secure)).toMatchObject({ kafkaSsl: true, kafkaSslCaFile: ca, kafkaSaslMechanism: 'scram-sha-512', kafkaSaslUsername: 'reporting', kafkaSaslPassword: 'pw' });
    expect(loadServiceConfig(defaults, { ...secure, JWT_SECRET: 'a-test-secret-16+' })).toMatchObject({ kafkaSsl: true, kafkaSaslUsername: 'reporting' });
  });

  it('reads the password from a file (trimmed) and refuses both a file and a value', () => {
    const { KAFKA_SASL_PASSWORD: _, ...withoutPassword } = secure;
    expect(loadKafkaClientConfig('ops', { ...withoutPassword, KAFKA_SASL_PASSWORD_FILE: passwordFile }).kafkaSaslPasswordFromFile).toBe('s3cret-from-file');
    expect(problemsOf({ ...secure, KAFKA_SASL_PASSWORD_FILE: passwordFile })).toEqual(['set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both']);
  });

  it('names every incomplete or contradictory setting at once', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set',
      'KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required when KAFKA_SASL_MECHANISM is set',
    ]);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'y' })).toEqual([expect.stringMatching(/^KAFKA_SASL_MECHANISM is required/)]);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: ca })).toEqual(['KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true (TLS files are only used over TLS)']);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: ca })).toEqual(['KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS needs both)']);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'y' })).toEqual([expect.stringMatching(/plain sends the password in clear/)]);
    expect(problemsOf({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toEqual([expect.stringMatching(/^KAFKA_MIN_INSYNC_REPLICAS must not exceed/)]);
  });

  it('fails at boot on a missing certificate file or a bad value, naming the variable', () => {
    expect(problemsOf({ KAFKA_SSL: 'yes' })).toEqual(['KAFKA_SSL must be true or false (got "yes")']);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path.join(dir, 'missing.pem') })).toEqual([expect.stringMatching(/^KAFKA_SSL_CA_FILE must name a readable file/)]);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'x', KAFKA_SASL_PASSWORD: 'y' })).toEqual([expect.stringMatching(/^KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain/)]);
  });
});

describe('kafkaSecurityOptions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-factory-'));
  const file = (name: string, content: string) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is PLAINTEXT without settings', () => {
    expect(kafkaSecurityOptions()).toEqual({});
    expect(kafkaSecurityOptions({ kafkaSsl: false })).toEqual({});
  });

  it('verifies the broker against the given CA and sends the client certificate and SCRAM user', () => {
    const options = kafkaSecurityOptions({
      kafkaSsl: true,
      kafkaSslCaFile: file('ca.pem', 'CA'),
      kafkaSslCertFile: file('client.pem', 'CERT'),
      kafkaSslKeyFile: file('client.key', 'KEY'),
      kafkaSaslMechanism: 'scram-sha-512',
      kafkaSaslUsername: 'reporting',
      kafkaSaslPasswordFromFile: 'from-file',
    });
    expect(options).toEqual({
      ssl: { rejectUnauthorized: true, ca: ['CA'], cert: 'CERT', key: 'KEY' },
      sasl: { mechanism: 'scram-sha-512', username: 'reporting', password: 'from-file' },
    });
  });

  it('uses the system CAs when no CA file is given', () => {
    expect(kafkaSecurityOptions({ kafkaSsl: true })).toEqual({ ssl: { rejectUnauthorized: true, cert: undefined, key: undefined } });
  });
});
