import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { deleteTestTopics, dropTestSchemas, eventually, testToken } from '@dtc/testkit';
import { onboardCommune } from '../../support/demo-commune';
import { startServices, type RunningService, type ServiceName } from '../../support/services';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The operator's own infrastructure command (npm run infra -- up|down|status). */
export function infra(command: 'up' | 'down' | 'status'): string {
  const result = spawnSync(process.execPath, ['tools/infra/cli.js', command], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`infra ${command} failed: ${result.stderr}`);
  return result.stdout;
}

/** The operator's command as documented (npm run ops -- ...), against one run's topics. */
export function ops(runId: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, ['-r', './tools/runtime/register.js', 'tools/ops/cli.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, TOPIC_PREFIX: `t-${runId}.`, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  if (result.status !== 0) throw new Error(`ops ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Stopping "the broker" only means something if this checkout started it. */
export function assertOwnBroker(): void {
  const status = infra('status');
  if (!/kafka\s+up.*local broker pid/.test(status)) {
    throw new Error(
      `The fault suite stops and restarts the Kafka broker this checkout started, but the broker answering now was started elsewhere (another checkout?):\n${status}\nStop it there (npm run infra -- down) and run again.`,
    );
  }
}

export const PROVINCE = '38';
export const VILLAGES = ['THON-1', 'THON-2', 'THON-3'];

const TOKEN_RENEWAL_MS = 30 * 60000;

/**
 * The services of one fault run, as an orchestrator would keep them: several instances per
 * service are allowed, a killed one is replaced (same schema, same topics, new port), and
 * clients always reach some live instance.
 */
export class FaultPlatform {
  readonly instances = new Map<ServiceName, RunningService[]>();
  private issued = { token: '', at: 0 };

  constructor(
    readonly runId: string,
    readonly commune: string,
  ) {}

  /**
   * The field agent's token. A test token lasts an hour; like the field app renewing its session,
   * a new one is issued after half of that, so an hour-long soak's phones are not signed out.
   */
  get token(): string {
    if (Date.now() - this.issued.at > TOKEN_RENEWAL_MS) this.issued = { token: testToken({ sub: `agent-${this.commune}`, role: 'field_agent', communes: [this.commune] }), at: Date.now() };
    return this.issued.token;
  }

  async start(names: ServiceName[], env: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {}): Promise<void> {
    const { services } = await startServices(this.runId, names, env);
    for (const name of names) this.instances.set(name, [...(this.instances.get(name) ?? []), services[name]]);
  }

  /**
   * Starts an instance armed with failpoints (see libs/messaging/src/faults/failpoints.ts). It
   * may die before it ever answers /health (a consumer works through its backlog at startup),
   * so this does not wait for it: callers wait for `died`.
   */
  async startArmed(name: ServiceName, failpoints: string): Promise<RunningService> {
    const { services } = await startServices(this.runId, [name], { [name]: { FAILPOINTS: failpoints } }, { awaitHealthy: false });
    this.instances.set(name, [...(this.instances.get(name) ?? []), services[name]]);
    return services[name];
  }

  async onboard(): Promise<void> {
    await onboardCommune(this.url('household-registry'), this.commune, PROVINCE, VILLAGES);
  }

  /** A live instance's URL (the load balancer's view). */
  url(name: ServiceName): string {
    const live = (this.instances.get(name) ?? []).find((instance) => instance.process.exitCode === null && instance.process.signalCode === null);
    if (!live) throw new Error(`no live ${name} instance`);
    return live.url;
  }

  private turn = 0;

  /** Like a round-robin load balancer: the next live instance's URL. */
  balancedUrl(name: ServiceName): string {
    const live = this.live(name);
    if (live.length === 0) throw new Error(`no live ${name} instance`);
    this.turn += 1;
    return live[this.turn % live.length].url;
  }

  live(name: ServiceName): RunningService[] {
    return (this.instances.get(name) ?? []).filter((instance) => instance.process.exitCode === null && instance.process.signalCode === null);
  }

  /** Waits for an instance to die (a failpoint killed it), as a supervisor would notice. */
  async died(instance: RunningService, timeoutMs = 90000): Promise<void> {
    await eventually(() => expect(instance.process.exitCode !== null || instance.process.signalCode !== null).toBe(true), { timeoutMs, intervalMs: 50 });
  }

  async stopInstance(instance: RunningService): Promise<void> {
    if (instance.process.exitCode !== null || instance.process.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      instance.process.once('exit', () => resolve());
      instance.process.kill('SIGTERM');
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.instances.values()].flat().map((instance) => this.stopInstance(instance)));
  }

  async cleanup(): Promise<void> {
    await this.stopAll();
    await dropTestSchemas(this.runId);
    await deleteTestTopics(this.runId);
  }

  /** Everything the processes printed (for failure messages). */
  output(name: ServiceName): string {
    return (this.instances.get(name) ?? []).map((instance) => instance.output.join('')).join('\n---\n');
  }
}

/** A counter of a consumer from an instance's Prometheus endpoint (0 when not yet counted). */
export async function consumerCounter(url: string, metric: 'events_applied_total' | 'events_duplicates_total' | 'events_dead_lettered_total', consumer = 'reporting-projections'): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && l.includes(`consumer="${consumer}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
