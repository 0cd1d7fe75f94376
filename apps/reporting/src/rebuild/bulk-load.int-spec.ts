import { databaseUrl, dropTestSchemas, newRunId, query } from '@dtc/testkit';
import { Client } from 'pg';
import { migrateGeneration } from '../projections/generations';
import { finishBulkLoad, startBulkLoad } from './bulk-load';

const runId = newRunId();
const schema = `t_${runId}_reporting_g1`;

const indexes = () => query<{ indexname: string; indexdef: string }>('select indexname, indexdef from pg_indexes where schemaname = $1 order by indexname', [schema]);
/** Every table and index of the schema, with the table it belongs to, and whether it is logged ('p') or unlogged ('u'). */
const persistence = () =>
  query<{ relname: string; owner: string; relpersistence: string }>(
    `select c.relname, coalesce(t.relname, c.relname) as owner, c.relpersistence
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     left join pg_index i on i.indexrelid = c.oid left join pg_class t on t.oid = i.indrelid
     where n.nspname = $1 and c.relkind in ('r', 'i') order by c.relname`,
    [schema],
  );

describe("a generation's bulk load (Postgres)", () => {
  const control = new Client({ connectionString: databaseUrl() });

  beforeAll(async () => {
    await migrateGeneration(databaseUrl(), schema);
    await control.connect();
  });

  afterAll(async () => {
    await control.end();
    await dropTestSchemas(runId);
  });

  it('replays into unlogged tables without secondary indexes, then logs them and builds the same indexes again', async () => {
    const before = await indexes();
    const secondary = before.filter((index) => !/UNIQUE/.test(index.indexdef));
    expect(secondary.map((index) => index.indexname)).toEqual(expect.arrayContaining(['enrollment_state_daily_province', 'field_daily_province']));

    const load = await startBulkLoad(control, schema);
    expect(load.indexes.map((index) => index.name).sort()).toEqual(secondary.map((index) => index.indexname).sort());
    // Primary keys stay (the upserts need them); the migrations' record stays logged.
    expect((await indexes()).map((index) => index.indexname)).toEqual(before.filter((index) => /UNIQUE/.test(index.indexdef)).map((index) => index.indexname));
    const during = await persistence();
    expect(during.filter((rel) => rel.owner !== 'schema_migrations').every((rel) => rel.relpersistence === 'u')).toBe(true);
    expect(during.filter((rel) => rel.owner === 'schema_migrations').map((rel) => rel.relpersistence)).toEqual(['p', 'p']);
    expect(load.tables).toEqual(expect.arrayContaining(['applied_batches', 'enrollment_state_daily', 'household_facts']));

    await finishBulkLoad(control, load);
    expect(await indexes()).toEqual(before);
    expect((await persistence()).every((rel) => rel.relpersistence === 'p')).toBe(true);
  });
});
