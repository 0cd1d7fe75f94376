import { ConfigError, loadConfig, parsers } from './config-loader';
import { loadServiceConfig, serviceConfigSpec } from './service-config';

const defaults = { serviceName: 'household-registry', port: 3101, databaseSchema: 'household_registry' };
const SECRET = 'a-test-secret-of-at-least-32-bytes';

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadServiceConfig', () => {
  it('applies every default with only JWT_SECRET set', () => {
    const config = loadServiceConfig(defaults, { JWT_SECRET: SECRET });
    expect(config).toEqual({
      serviceName: 'household-registry',
      nodeEnv: 'development',
      port: 3101,
      host: '0.0.0.0',
      logLevel: 'info',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/dtc',
      databaseSchema: 'household_registry',
      databasePoolSize: 4,
      databasePreparedStatements: 'on',
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPrefix: 'dtc.',
      topicPartitions: 6,
      kafkaSsl: false,
      kafkaSslCaFile: undefined,
      kafkaSslCertFile: undefined,
      kafkaSslKeyFile: undefined,
      kafkaSaslMechanism: undefined,
      kafkaSaslUsername: undefined,
      kafkaSaslPassword: undefined,
      kafkaSaslPasswordFromFile: undefined,
      kafkaReplicationFactor: undefined,
      kafkaMinInsyncReplicas: undefined,
      consumerMaxRetries: 3,
      consumerSessionTimeoutMs: 30000,
      kafkaConsumers: 'on',
      relayBatchSize: 500,
      relayPollMs: 1000,
      jwtSecret: SECRET,
      jwtJwksUrl: undefined,
      jwtJwksTimeoutMs: 3000,
      jwtJwksRefetchSeconds: 30,
      jwtIssuer: 'dtc-platform',
      jwtAudience: 'dtc-api',
      jwtClockToleranceSeconds: 30,
      jwtRoleClaim: 'role',
      rateLimitPerMinute: 1200,
      rateLimitWritesPerMinute: 600,
      rateLimitWindowSeconds: 60,
      bodyLimit: '1mb',
    });
    expect(Object.keys(config)).toContain('jwtJwksUrl');
  });

  it('needs JWT_SECRET or JWT_JWKS_URL, and says so', () => {
    const neither = configErrorOf(() => loadServiceConfig(defaults, {}));
    expect(neither.problems).toEqual([expect.stringMatching(/^JWT_SECRET is required unless JWT_JWKS_URL is set/)]);
    const jwks = loadServiceConfig(defaults, { JWT_JWKS_URL: 'https://sso.example/realms/dtc/protocol/openid-connect/certs', JWT_ROLE_CLAIM: 'realm_access.roles' });
    expect(jwks).toMatchObject({ jwtSecret: undefined, jwtJwksUrl: 'https://sso.example/realms/dtc/protocol/openid-connect/certs', jwtRoleClaim: 'realm_access.roles' });
    // An invalid JWKS URL is reported as such, not as a missing secret.
    expect(configErrorOf(() => loadServiceConfig(defaults, { JWT_JWKS_URL: 'ftp://x' })).problems).toEqual(['JWT_JWKS_URL must use https or http (got "ftp://x")']);
    expect(configErrorOf(() => loadServiceConfig(defaults, { JWT_SECRET: 'short', JWT_JWKS_URL: 'https://x' })).problems).toEqual(['JWT_SECRET must be at least 16 characters (got "short")']);
  });

  it('parses token and rate-limit settings and rejects bad ones by name', () => {
    const config = loadServiceConfig(defaults, { JWT_SECRET: SECRET, JWT_CLOCK_TOLERANCE_SECONDS: '5', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '10', RATE_LIMIT_WINDOW_SECONDS: '2' });
    expect(config).toMatchObject({ jwtClockToleranceSeconds: 5, rateLimitPerMinute: 0, rateLimitWritesPerMinute: 10, rateLimitWindowSeconds: 2 });
    const error = configErrorOf(() =>
      loadServiceConfig(defaults, { JWT_SECRET: SECRET, JWT_CLOCK_TOLERANCE_SECONDS: '900', RATE_LIMIT_PER_MINUTE: '-1', RATE_LIMIT_WINDOW_SECONDS: '0', JWT_ROLE_CLAIM: 'realm_access..roles' }),
    );
    expect(error.problems.map((p) => p.split(' ')[0]).sort()).toEqual(['JWT_CLOCK_TOLERANCE_SECONDS', 'JWT_ROLE_CLAIM', 'RATE_LIMIT_PER_MINUTE', 'RATE_LIMIT_WINDOW_SECONDS']);
  });

  it('treats empty variables as unset (defaults apply)', () => {
    const config = loadServiceConfig(defaults, { JWT_SECRET: SECRET, PORT: '', KAFKA_BROKERS: '' });
    expect(config.port).toBe(3101);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
  });

  it('parses explicit values', () => {
    const config = loadServiceConfig(defaults, {
      JWT_SECRET: SECRET,
      NODE_ENV: 'production',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      DATABASE_SCHEMA: 'other_schema',
      REDIS_URL: 'rediss://cache:6380',
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      TOPIC_PREFIX: 'test-run.42.',
      CONSUMER_MAX_RETRIES: '0',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      logLevel: 'debug',
      databaseUrl: 'postgresql://u:p@db:5432/x',
      databaseSchema: 'other_schema',
      redisUrl: 'rediss://cache:6380',
      kafkaBrokers: ['k1:9092', 'k2:9093'],
      topicPrefix: 'test-run.42.',
      consumerMaxRetries: 0,
    });
  });

  it('reports every invalid variable at once, by name', () => {
    const error = configErrorOf(() =>
      loadServiceConfig(defaults, { PORT: 'abc', KAFKA_BROKERS: 'nohost', DATABASE_URL: 'http://x' }),
    );
    expect(error.service).toBe('household-registry');
    expect(error.problems).toHaveLength(4);
    const byVar = (name: string) => error.problems.find((p) => p.startsWith(`${name} `));
    expect(byVar('PORT')).toMatch(/must be an integer between 1 and 65535 \(got "abc"\)/);
    expect(byVar('KAFKA_BROKERS')).toMatch(/host:port \(got "nohost"\)/);
    expect(byVar('DATABASE_URL')).toMatch(/must use postgres or postgresql \(got "http:\/\/x"\)/);
    expect(byVar('JWT_SECRET')).toMatch(/^JWT_SECRET is required/);
    for (const name of ['PORT', 'KAFKA_BROKERS', 'DATABASE_URL', 'JWT_SECRET']) expect(error.message).toContain(`  - ${name} `);
    expect(error.message).toMatch(/^Invalid configuration for household-registry:\n/);
  });

  it('rejects a JWT secret shorter than 16 characters', () => {
    expect(loadServiceConfig(defaults, { JWT_SECRET: 'x'.repeat(16) }).jwtSecret).toBe('x'.repeat(16));
    const error = configErrorOf(() => loadServiceConfig(defaults, { JWT_SECRET: 'short' }));
    expect(error.problems).toEqual(['JWT_SECRET must be at least 16 characters (got "short")']);
  });

  it('truncates long raw values in problems', () => {
    const error = configErrorOf(() => loadServiceConfig(defaults, { JWT_SECRET: SECRET, DATABASE_URL: `http://${'a'.repeat(100)}` }));
    expect(error.problems[0]).toContain(`(got "${`http://${'a'.repeat(100)}`.slice(0, 40)}...")`);
    expect(error.problems[0]).not.toContain('a'.repeat(50));
  });

  it('declares every variable once', () => {
    const envs = Object.values(serviceConfigSpec(defaults)).map((f) => f.env);
    expect(new Set(envs).size).toBe(envs.length);
  });
});

