import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadKafkaClientConfig, signToken, type TokenClaims } from '@dtc/platform';
import { createKafka } from '@dtc/messaging';
import { freePort } from '@dtc/testkit';
import { Client } from 'pg';
import { SERVICE_MALLOC_ARENA_MAX, SERVICE_NODE_OPTIONS } from '../runtime/service-heap';
import { counterTotal, sumCounterByLabel } from './measurements';

const repoRoot = path.resolve(__dirname, '..', '..');
// The services run with NODE_ENV=production, which refuses secrets written in the repository.
export const BENCH_JWT_SECRET = randomBytes(32).toString('hex');

export const SERVICES = ['household-registry', 'enrollment', 'training', 'reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];
const SCHEMAS: Record<ServiceName, string> = { 'household-registry': 'registry', enrollment: 'enrollment', training: 'training', reporting: 'reporting' };

export interface BenchSettings {
  runId: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
  partitions: number;
  /** Extra reporting instances that consume nothing and serve the province readers (0: the consuming one serves them). */
  readInstances: number;
  /** Leave the run's schemas and topics behind (--keep), also when a service dies mid-run. */
  keep?: boolean;
}

export interface BenchService {
  name: ServiceName;
  /** The service name, or `reporting-read-N` for a read instance. */
  label: string;
  url: string;
  schema: string;
  process: ChildProcess;
  output: string[];
}

/**
 * The four services started from dist/ as in production (NODE_ENV=production, JSON logs at
 * warn), in the benchmark's own schemas and topics, with rate limits out of the way: the
 * benchmark is one "user" sending what thousands of phones would.
 */
export class BenchPlatform {
  readonly services = new Map<ServiceName, BenchService>();
  /** Reporting instances with KAFKA_CONSUMERS=off, started after the four services. */
  readonly readInstances: BenchService[] = [];
  private nextReader = 0;
  /** Set while the benchmark stops the services itself: their exits are expected then. */
  private stopping = false;
  readonly topicPrefix: string;

  constructor(readonly settings: BenchSettings) {
    this.topicPrefix = `bench-${settings.runId}.`;
  }

  schemaOf(name: ServiceName): string {
    return `bench_${this.settings.runId}_${SCHEMAS[name]}`;
  }

  topic(stream: string): string {
    return `${this.topicPrefix}${stream}`;
  }

  token(claims: TokenClaims, seconds = 6 * 3600): string {
    return signToken({ secret: BENCH_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, claims, seconds);
  }

  url(name: ServiceName): string {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service.url;
  }

  /**
   * Starts the services; with `profileDir`, each writes a V8 CPU profile there when it stops.
   * `env` is added to every service's environment (KAFKA_CONSUMERS=off for the writes-alone phase).
   */
  async start(profileDir?: string, env: Record<string, string> = {}): Promise<void> {
    this.stopping = false;
    for (const name of SERVICES) this.services.set(name, await this.spawn(name, name, profileDir, env));
    await Promise.all([...this.services.values()].map((service) => this.awaitHealthy(service)));
    // After the consuming instance migrated its schemas and made its projection generation.
    for (let i = 1; i <= this.settings.readInstances; i += 1) {
      this.readInstances.push(await this.spawn('reporting', `reporting-read-${i}`, profileDir, { ...env, KAFKA_CONSUMERS: 'off', PRUNE_ENABLED: 'false' }));
    }
    await Promise.all(this.readInstances.map((service) => this.awaitHealthy(service)));
  }

  /** The URL a province reader should ask: the read instances in turn, else the consuming reporting instance. */
  readerUrl(): string {
    if (this.readInstances.length === 0) return this.url('reporting');
    return this.readInstances[this.nextReader++ % this.readInstances.length].url;
  }

  private all(): BenchService[] {
    return [...this.services.values(), ...this.readInstances];
  }

  private async spawn(name: ServiceName, label: string, profileDir: string | undefined, env: Record<string, string>): Promise<BenchService> {
    const port = await freePort();
    const output: string[] = [];
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...profile, '-r', './tools/runtime/register.js', `dist/apps/${name}/src/main.js`], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NODE_OPTIONS: SERVICE_NODE_OPTIONS,
        MALLOC_ARENA_MAX: SERVICE_MALLOC_ARENA_MAX,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATABASE_URL: this.settings.databaseUrl,
        DATABASE_SCHEMA: this.schemaOf(name),
        REDIS_URL: this.settings.redisUrl,
        KAFKA_BROKERS: this.settings.kafkaBrokers.join(','),
        TOPIC_PREFIX: this.topicPrefix,
        KAFKA_TOPIC_PARTITIONS: String(this.settings.partitions),
        JWT_SECRET: BENCH_JWT_SECRET,
        RATE_LIMIT_PER_MINUTE: '1000000',
        RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A service that dies mid-run would leave the benchmark waiting for its consumers for an hour:
    // say which one and why, and end the run.
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      process.stderr.write(`\n${label} exited during the benchmark (${signal ?? `code ${code}`}); its last output:\n${output.join('')}\n`);
      process.exitCode = 1;
      void this.stop()
        .then(() => (this.settings.keep ? undefined : this.cleanup()))
        .catch((error: Error) => process.stderr.write(`cleanup failed: ${error.message}\n`))
        .finally(() => process.exit(1));
    });
    return { name, label, url: `http://127.0.0.1:${port}`, schema: this.schemaOf(name), process: child, output };
  }

  private async awaitHealthy(service: BenchService): Promise<void> {
    const deadline = Date.now() + 90000;
    for (;;) {
      if (service.process.exitCode !== null) throw new Error(`${service.label} exited while starting:\n${service.output.join('')}`);
      const status = await fetch(`${service.url}/health`).then((r) => r.status, () => 0);
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${service.label} did not become healthy:\n${service.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Each running service process's pid, by label (for CPU accounting). */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const service of this.all()) if (service.process.pid !== undefined && service.process.exitCode === null) pids[service.label] = service.process.pid;
    return pids;
  }

  /** Resident set size of each service process, in MB (from /proc). */
  rss(): Record<string, number> {
    const figures: Record<string, number> = {};
    for (const service of this.all()) {
      const name = service.label;
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.process.pid}/status`, 'utf8'))?.[1] ?? 0);
        figures[name] = kb / 1024;
      } catch {
        figures[name] = Number.NaN;
      }
    }
    return figures;
  }

  async metrics(name: ServiceName): Promise<string> {
    return (await fetch(`${this.url(name)}/metrics`)).text();
  }

  /** Each running service's /metrics text ('' for one that did not answer). */
  async metricsTexts(): Promise<string[]> {
    return Promise.all(this.all().map((service) => fetch(`${service.url}/metrics`).then((r) => r.text(), () => '')));
  }

  /** SQL statements the running services sent so far, and the round trips they took (db_statements_total, db_round_trips_total, summed; 0 before they start). */
  async databaseExchanges(texts?: string[]): Promise<{ statements: number; roundTrips: number }> {
    const read = texts ?? (await this.metricsTexts());
    return { statements: counterTotal(read, 'db_statements_total'), roundTrips: counterTotal(read, 'db_round_trips_total') };
  }

  /** A counter summed over the running services, by the value of one label (e.g. sync_groups_total by outcome). */
  async counterByLabel(name: string, label: string, texts?: string[]): Promise<Record<string, number>> {
    return sumCounterByLabel(texts ?? (await this.metricsTexts()), name, label);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.all().map(
        (service) =>
          new Promise<void>((resolve) => {
            if (service.process.exitCode !== null || service.process.signalCode !== null) return resolve();
            service.process.once('exit', () => resolve());
            service.process.kill('SIGTERM');
          }),
      ),
    );
    this.readInstances.length = 0;
  }

  /** Drops the run's schemas (projection generations included) and deletes its topics and groups. */
  async cleanup(): Promise<void> {
    const client = new Client({ connectionString: this.settings.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`bench_${this.settings.runId}_%`]);
      for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
    } finally {
      await client.end();
    }
    const admin = createKafka({ clientId: 'dtc-bench-cleanup', brokers: this.settings.kafkaBrokers, security: loadKafkaClientConfig('bench', process.env) }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.topicPrefix));
      if (topics.length) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(this.topicPrefix));
      if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }
}
