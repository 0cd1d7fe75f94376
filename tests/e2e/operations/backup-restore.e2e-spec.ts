import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseUrl, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { Client } from 'pg';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { runOpsCli, type CliRun } from '../../support/ops-cli';
import { startServices, type RunningService } from '../../support/services';

// The backup and restore drill on small data: a backup taken while phones keep uploading,
// restored into a fresh database; the restored outbox history re-published under a new topic
// prefix (the old topics also hold what was written after the backup, which the restored
// database lacks); the services started on it, reporting filling a new generation from the new
// topics; then the phones re-send what they uploaded since the backup began. The figures equal
// those before the disaster: the backup's own writes once (their client ids are answered from
// the stored results), the later ones written again.
const runId = newRunId();
const COMMUNE = '47051';
const PROVINCE = '47';
const VILLAGES = ['THON-1', 'THON-2', 'THON-3'];
const restoredPrefix = `t-${runId}.restored.`;
const restoredDatabase = `dtc_restore_${runId}`;
const agent = testToken({ sub: `agent-${COMMUNE}`, role: 'field_agent', communes: [COMMUNE] });
const admin = testToken({ sub: `admin-${COMMUNE}`, role: 'commune_admin', communes: [COMMUNE] });

interface SyncItem {
  clientId: string;
  command: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** A phone's batch: a few households registered offline, each with its own client id. */
function batch(index: number): SyncItem[] {
  return Array.from({ length: 3 }, (_, i) => ({
    clientId: randomUUID(),
    command: 'household.register',
    occurredAt: new Date().toISOString(),
    payload: householdBody(COMMUNE, VILLAGES[(index + i) % VILLAGES.length], { address: `Batch ${index} house ${i}` }),
  }));
}

function succeeded(run: CliRun): void {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
}

function restoredUrl(): string {
  const url = new URL(databaseUrl());
  url.pathname = `/${restoredDatabase}`;
  return url.toString();
}

describe('backup and restore drill', () => {
  let files: string;
  let stop: (() => Promise<void>) | undefined;
  let registry: RunningService;
  let reporting: RunningService;
  const upload = async (items: SyncItem[]) => {
    const answer = await request<{ results: Array<{ status: number; replayed: boolean }> }>('POST', `${registry.url}/sync`, agent, { items });
    expect(answer.status).toBe(200);
    return answer.body.results;
  };
  const figures = async () => {
    const answer = await request<{ totalHouseholds: number }>('GET', `${reporting.url}/communes/${COMMUNE}/households-by-village`, admin);
    expect(answer.status).toBe(200);
    // The figures, not how fresh they are (stream heads differ per topic prefix and generation).
    return { ...answer.body, dataAsOf: undefined };
  };

  beforeAll(async () => {
    files = mkdtempSync(path.join(tmpdir(), 'dtc-backup-'));
    ({
      services: { 'household-registry': registry, reporting },
      stop,
    } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    await onboardCommune(registry.url, COMMUNE, PROVINCE, VILLAGES);
  });

  afterAll(async () => {
    await stop?.();
    if (files) rmSync(files, { recursive: true, force: true });
    await query(`drop database if exists "${restoredDatabase}" with (force)`);
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('backs up while phones upload, restores into a fresh database, and ends with the figures of before once the phones re-send', async () => {
    const schemas = [registry.schema, reporting.schema];
    for (let i = 0; i < 3; i += 1) await upload(batch(i));

    // Phones keep uploading while the backup runs, and after it.
    const sinceBackup: SyncItem[][] = [];
    let uploading = true;
    const phones = (async () => {
      for (let i = 100; uploading; i += 1) {
        const items = batch(i);
        sinceBackup.push(items);
        await upload(items);
      }
    })();
    const backup = await runOpsCli(['backup', '--out', path.join(files, 'drill.dump'), '--schemas', schemas.join(',')], {});
    for (let i = 200; i < 203; i += 1) {
      const items = batch(i);
      sinceBackup.push(items);
      await upload(items);
    }
    uploading = false;
    await phones;
    succeeded(backup);
    expect(backup.stdout).toMatch(new RegExp(`^backed up 2 schema\\(s\\) as of \\S+ to ${path.join(files, 'drill.dump').replace(/[.]/g, '\\.')} .*left out ${reporting.schema}_g1 \\(rebuilt from Kafka\\)$`, 'm'));
    const manifest = JSON.parse(readFileSync(path.join(files, 'drill.dump.json'), 'utf8')) as { schemas: Array<{ schema: string; outboxPublished: number; outboxWaiting: number }> };
    expect(manifest.schemas.map((s) => s.schema)).toEqual([...schemas].sort());

    const uploaded = (3 + sinceBackup.length) * 3;
    await eventually(async () => expect(await figures()).toMatchObject({ totalHouseholds: uploaded }), { timeoutMs: 30000, intervalMs: 200 });
    const beforeDisaster = await figures();

    // The disaster: the services stop; the database is restored from the backup into a fresh one.
    await stop!();
    stop = undefined;
    const restored = await runOpsCli(['restore', '--from', path.join(files, 'drill.dump'), '--into', restoredUrl()], {});
    succeeded(restored);
    expect(restored.stdout).toContain(`restored ${schemas.join(', ')} as of`);
    expect(restored.stdout).toContain('republish');
    const restoredDb = new Client({ connectionString: restoredUrl() });
    await restoredDb.connect();
    let inBackup: number;
    try {
      [{ count: inBackup }] = (await restoredDb.query<{ count: number }>(`select count(*)::int as count from "${registry.schema}".households where commune_code = $1`, [COMMUNE])).rows;
      // The snapshot: the outbox holds exactly the events of the households the backup has (plus the commune's).
      const [{ events }] = (await restoredDb.query<{ events: number }>(`select count(*)::int as events from "${registry.schema}".outbox where event_type = 'vn.dtc.registry.household.registered.v1'`)).rows;
      expect(events).toBe(inBackup);
    } finally {
      await restoredDb.end();
    }
    expect(inBackup).toBeGreaterThanOrEqual(9);
    // Written after the backup (at least the last three batches): not in the restored database.
    expect(inBackup).toBeLessThanOrEqual(uploaded - 9);
    // Restoring over a database that already holds these schemas is refused.
    const twice = await runOpsCli(['restore', '--from', path.join(files, 'drill.dump'), '--into', restoredUrl()], {});
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`already has schema(s) ${[...schemas].sort().join(', ')}; restore into a fresh database`);

    // The restored outbox history under a new prefix; the services on the restored database and that prefix.
    const restoredEnv = { DATABASE_URL: restoredUrl(), TOPIC_PREFIX: restoredPrefix, KAFKA_TOPIC_PARTITIONS: '3' };
    const republished = await runOpsCli(['republish', '--schemas', schemas.join(',')], restoredEnv);
    succeeded(republished);
    const started = await startServices(runId, ['household-registry', 'reporting'], { 'household-registry': restoredEnv, reporting: restoredEnv });
    stop = started.stop;
    ({ 'household-registry': registry, reporting } = started.services as Record<string, RunningService>);
    // Reporting filled a new generation from the new topics: the backup's figures, nothing written after it.
    await eventually(async () => expect(await figures()).toMatchObject({ totalHouseholds: inBackup }), { timeoutMs: 30000, intervalMs: 200 });

    // The phones re-send what they uploaded since the backup began.
    const results = [];
    for (const items of sinceBackup) results.push(...(await upload(items)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(results.filter((r) => !r.replayed)).toHaveLength(uploaded - inBackup);
    await eventually(async () => expect(await figures()).toEqual(beforeDisaster), { timeoutMs: 30000, intervalMs: 200 });

    // A rebuild from the new topics answers the same.
    const rebuilt = await runOpsCli(['rebuild'], { ...restoredEnv, DATABASE_SCHEMA: reporting.schema });
    succeeded(rebuilt);
    expect(await figures()).toEqual(beforeDisaster);
  });
});
