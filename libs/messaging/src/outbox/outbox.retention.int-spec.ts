import { randomUUID } from 'node:crypto';
import { createServiceDataSource, loadRetentionSettings, migrateSchema, runRetention, type PruneContext } from '@dtc/persistence';
import { databaseUrl, dropTestSchemas, newRunId } from '@dtc/testkit';
import type { DataSource, QueryRunner } from 'typeorm';
import { CreateInbox1763900000001 } from '../inbox/inbox.migration';
import { claimNewEvents } from '../inbox/inbox';
import { inboxRetention } from '../inbox/inbox.retention';
import { CreateOutbox1763900000000 } from './outbox.migration';
import { outboxRetention } from './outbox.retention';

// Outbox and inbox pruning against the real Postgres: what a guarantee needs stays, the rest
// goes in batches, and a second run finds nothing.
const runId = newRunId();
const options = { url: databaseUrl(), schema: `t_${runId}_retention_msg`, migrations: [CreateOutbox1763900000000, CreateInbox1763900000001] };
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const context = (fields: Partial<PruneContext> = {}): PruneContext => ({ settings: loadRetentionSettings('test', {}), now, batchSize: 5, dryRun: false, ...fields });

describe('outbox and inbox retention (Postgres)', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    runner = dataSource.createQueryRunner();
    await runner.connect();
  });

  afterAll(async () => {
    await runner?.release();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  const addOutbox = (note: string, createdAt: string, publishedAt: string | null) =>
    runner.query(`insert into outbox (event_id, topic, message_key, event_type, tenant, payload, created_at, published_at) values ($1, 't', 'k', $2, '16279', '{}', $3, $4)`, [randomUUID(), note, createdAt, publishedAt]);
  const outboxNotes = async () => (await runner.query('select event_type from outbox order by seq')).map((row: { event_type: string }) => row.event_type);

  it('keeps unpublished rows however old and published ones within OUTBOX_RETENTION_DAYS; removes older published rows in batches, once', async () => {
    await addOutbox('unpublished-old', daysAgo(400), null);
    for (let i = 0; i < 12; i += 1) await addOutbox('published-old', daysAgo(45), daysAgo(31));
    await addOutbox('published-recent', daysAgo(29), daysAgo(29));
    await addOutbox('unpublished-new', daysAgo(0), null);

    expect(await outboxRetention.pending(runner, context())).toBe(12);
    const progress: number[] = [];
    expect(await outboxRetention.prune(runner, context({ onProgress: (done) => progress.push(done) }))).toBe(12);
    expect(progress).toEqual([5, 10, 12]);
    expect(await outboxNotes()).toEqual(['unpublished-old', 'published-recent', 'unpublished-new']);
    // Idempotent: nothing more to remove.
    expect(await outboxRetention.prune(runner, context())).toBe(0);
    expect(await outboxNotes()).toEqual(['unpublished-old', 'published-recent', 'unpublished-new']);
    const age = await outboxRetention.oldestAgeSeconds(runner, context());
    expect(age).toBeGreaterThan(28 * 86400);
    expect(age).toBeLessThan(30 * 86400);
  });

  it('removes inbox ids older than INBOX_RETENTION_DAYS and keeps the recent ones (a redelivery is still deduplicated)', async () => {
    const old = Array.from({ length: 7 }, () => randomUUID());
    const recent = randomUUID();
    for (const id of old) await runner.query('insert into inbox (consumer, event_id, processed_at) values ($1, $2, $3)', ['c1', id, daysAgo(31)]);
    await runner.query('insert into inbox (consumer, event_id, processed_at) values ($1, $2, $3)', ['c1', recent, daysAgo(1)]);

    expect(await inboxRetention.pending(runner, context())).toBe(7);
    expect(await inboxRetention.prune(runner, context())).toBe(7);
    expect(await inboxRetention.prune(runner, context())).toBe(0);
    const left = await runner.query('select event_id from inbox');
    expect(left).toEqual([{ event_id: recent }]);
    expect([...(await claimNewEvents(runner.manager, 'c1', [recent]))]).toEqual([]);
  });

  it('runs through runRetention: a dry run only counts, a table the schema lacks is skipped', async () => {
    await addOutbox('published-old-2', daysAgo(60), daysAgo(60));
    const dry = await runRetention(runner, [outboxRetention, inboxRetention, { ...outboxRetention, table: 'no_such_table' }], { ...context(), dryRun: true });
    expect(dry.map(({ table, action, rows }) => ({ table, action, rows }))).toEqual([
      { table: 'outbox', action: 'deleted', rows: 1 },
      { table: 'inbox', action: 'deleted', rows: 0 },
    ]);
    expect(await outboxNotes()).toContain('published-old-2');
    const real = await runRetention(runner, [outboxRetention], context());
    expect(real[0].rows).toBe(1);
    expect(await outboxNotes()).not.toContain('published-old-2');
  });
});
