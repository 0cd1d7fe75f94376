import { randomUUID } from 'node:crypto';
import { UnprocessableEntityException } from '@nestjs/common';
import { createServiceDataSource, loadRetentionSettings, migrateSchema, type PruneContext } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { databaseUrl, dropTestSchemas, newRunId } from '@dtc/testkit';
import { IsOptional, IsString } from 'class-validator';
import type { DataSource, QueryRunner } from 'typeorm';
import { SyncResultsDevice1764500000550 } from './sync-health.migration';
import { CreateSyncResults1763900000002 } from './sync-results.migration';
import { SyncResultsRetention1764700000560 } from './sync-results-retention.migration';
import { DETAILS_REMOVED_MESSAGE, syncResultPersonalDataRetention, syncResultRetention } from './sync-results.retention';
import { OfflineSyncEngine, syncHandler } from './sync.engine';

class PersonDto {
  @IsString()
  fullName!: string;

  @IsOptional()
  @IsString()
  nationalId?: string;
}

// Stored sync results against the real Postgres: personal data goes after
// SYNC_RESULT_PERSONAL_DATA_DAYS (the status, ids and commune stay, and a retry is still answered
// with the stored status), the rows go after SYNC_RESULT_RETENTION_DAYS, each run only once.
const runId = newRunId();
const options = { url: databaseUrl(), schema: `t_${runId}_retention_sync`, migrations: [CreateSyncResults1763900000002, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560] };
const agent = { subject: 'agent-1', role: 'field_agent', communes: ['16279'] } as Principal;
const DAY = 86_400_000;
const context = (now: Date, fields: Partial<PruneContext> = {}): PruneContext => ({ settings: loadRetentionSettings('test', {}), now, batchSize: 2, dryRun: false, ...fields });