describe('loadConfig', () => {
  it('uses a parser error message and a required-field description', () => {
    const spec = {
      a: { env: 'A', description: 'the a', parse: parsers.integer(0, 1) },
      b: { env: 'B', description: 'the b', parse: parsers.string() },
      c: { env: 'C', description: 'the c', parse: parsers.string(), default: 'dc' },
    };
    expect(loadConfig('svc', spec, { A: '1', B: 'x' })).toEqual({ a: 1, b: 'x', c: 'dc' });
    const error = configErrorOf(() => loadConfig('svc', spec, { A: '2' }));
    expect(error.problems).toEqual(['A must be an integer between 0 and 1 (got "2")', 'B is required (the b)']);
  });
});

describe('loadConfig optional fields', () => {
  it('gives undefined for an unset optional field and still parses a set one', () => {
    const spec = { a: { env: 'A', description: 'the a', parse: parsers.integer(0, 9), optional: true as const } };
    expect(loadConfig('svc', spec, {})).toEqual({ a: undefined });
    expect(loadConfig('svc', spec, { A: '' })).toEqual({ a: undefined });
    expect(loadConfig('svc', spec, { A: '7' })).toEqual({ a: 7 });
    expect(configErrorOf(() => loadConfig('svc', spec, { A: '70' })).problems).toEqual(['A must be an integer between 0 and 9 (got "70")']);
  });
});

