import { randomUUID } from 'node:crypto';
import { migratedDataSource, newRunId, type MigratedSchema } from '@dtc/testkit';
import type { EntityManager } from 'typeorm';
import { WorkListMarksPerStatement1765300000100 } from '../migrations/1765300000100-work-list-marks-per-statement';
import { REGISTRY_MIGRATIONS } from '../migrations/registry-migrations';

// Service level (real Postgres): households, residents and visits mark their household in
// work_list_changes with the writing transaction's id, once per statement however many of a
// household's rows it writes (the migration's down restores the row trigger, which marks the same).
const COMMUNE = '16279';
const VILLAGE = randomUUID();

describe('work-list change marks (real Postgres)', () => {
  let db: MigratedSchema;

  beforeAll(async () => {
    db = await migratedDataSource(`t_${newRunId()}_work_marks`, REGISTRY_MIGRATIONS);
    await db.dataSource.query(`insert into communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Thử', '38', 'Thanh Hóa', 'test')`, [COMMUNE]);
    await db.dataSource.query(`insert into villages (id, commune_code, code, name, created_by) values ($1, $2, 'T1', 'Thôn 1', 'test')`, [VILLAGE, COMMUNE]);
  });

  afterAll(() => db?.drop());

  const insertHouseholds = (tx: EntityManager, ids: string[]) =>
    tx.query(
      `insert into households (id, commune_code, village_id, address, head_name, registered_at, created_by)
       select id, $2, $3, 'Số 1', 'Chủ hộ', now(), 'test' from unnest($1::uuid[]) as id`,
      [ids, COMMUNE, VILLAGE],
    );
  const insertResidents = (tx: EntityManager, householdIds: string[]) =>
    tx.query(
      `insert into residents (id, commune_code, household_id, full_name, name_normalized, date_of_birth, sex, ethnicity, relationship_to_head, registered_at, created_by)
       select gen_random_uuid(), $2, household, 'Người ' || n, 'nguoi ' || n, date '1990-01-01' + n::int, 'female', 'Kinh', 'child', now(), 'test'
       from unnest($1::uuid[]) with ordinality as r(household, n)`,
      [householdIds, COMMUNE],
    );
  const insertVisits = (tx: EntityManager, householdIds: string[]) =>
    tx.query(
      `insert into visits (id, commune_code, household_id, village_id, visited_at, outcome, created_by)
       select gen_random_uuid(), $2, household, $3, now(), 'done', 'test' from unnest($1::uuid[]) as household`,
      [householdIds, COMMUNE, VILLAGE],
    );
  const marks = async (ids: string[]): Promise<Record<string, string>> => {
    const rows: Array<{ household_id: string; changed_xid: string }> = await db.dataSource.query('select household_id, changed_xid::text from work_list_changes where household_id = any($1::uuid[])', [ids]);
    return Object.fromEntries(rows.map((row) => [row.household_id, row.changed_xid]));
  };
  /** Runs the writes in one transaction and answers its id. */
  const inTransaction = (write: (tx: EntityManager) => Promise<unknown>) =>
    db.dataSource.transaction(async (tx) => {
      await write(tx);
      const [{ xid }] = await tx.query('select pg_current_xact_id()::text as xid');
      return xid as string;
    });

  async function expectMarking(): Promise<void> {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    // A group's runs: households, then several residents of each in one statement, then visits.
    const registered = await inTransaction(async (tx) => {
      await insertHouseholds(tx, [a, b, c]);
      await insertResidents(tx, [a, a, a, b, b]);
      await insertVisits(tx, [a, b]);
    });
    expect(await marks([a, b, c])).toEqual({ [a]: registered, [b]: registered, [c]: registered });

    // A later write to some of them moves only their marks; an update marks too.
    const visited = await inTransaction((tx) => insertVisits(tx, [b, b]));
    const corrected = await inTransaction((tx) => tx.query(`update residents set full_name = full_name || ' (sửa)' where household_id = $1`, [a]));
    expect(await marks([a, b, c])).toEqual({ [a]: corrected, [b]: visited, [c]: registered });
    expect(new Set([registered, visited, corrected]).size).toBe(3);

    // A statement that changes nothing marks nothing.
    await inTransaction((tx) => tx.query(`update households set head_name = 'x' where id = $1`, [randomUUID()]));
    expect(await marks([a, b, c])).toEqual({ [a]: corrected, [b]: visited, [c]: registered });
  }

  it('marks each household a statement touched with the transaction id, once per statement', async () => {
    await expectMarking();
    const triggers: Array<{ tgname: string; per_row: boolean }> = await db.dataSource.query(
      `select tgname, (tgtype & 1) = 1 as per_row from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and tgname like '%work_list%' and not tgisinternal order by tgname`,
      [db.schema],
    );
    expect(triggers).toEqual(['households', 'residents', 'visits'].flatMap((table) => ['insert', 'update'].map((event) => ({ tgname: `${table}_work_list_${event}`, per_row: false }))));
  });

  it("the migration's down restores the row trigger, which marks the same, and up again the statement triggers", async () => {
    const migration = new WorkListMarksPerStatement1765300000100();
    const runner = db.dataSource.createQueryRunner();
    try {
      await runner.query(`set search_path to "${db.schema}"`);
      await migration.down(runner);
      await expectMarking();
      await migration.up(runner);
      await expectMarking();
    } finally {
      await runner.release();
    }
  });
});
