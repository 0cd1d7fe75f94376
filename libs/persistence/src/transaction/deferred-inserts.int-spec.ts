import { countStatements, databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from '../data-source';
import { appendRows, deferInserts, flushDeferredInserts } from './deferred-inserts';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_deferred`;
const options = { url: databaseUrl(), schema, migrations: [] };

describe('deferred inserts (Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query(`create table "${schema}".journal (seq bigserial primary key, item int not null, text text not null)`);
    await dataSource.query(`create table "${schema}".note (item int not null, width text not null)`);
    await dataSource.query(`create table "${schema}".result (item int primary key, done boolean not null default false)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  beforeEach(() => dataSource.query(`truncate "${schema}".journal, "${schema}".note, "${schema}".result restart identity`));

  /** Items 0..n-1 append a journal row and a note each; the last statement marks their results done. */
  async function applyDeferred(items: number): Promise<number> {
    await dataSource.query(`insert into "${schema}".result (item) select generate_series(0, $1 - 1)`, [items]);
    let statements = 0;
    await dataSource.transaction(async (tx) => {
      const counted = countStatements(tx, () => (statements += 1));
      deferInserts(counted);
      for (let item = 0; item < items; item += 1) {
        await appendRows(counted, 'insert into journal (item, text)', [[item, `item ${item}`]]);
        await appendRows(counted, 'insert into note (item, width)', [[item, 'x']]);
      }
      await flushDeferredInserts(counted, { sql: 'update result set done = true where item < $1', parameters: [items] });
    });
    return statements;
  }

  const count = async (sql: string) => Number((await dataSource.query(sql))[0].n);

  it("writes a group's rows and its last statement as one statement, rows in the order added", async () => {
    expect(await applyDeferred(50)).toBe(1);
    const journal: Array<{ item: number }> = await dataSource.query('select item from journal order by seq');
    expect(journal.map((row) => row.item)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(await count('select count(*)::int as n from note')).toBe(50);
    expect(await count('select count(*)::int as n from result where done')).toBe(50);
  });

  it('splits them when they would pass the parameter limit, and still writes everything', async () => {
    // 2 x 2 parameters per item: 20,000 items need 80,000, over the 60,000 one statement takes.
    expect(await applyDeferred(20_000)).toBeGreaterThan(2);
    expect(await count('select count(*)::int as n from journal')).toBe(20_000);
    expect(await count('select count(*)::int as n from note')).toBe(20_000);
    expect(await count('select count(*)::int as n from result where done')).toBe(20_000);
  });
});