describe('parsers', () => {
  it('string enforces a minimum length', () => {
    expect(parsers.string()('x')).toBe('x');
    expect(() => parsers.string(3)('ab')).toThrow('must be at least 3 characters');
    expect(parsers.string(3)('abc')).toBe('abc');
  });

  it('integer checks integrality and bounds', () => {
    const parse = parsers.integer(1, 10);
    expect(parse('1')).toBe(1);
    expect(parse('10')).toBe(10);
    for (const bad of ['0', '11', '1.5', 'abc', '1e400', 'NaN']) expect(() => parse(bad)).toThrow('must be an integer between 1 and 10');
  });

  it('url checks syntax and protocol', () => {
    const parse = parsers.url('redis', 'rediss');
    expect(parse('redis://h:6379')).toBe('redis://h:6379');
    expect(parse('rediss://h')).toBe('rediss://h');
    expect(() => parse('not a url')).toThrow('must be a URL');
    expect(() => parse('http://h')).toThrow('must use redis or rediss');
  });

  it('oneOf accepts only listed values', () => {
    const parse = parsers.oneOf('a', 'b');
    expect(parse('b')).toBe('b');
    expect(() => parse('A')).toThrow('must be one of a, b');
  });

  it('hostList splits, trims and validates host:port', () => {
    const parse = parsers.hostList();
    expect(parse('a:1,b.example.com:9092 , 10.0.0.1:19092,')).toEqual(['a:1', 'b.example.com:9092', '10.0.0.1:19092']);
    for (const bad of ['nohost', ',', 'a:1,b', 'a:123456', 'a b:1', 'kafka://a:1']) expect(() => parse(bad)).toThrow('host:port');
  });

  it('identifier accepts lowercase SQL identifiers only', () => {
    const parse = parsers.identifier();
    expect(parse('household_registry')).toBe('household_registry');
    expect(parse('_x1')).toBe('_x1');
    for (const bad of ['Upper', '1abc', 'a-b', 'a;drop', 'a'.repeat(64)]) expect(() => parse(bad)).toThrow('lowercase SQL identifier');
  });

  it('topicPrefix allows letters, digits, dot, underscore and dash', () => {
    const parse = parsers.topicPrefix();
    expect(parse('dtc.')).toBe('dtc.');
    expect(parse('Run_1-a.')).toBe('Run_1-a.');
    for (const bad of ['a b', 'a/b', 'x'.repeat(61)]) expect(() => parse(bad)).toThrow('may only contain');
  });
});
