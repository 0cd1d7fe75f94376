import { randomUUID } from 'node:crypto';
import { CreateInbox1763900000001, CreateOutbox1763900000000 } from '@dtc/messaging';
import { CreateSyncResults1763900000002, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, CreateAuditLog1763900000600, createServiceDataSource, migrateSchema } from '@dtc/persistence';
import { databaseUrl, deleteTestTopics, dropTestSchemas, newRunId, query, testToken } from '@dtc/testkit';
import { request } from '../../support/http';
import { runOpsCli } from '../../support/ops-cli';
import { startServices, type RunningService } from '../../support/services';

// `npm run ops -- prune` against a running reporting service and a producer-like schema (outbox,
// inbox, sync results, audit log): a dry run counts per table and changes nothing, the real run
// removes exactly what the retention lets go, a second run finds nothing; the province feed then
// answers a cursor older than its retention with 410 and the earliest valid cursor.
const runId = newRunId();
const P = '38';
const producerSchema = `t_${runId}_producer`;
const integrator = testToken({ sub: 'integrator-38', role: 'integrator', province: P });
const cursor = (seq: number) => Buffer.from(`1.${P}.${seq}`, 'utf8').toString('base64url');

describe('ops prune', () => {
  let reporting: RunningService;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const started = await startServices(runId, ['reporting']);
    stop = started.stop;
    reporting = started.services.reporting;
    // A producer's tables as a service of this version has them.
    const options = {
      url: databaseUrl(),
      schema: producerSchema,
      migrations: [CreateOutbox1763900000000, CreateInbox1763900000001, CreateSyncResults1763900000002, SyncResultsDevice1764500000550, SyncResultsRetention1764700000560, CreateAuditLog1763900000600, AuditLogByMonth1764700000600],
    };
    const dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.destroy();
    const insertOutbox = (createdDaysAgo: number, publishedDaysAgo: number | null) =>
      query(
        `insert into "${producerSchema}".outbox (event_id, topic, message_key, event_type, tenant, payload, created_at, published_at)
         values ($1, 't', 'k', 'x', '16279', '{}', now() - make_interval(days => $2), case when $3::int is null then null else now() - make_interval(days => $3::int) end)`,
        [randomUUID(), createdDaysAgo, publishedDaysAgo],
      );
    await insertOutbox(200, null); // never published: kept
    await insertOutbox(40, 40); // published long ago: goes
    await insertOutbox(40, 39); // goes
    await insertOutbox(2, 1); // kept
    for (const days of [45, 1]) await query(`insert into "${producerSchema}".inbox (consumer, event_id, processed_at) values ('c', $1, now() - make_interval(days => $2))`, [randomUUID(), days]);
    for (const days of [100, 20, 2]) {
      await query(
        `insert into "${producerSchema}".sync_results (client_id, command, status, body, actor, commune_code, created_at) values ($1, 'resident.add', 201, $2, 'agent', '16279', now() - make_interval(days => $3))`,
        [randomUUID(), JSON.stringify({ id: randomUUID(), fullName: 'Trần Thị Lan', phone: '0912345678' }), days],
      );
    }
    await query(`insert into "${producerSchema}".audit_log (actor, action, entity, entity_id, at) values ('old', 'update', 'household', 'h', now() - interval '7 years'), ('new', 'update', 'household', 'h', now())`);
    // Province 38's feed in reporting: events 1-3 received 400 days ago, 4-5 today.
    await query(`insert into "${reporting.schema}".province_feed_heads (province_code, last_seq, last_appended_at) values ($1, 5, now())`, [P]);
    for (let seq = 1; seq <= 5; seq += 1) {
      await query(
        `insert into "${reporting.schema}".province_feed (province_code, seq, event_id, event_type, commune_code, appended_at, envelope) values ($1, $2, $3, 'x', '38101', now() - make_interval(days => $4), $5)`,
        [P, seq, randomUUID(), seq <= 3 ? 400 : 0, JSON.stringify({ id: `event-${seq}` })],
      );
    }
  }, 180000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  const prune = (...args: string[]) => runOpsCli(['prune', '--schemas', `${producerSchema},${reporting.schema},t_${runId}_missing`, ...args], {});
  /** The table's lines as "schema table action rows". */
  const lines = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('t_'))
      .map((line) => line.replace(/ {2,}/g, '|').split('|').slice(0, 4).join(' '));
  const counts = async () => ({
    outbox: (await query<{ n: number }>(`select count(*)::int as n from "${producerSchema}".outbox`))[0].n,
    inbox: (await query<{ n: number }>(`select count(*)::int as n from "${producerSchema}".inbox`))[0].n,
    feed: (await query<{ n: number }>(`select count(*)::int as n from "${reporting.schema}".province_feed`))[0].n,
  });

  it('dry run: says per table what would go, and changes nothing', async () => {
    const run = await prune('--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(lines(run.stdout)).toEqual([
      `${producerSchema} outbox would delete 2`,
      `${producerSchema} inbox would delete 1`,
      `${producerSchema} sync_results would remove personal data 2`,
      `${producerSchema} sync_results would delete 1`,
      `${producerSchema} audit_log would drop (monthly partitions) 1`,
      `${reporting.schema} inbox would delete 0`,
      `${reporting.schema} audit_log would drop (monthly partitions) 0`,
      `${reporting.schema} province_feed would delete 3`,
      `t_${runId}_missing - no such schema 0`,
    ]);
    expect(await counts()).toEqual({ outbox: 4, inbox: 2, feed: 5 });
  });

  it('prunes with a progress bar, keeps what guarantees need, and a second run removes nothing', async () => {
    const run = await prune();
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/outbox deleted \[#+\] 100\.0% 2\/2/);
    expect(lines(run.stdout)).toContain(`${producerSchema} outbox deleted 2`);
    expect(lines(run.stdout)).toContain(`${reporting.schema} province_feed deleted 3`);
    expect(await counts()).toEqual({ outbox: 2, inbox: 1, feed: 2 });
    const unpublished = await query<{ n: number }>(`select count(*)::int as n from "${producerSchema}".outbox where published_at is null`);
    expect(unpublished[0].n).toBe(1);
    const bodies = await query<{ body: Record<string, unknown> }>(`select body from "${producerSchema}".sync_results order by created_at`);
    expect(bodies.map((row) => row.body['detailsRemoved'] ?? false)).toEqual([true, false]);
    expect(JSON.stringify(bodies[0].body)).not.toContain('Lan');

    const again = await prune();
    expect(again.code).toBe(0);
    expect(lines(again.stdout).filter((line) => !line.endsWith(' 0'))).toEqual([]);
  });

  it('the province feed answers a cursor older than its retention with 410 and the earliest valid cursor', async () => {
    const head = await request<{ count: number; earliest: string }>('GET', `${reporting.url}/feeds/provinces/${P}`, integrator);
    expect(head.body).toMatchObject({ count: 2, earliest: cursor(3) });
    const gone = await request<{ statusCode: number; earliest: string; fields: unknown[] }>('GET', `${reporting.url}/feeds/provinces/${P}/events?after=${cursor(1)}`, integrator);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ statusCode: 410, earliest: cursor(3), fields: [{ field: 'after', reason: 'older than the retention of this feed' }] });
    const resumed = await request<{ events: Array<{ id: string }> }>('GET', `${reporting.url}/feeds/provinces/${P}/events?after=${gone.body.earliest}`, integrator);
    expect(resumed.status).toBe(200);
    expect(resumed.body.events.map((event) => event.id)).toEqual(['event-4', 'event-5']);
  });

  it('refuses a personal-data retention shorter than the phones’ retry window (exit 2, the variable named)', async () => {
    const run = await runOpsCli(['prune', '--dry-run', '--schemas', producerSchema], { SYNC_RESULT_PERSONAL_DATA_DAYS: '3' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("SYNC_RESULT_PERSONAL_DATA_DAYS must be at least the phones' retry window of 7 days");
  });
});
