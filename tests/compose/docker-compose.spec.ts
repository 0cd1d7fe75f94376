import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../..');

type Mapping = Record<string, unknown>;

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Mapping | string[] } | string;
  environment?: Mapping | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: Array<string | number | { target?: number | string; published?: number | string }>;
}

interface ComposeFile {
  services?: Record<string, ComposeService>;
}

const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;
const services: Record<string, ComposeService> = compose.services ?? {};
const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');

/** Compose accepts both `KEY: value` mappings and `KEY=value` lists; normalise to a mapping of strings. */
function toStringMap(value: Mapping | string[] | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, v === null || v === undefined ? '' : String(v)]),
  );
}

/** Each `ports` entry as { published, target } strings (short "host:container" or long syntax). */
function portMappings(service: ComposeService): Array<{ published: string; target: string }> {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object' && entry !== null) {
      return { published: String(entry.published ?? ''), target: String(entry.target ?? '') };
    }
    const parts = String(entry).split('/')[0].split(':');
    const target = parts[parts.length - 1];
    const published = parts.length >= 2 ? parts[parts.length - 2] : '';
    return { published, target };
  });
}

const APP_SERVICES: Array<[string, number]> = [
  ['household-registry', 3001],
  ['enrollment', 3002],
  ['training', 3003],
  ['reporting', 3004],
];

const INFRA = ['kafka', 'postgres', 'redis'];

const REQUIRED_ENV = [
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'KAFKA_BROKERS',
  'TOPIC_PREFIX',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'LOG_LEVEL',
  'NODE_ENV',
];

describe('docker-compose.yml infrastructure', () => {
  it('runs Kafka from an apache/kafka image in KRaft mode (broker,controller)', () => {
    const kafka = services.kafka;
    expect(kafka).toBeDefined();
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    const env = toStringMap(kafka.environment);
    expect(env.KAFKA_PROCESS_ROLES?.split(',').map((r) => r.trim()).sort()).toEqual([
      'broker',
      'controller',
    ]);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093');
    expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it.each(INFRA)('%s has a healthcheck so services can wait for it', (name) => {
    const service = services[name];
    expect(service).toBeDefined();
    expect(service.healthcheck?.disable).not.toBe(true);
    expect(service.healthcheck?.test).toBeTruthy();
  });

  it('runs postgres and redis from their official images', () => {
    expect(services.postgres?.image).toMatch(/^postgres:/);
    expect(services.redis?.image).toMatch(/^redis:/);
  });
});

describe.each(APP_SERVICES)('service %s', (name, port) => {
  const service = (): ComposeService => {
    const found = services[name];
    if (!found) throw new Error(`service "${name}" is missing from docker-compose.yml`);
    return found;
  };

  it('exists', () => {
    expect(services[name]).toBeDefined();
  });

  it('builds from the shared Dockerfile with args.SERVICE set to its own name', () => {
    const build = service().build;
    expect(typeof build).toBe('object');
    const spec = build as Exclude<ComposeService['build'], string | undefined>;
    expect(spec.context).toBe('.');
    expect(spec.dockerfile).toBe('Dockerfile');
    expect(toStringMap(spec.args).SERVICE).toBe(name);
  });

  it('has a healthcheck with a test command', () => {
    const healthcheck = service().healthcheck;
    expect(healthcheck).toBeDefined();
    expect(healthcheck?.disable).not.toBe(true);
    const test = healthcheck?.test;
    expect(Array.isArray(test) ? test.length : String(test ?? '').trim().length).toBeGreaterThan(0);
    expect([test].flat().join(' ')).toContain(`/health`);
  });

  it.each(INFRA)('depends on %s with condition service_healthy', (dependency) => {
    const dependsOn = service().depends_on;
    expect(dependsOn).toBeDefined();
    expect(Array.isArray(dependsOn)).toBe(false);
    expect((dependsOn as Record<string, { condition?: string }>)[dependency]?.condition).toBe(
      'service_healthy',
    );
  });

  it.each(REQUIRED_ENV)('sets %s', (variable) => {
    const env = toStringMap(service().environment);
    expect(Object.keys(env)).toContain(variable);
    expect(env[variable]).not.toBe('');
  });

  it(`listens on PORT ${port} and publishes that port`, () => {
    const env = toStringMap(service().environment);
    expect(env.PORT).toBe(String(port));
    expect(portMappings(service())).toContainEqual({ published: String(port), target: env.PORT });
  });
});

describe('Dockerfile', () => {
  const fromLines = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^FROM\s/i.test(line));

  it.each(['build', 'runtime'])('has a "%s" stage', (stage) => {
    expect(fromLines.some((line) => new RegExp(`\\sAS\\s+${stage}\\s*$`, 'i').test(line))).toBe(true);
  });

  it('declares ARG SERVICE', () => {
    expect(dockerfile).toMatch(/^\s*ARG\s+SERVICE\b/m);
  });

  it('declares a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/^\s*HEALTHCHECK\s+(?!NONE\b)/m);
  });

  it('starts the selected service through the runtime require hook', () => {
    expect(dockerfile).toMatch(/^\s*CMD\s.*tools\/runtime\/register\.js.*dist\/apps\/\$\{SERVICE/m);
  });
});
