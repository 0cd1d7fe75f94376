import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { infra, repoRoot } from './platform';

// Real outages of the machine's servers. The fault suite runs alone (npm test runs it last,
// serially), so stopping the shared Postgres, Redis or Kafka disturbs nothing else.

/**
 * The servers' own tools run on the real clock even when npm test gives this process a fixed one
 * (tools/infra/real-clock.js): redis-cli under libfaketime never returned from SHUTDOWN.
 */
function realClockEnv(): NodeJS.ProcessEnv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dropTestClock } = require(path.join(repoRoot, 'tools/infra/real-clock.js')) as { dropTestClock: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv };
  return dropTestClock({ ...process.env });
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: realClockEnv() });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** SIGKILL the broker this checkout started: no clean shutdown, like a power cut. */
export function killKafka(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { kafkaKill } = require(path.join(repoRoot, 'tools/infra/kafka.js')) as { kafkaKill: (settings: unknown) => number | undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { infraSettings } = require(path.join(repoRoot, 'tools/infra/settings.js')) as { infraSettings: () => unknown };
  if (!kafkaKill(infraSettings())) throw new Error('no local Kafka broker to kill');
}

function postgresCluster(): string {
  if (!existsSync('/etc/postgresql')) throw new Error('The Postgres fault needs the local Debian cluster (pg_ctlcluster, /etc/postgresql)');
  const [version] = readdirSync('/etc/postgresql');
  return version;
}

/** Stops the local Postgres the hard way (immediate: no checkpoint, crash recovery on start). */
export function stopPostgres(): void {
  run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresCluster(), 'main', 'stop', '-m', 'immediate']);
}

/** Shuts Redis down without saving (it keeps nothing on disk here anyway). */
export function stopRedis(): void {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], { encoding: 'utf8', env: realClockEnv(), timeout: 30000 });
  const probe = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], { encoding: 'utf8', env: realClockEnv(), timeout: 10000 });
  if (probe.stdout.includes('PONG')) throw new Error('Redis still answers after shutdown');
}

/** Starts whatever is down again with the operator's command (npm run infra -- up). */
export function restoreInfrastructure(): void {
  infra('up');
}
