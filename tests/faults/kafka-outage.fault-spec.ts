import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../support/demo-commune';
import { request } from '../support/http';
import { activeProjectionSchema, startServices, type RunningService } from '../support/services';

// Stops and restarts the shared broker: run serially (npm test runs tests/faults in band, last).
const repoRoot = path.resolve(__dirname, '..', '..');

/** The operator's own command, as documented: npm run infra -- up|down. */
function infra(command: 'up' | 'down'): void {
  const result = spawnSync(process.execPath, ['tools/infra/cli.js', command], { cwd: repoRoot, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`infra ${command} failed: ${result.stderr}`);
}

const runId = newRunId();
const commune = '20001';
const agent = testToken({ sub: 'agent-20001', role: 'field_agent', communes: [commune] });

describe('Kafka stopped while households are registered', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    // Stopping "the broker" only means something if this checkout started it.
    const status = spawnSync(process.execPath, ['tools/infra/cli.js', 'status'], { cwd: repoRoot, encoding: 'utf8' }).stdout;
    if (!/kafka\s+up.*local broker pid/.test(status)) {
      throw new Error(`The fault suite stops and restarts the Kafka broker this checkout started, but the broker answering now was started elsewhere (another checkout?):\n${status}\nStop it there (npm run infra -- down) and run again.`);
    }
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1']);
  });

  afterAll(async () => {
    infra('up');
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  const projected = async () => {
    const { body } = await request<{ totalHouseholds: number }>('GET', `${reporting.url}/communes/${commune}/households-by-village`, agent);
    return body.totalHouseholds ?? 0;
  };

  it('accepts every write during the outage and projects each event exactly once after recovery', async () => {
    for (let i = 0; i < 5; i += 1) expect((await request('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'))).status).toBe(201);
    await eventually(async () => expect(await projected()).toBe(5));

    infra('down');
    for (let i = 0; i < 20; i += 1) expect((await request('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'))).status).toBe(201);
    const health = await request<{ checks: { kafka: { status: string } } }>('GET', `${registry.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body.checks.kafka.status).toBe('down');
    const [{ pending }] = await query<{ pending: number }>(`select count(*)::int as pending from "${registry.schema}".outbox where published_at is null`);
    expect(pending).toBe(20);

    infra('up');
    await eventually(async () => expect(await projected()).toBe(25), { timeoutMs: 90000, intervalMs: 250 });
    const [{ applied }] = await query<{ applied: number }>(`select count(*)::int as applied from "${await activeProjectionSchema(reporting)}".inbox`);
    expect(applied).toBe(25);
    await eventually(async () => {
      const [{ left }] = await query<{ left: number }>(`select count(*)::int as left from "${registry.schema}".outbox where published_at is null`);
      expect(left).toBe(0);
    });
    expect(await projected()).toBe(25);
  });
});