describe('sync result retention (Postgres)', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  let engine: OfflineSyncEngine;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    runner = dataSource.createQueryRunner();
    await runner.connect();
    engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: async () => '38',
      handlers: {
        'resident.add': syncHandler(PersonDto, 201, false, async (payload) => {
          if (payload.fullName === 'refuse') throw new UnprocessableEntityException({ message: `Nguyễn Văn Refused with ID ${payload.nationalId} already exists`, fields: [{ field: 'nationalId', reason: 'taken' }] });
          return { id: randomUUID(), communeCode: '16279', fullName: payload.fullName, nationalId: payload.nationalId, phone: '0912345678', household: { head: payload.fullName } };
        }),
        'resident.rename': syncHandler(PersonDto, 200, true, async (payload, target) => ({ id: target, fullName: payload.fullName })),
      },
    });
  });

  afterAll(async () => {
    await runner?.release();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  const item = (clientId: string, command: string, payload: Record<string, unknown>, refs?: Record<string, string>) => ({ clientId, command, occurredAt: new Date().toISOString(), payload, refs });
  const upload = (items: ReturnType<typeof item>[]) => engine.upload({ items } as never, agent);
  const storedAt = (clientId: string, days: number) => runner.query(`update sync_results set created_at = clock_timestamp() - make_interval(days => $2) where client_id = $1`, [clientId, days]);

  it('strips personal data after the window, keeps status, ids and commune; a retried upload gets the stored status and a body saying the details were removed', async () => {
    const [added, refused, recent] = [randomUUID(), randomUUID(), randomUUID()];
    const [first] = await upload([item(added, 'resident.add', { fullName: 'Trần Thị Lan', nationalId: '038190001234' })]);
    expect(first.status).toBe(201);
    const createdId = (first.body as { id: string }).id;
    expect((await upload([item(refused, 'resident.add', { fullName: 'refuse', nationalId: '038190009999' })]))[0].status).toBe(422);
    await upload([item(recent, 'resident.add', { fullName: 'Lê Văn Nam', nationalId: '038190005555' })]);
    await storedAt(added, 15);
    await storedAt(refused, 20);
    await storedAt(recent, 13);

    const now = new Date();
    expect(await syncResultPersonalDataRetention.pending(runner, context(now))).toBe(2);
    expect(await syncResultPersonalDataRetention.prune(runner, context(now))).toBe(2);
    expect(await syncResultPersonalDataRetention.prune(runner, context(now))).toBe(0);

    const rows: Array<{ client_id: string; status: number; body: Record<string, unknown> }> = await runner.query('select client_id, status, body from sync_results');
    const byId = new Map(rows.map((row) => [row.client_id, row]));
    expect(byId.get(added)).toMatchObject({ status: 201, body: { id: createdId, communeCode: '16279', detailsRemoved: true, message: DETAILS_REMOVED_MESSAGE } });
    expect(JSON.stringify(byId.get(added)!.body)).not.toMatch(/Lan|038190001234|0912345678/);
    expect(byId.get(refused)!.body).toEqual({ statusCode: 422, error: 'Unprocessable Entity', detailsRemoved: true, message: DETAILS_REMOVED_MESSAGE });
    expect(byId.get(recent)!.body).toMatchObject({ fullName: 'Lê Văn Nam' });

    // The phone retries both: same status as the first time, nothing applied again, details gone.
    const replays = await upload([item(added, 'resident.add', { fullName: 'Trần Thị Lan', nationalId: '038190001234' }), item(refused, 'resident.add', { fullName: 'refuse' })]);
    expect(replays).toEqual([
      { clientId: added, status: 201, replayed: true, body: { id: createdId, communeCode: '16279', detailsRemoved: true, message: DETAILS_REMOVED_MESSAGE } },
      { clientId: refused, status: 422, replayed: true, body: { statusCode: 422, error: 'Unprocessable Entity', detailsRemoved: true, message: DETAILS_REMOVED_MESSAGE } },
    ]);
    // A later item still refers to the stripped one by its client id (the created id is kept).
    const [renamed] = await upload([item(randomUUID(), 'resident.rename', { fullName: 'Trần Thị Lan Anh' }, { target: added })]);
    expect(renamed).toMatchObject({ status: 200, body: { id: createdId } });
  });

  it('deletes results older than SYNC_RESULT_RETENTION_DAYS and nothing younger, in batches, once', async () => {
    const old = [randomUUID(), randomUUID(), randomUUID()];
    for (const clientId of old) {
      await upload([item(clientId, 'resident.add', { fullName: 'Old Person' })]);
      await storedAt(clientId, 91);
    }
    const young = randomUUID();
    await upload([item(young, 'resident.add', { fullName: 'Young Person' })]);
    await storedAt(young, 89);
    const now = new Date();
    expect(await syncResultRetention.pending(runner, context(now))).toBe(3);
    expect(await syncResultRetention.prune(runner, context(now))).toBe(3);
    expect(await syncResultRetention.prune(runner, context(now))).toBe(0);
    const left = (await runner.query('select client_id from sync_results')).map((row: { client_id: string }) => row.client_id);
    expect(left).toContain(young);
    for (const clientId of old) expect(left).not.toContain(clientId);
    expect(new Date(now.getTime() - ((await syncResultRetention.oldestAgeSeconds(runner, context(now))) ?? 0) * 1000).getTime()).toBeGreaterThan(now.getTime() - 90 * DAY);
  });
});

describe('retention settings', () => {
  it('refuses personal-data retention shorter than the phones’ retry window, and a row retention shorter than that', () => {
    expect(() => loadRetentionSettings('svc', { SYNC_RESULT_PERSONAL_DATA_DAYS: '3' })).toThrow(/SYNC_RESULT_PERSONAL_DATA_DAYS must be at least the phones' retry window of 7 days/);
    expect(() => loadRetentionSettings('svc', { SYNC_RESULT_PERSONAL_DATA_DAYS: '30', SYNC_RESULT_RETENTION_DAYS: '20' })).toThrow(/SYNC_RESULT_RETENTION_DAYS \(20\) must not be shorter/);
    expect(loadRetentionSettings('svc', {})).toMatchObject({ outboxRetentionDays: 30, inboxRetentionDays: 30, syncResultRetentionDays: 90, syncResultPersonalDataDays: 14, feedRetentionDays: 365, auditRetentionMonths: 60 });
  });
});
