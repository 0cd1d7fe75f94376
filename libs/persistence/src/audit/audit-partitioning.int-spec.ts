import { databaseUrl, dropTestSchemas, newRunId } from '@dtc/testkit';
import type { DataSource, QueryRunner } from 'typeorm';
import { createServiceDataSource, migrateSchema } from '../data-source';
import { loadRetentionSettings } from '../retention/retention-settings';
import type { PruneContext } from '../retention/retention-task';
import { recordAudit } from './audit';
import { addMonths, auditLogRetention, monthlyPartitions, monthOf, monthStart, partitionName } from './audit-partitions';
import { AuditLogByMonth1764700000600 } from './audit-partitioning.migration';
import { CreateAuditLog1763900000600 } from './audit.migration';

// The audit log partitioned by Vietnam calendar month, against the real Postgres: existing rows
// move into their months with their ids, new writes land in the right partition, retention drops
// whole expired months (and nothing of the kept ones), upkeep creates the months ahead, and
// entries that reached the default partition move when their month's partition is created.
const runId = newRunId();
const options = { url: databaseUrl(), schema: `t_${runId}_retention_audit`, migrations: [CreateAuditLog1763900000600, AuditLogByMonth1764700000600] };
const now = new Date();
const context = (fields: Partial<PruneContext> = {}): PruneContext => ({ settings: loadRetentionSettings('test', {}), now, batchSize: 1000, dryRun: false, ...fields });
const current = monthOf(now);

describe('audit log partitioned by month (Postgres)', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  const monthsBack = (count: number) => monthStart(addMonths(current, -count));

  beforeAll(async () => {
    // First the plain table with entries written over the years, as an installation has it today.
    const before = { ...options, migrations: [CreateAuditLog1763900000600] };
    const plain = createServiceDataSource(before);
    await migrateSchema(before, plain);
    for (const [months, actor] of [[70, 'ancient'], [61, 'expired'], [59, 'kept-oldest'], [1, 'last-month'], [0, 'this-month']] as const) {
      await plain.query(`insert into audit_log (actor, action, entity, entity_id, commune_code, at) values ($1, 'update', 'household', 'h1', '16279', $2::timestamptz + interval '2 days')`, [actor, monthsBack(months).toISOString()]);
    }
    await plain.destroy();
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

  const actors = async (table = 'audit_log') => (await runner.query(`select actor from ${table} order by id`)).map((row: { actor: string }) => row.actor);

  it('moves every existing entry into its month, keeping ids, and has partitions up to three months ahead', async () => {
    const [{ kind }] = await runner.query(`select relkind as kind from pg_class where oid = to_regclass('audit_log')`);
    expect(kind).toBe('p');
    expect(await actors()).toEqual(['ancient', 'expired', 'kept-oldest', 'last-month', 'this-month']);
    expect((await runner.query('select id from audit_log order by id')).map((row: { id: string }) => Number(row.id))).toEqual([1, 2, 3, 4, 5]);
    expect(await actors(partitionName(addMonths(current, -61)))).toEqual(['expired']);
    expect(await actors('audit_log_default')).toEqual([]);
    const months = (await monthlyPartitions(runner)).map((partition) => partition.name);
    expect(months[0]).toBe(partitionName(addMonths(current, -70)));
    expect(months[months.length - 1]).toBe(partitionName(addMonths(current, 3)));
  });

  it('writes new entries (recordAudit) into the current month with the next id', async () => {
    await dataSource.transaction((tx) => recordAudit(tx, { subject: 'writer' }, { communeCode: '16279', action: 'register', entity: 'household', entityId: 'h2', fields: ['villageId'] }));
    expect(await actors(partitionName(current))).toEqual(['this-month', 'writer']);
    const [{ id }] = await runner.query(`select id from audit_log where actor = 'writer'`);
    expect(Number(id)).toBe(6);
  });

  it('drops whole months older than AUDIT_RETENTION_MONTHS, keeps the rest, and a second run drops nothing', async () => {
    expect(await auditLogRetention.pending(runner, context())).toBe(2);
    expect(await auditLogRetention.prune(runner, context())).toBe(2);
    expect(await actors()).toEqual(['kept-oldest', 'last-month', 'this-month', 'writer']);
    expect((await monthlyPartitions(runner))[0].name).toBe(partitionName(addMonths(current, -59)));
    expect(await auditLogRetention.prune(runner, context())).toBe(0);
    const age = await auditLogRetention.oldestAgeSeconds(runner, context());
    expect(age).toBeGreaterThan(58 * 28 * 86400);
  });

  it('creates the months ahead as time goes on, moving entries that reached the default partition into their month', async () => {
    const later = addMonths(current, 5);
    // An entry written while upkeep had not run: its month has no partition yet.
    await runner.query(`insert into audit_log (actor, action, entity, entity_id, at) values ('early-bird', 'update', 'household', 'h3', $1::timestamptz + interval '1 hour')`, [monthStart(later).toISOString()]);
    expect(await actors('audit_log_default')).toEqual(['early-bird']);
    await auditLogRetention.prune(runner, context({ now: new Date(monthStart(later).getTime() + 86_400_000) }));
    expect(await actors('audit_log_default')).toEqual([]);
    expect(await actors(partitionName(later))).toEqual(['early-bird']);
    expect((await monthlyPartitions(runner)).map((partition) => partition.name)).toContain(partitionName(addMonths(later, 3)));
  });
});
