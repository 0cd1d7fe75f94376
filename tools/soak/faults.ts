import { spawn } from 'node:child_process';
import { eventually } from '@dtc/testkit';
import { killKafka, stopPostgres, stopRedis } from '../../tests/faults/support/outages';
import { consumerCounter, repoRoot, type FaultPlatform } from '../../tests/faults/support/platform';
import type { FaultName } from './schedule';

/**
 * How the soak injects each fault: the fault suite's own means (tests/faults/support), so the
 * soak exercises exactly what the suite checks one at a time. Each injector returns once the
 * fault is over from the platform's side (the infrastructure is back, a replacement instance
 * runs); the caller then waits for every service to answer healthy.
 */
export interface FaultContext {
  platform: FaultPlatform;
  random: () => number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An outage lasts between `min` and `max` seconds. */
const outageMs = (context: FaultContext, min: number, max: number) => (min + context.random() * (max - min)) * 1000;

/**
 * `npm run infra -- up` in a child process: the fault suite's restoreInfrastructure blocks the
 * event loop while Kafka starts, which would freeze the phones and the memory sampler.
 */
export function restoreInfrastructureAsync(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/infra/cli.js', 'up'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`infra up failed (${code}): ${output}`))));
  });
}

let consumerCrashes = 0;

export const INJECT: Record<FaultName, (context: FaultContext) => Promise<void>> = {
  'broker-kill': async (context) => {
    killKafka();
    await sleep(outageMs(context, 10, 30));
    await restoreInfrastructureAsync();
  },

  'postgres-restart': async (context) => {
    stopPostgres();
    await sleep(outageMs(context, 5, 20));
    await restoreInfrastructureAsync();
  },

  'redis-down': async (context) => {
    stopRedis();
    await sleep(outageMs(context, 10, 30));
    await restoreInfrastructureAsync();
  },

  // The registry is swapped for one that SIGKILLs itself on its 5th relay round, between the
  // Kafka ack and marking the rows sent; a supervisor's replacement then republishes them.
  'relay-crash-after-ack': async ({ platform }) => {
    await swapForArmed(platform, 'household-registry', 'outbox.after-send@5');
  },

  // Alternately before and after the projections' database commit.
  'consumer-crash': async ({ platform }) => {
    consumerCrashes += 1;
    const point = consumerCrashes % 2 ? 'consumer.before-commit:reporting-projections@4' : 'consumer.after-commit:reporting-projections@4';
    await swapForArmed(platform, 'reporting', point);
  },

  // A second reporting instance joins the group, takes partitions, applies events, and leaves.
  rebalance: async ({ platform }) => {
    await platform.start(['reporting']);
    const live = platform.live('reporting');
    const second = live[live.length - 1];
    try {
      await eventually(async () => {
        if ((await consumerCounter(second.url, 'events_applied_total')) === 0) throw new Error('the second reporting instance applied nothing within 90 s');
      }, { timeoutMs: 90000, intervalMs: 500 });
    } finally {
      await platform.stopInstance(second);
    }
  },
};

/** Replaces the newest instance (as a crash takes one pod); the older replicas keep running. */
async function swapForArmed(platform: FaultPlatform, name: 'household-registry' | 'reporting', failpoint: string): Promise<void> {
  const current = platform.live(name).at(-1);
  if (current) await platform.stopInstance(current);
  const armed = await platform.startArmed(name, failpoint);
  try {
    await eventually(async () => {
      if (armed.process.exitCode === null && armed.process.signalCode === null) throw new Error(`the failpoint ${failpoint} did not fire within 120 s`);
    }, { timeoutMs: 120000, intervalMs: 100 });
    if (!armed.output.join('').includes(`failpoint ${failpoint.split('@')[0]}`)) throw new Error(`${name} died, but not at ${failpoint}:\n${armed.output.join('').slice(-2000)}`);
  } finally {
    await platform.stopInstance(armed);
    // The supervisor's replacement, whatever happened to the armed one.
    await platform.start([name]);
  }
}

/** Every live instance answers /health 200 (degraded included): the fault is over for clients. */
export async function awaitHealthy(platform: FaultPlatform, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    for (const name of ['household-registry', 'enrollment', 'reporting'] as const) {
      const live = platform.live(name);
      if (live.length === 0) throw new Error(`no live ${name} instance`);
      for (const instance of live) {
        const status = (await fetch(`${instance.url}/health`)).status;
        if (status !== 200) throw new Error(`${name} /health answers ${status}`);
      }
    }
  }, { timeoutMs, intervalMs: 500 });
}
