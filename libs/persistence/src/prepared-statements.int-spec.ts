import { databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from './data-source';
import { PREPARE_AFTER_USES } from './prepared-statements';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_prepared`;
const options = { url: databaseUrl(), schema, migrations: [], poolSize: 2 };

describe('prepared statements (Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query(`create table "${schema}".item (id int primary key, label text not null)`);
    await dataSource.query(`insert into "${schema}".item values (1, 'one'), (2, 'two')`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  /** Runs `work` on one connection and lists the statements prepared on it (the pool reuses connections across tests). */
  async function onOneConnection(work: (run: (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>) => Promise<void>) {
    const runner = dataSource.createQueryRunner();
    try {
      await work((sql, parameters) => runner.query(sql, parameters));
      const prepared: Array<{ statement: string }> = await runner.query("select statement from pg_prepared_statements where statement like '%from item%'");
      return prepared.map((row) => row.statement);
    } finally {
      await runner.release();
    }
  }

  it(`prepares a parameterised statement from its ${PREPARE_AFTER_USES}th use, with the same answers`, async () => {
    const answers: unknown[] = [];
    const prepared = await onOneConnection(async (run) => {
      for (let use = 0; use < PREPARE_AFTER_USES + 2; use += 1) answers.push((await run('select label from item where id = $1', [1 + (use % 2)]))[0].label);
    });
    expect(prepared).toContain('select label from item where id = $1');
    expect(answers).toEqual(Array.from({ length: PREPARE_AFTER_USES + 2 }, (_, use) => (use % 2 === 0 ? 'one' : 'two')));
  });

  it('leaves statements without parameters unprepared', async () => {
    const prepared = await onOneConnection(async (run) => {
      for (let use = 0; use < PREPARE_AFTER_USES * 2; use += 1) {
        await run("select label from item where id = 2 and label <> 'x'");
        await run('select label from item where label = $1', ['two']);
      }
    });
    expect(prepared).not.toContain("select label from item where id = 2 and label <> 'x'");
    expect(prepared).toContain('select label from item where label = $1');
  });

  it('keeps a failed prepared statement usable: the error reaches the caller, the next call works', async () => {
    const text = 'select label from item where id = 10 / $1';
    await onOneConnection(async (run) => {
      for (let use = 0; use < PREPARE_AFTER_USES; use += 1) await run(text, [10]);
      await expect(run(text, [0])).rejects.toMatchObject({ code: '22012' });
      expect((await run(text, [10]))[0].label).toBe('one');
    });
  });

  it('answers a prepared select * again after a migration adds a column under it', async () => {
    const text = 'select * from item where id = $1';
    await onOneConnection(async (run) => {
      for (let use = 0; use < PREPARE_AFTER_USES + 1; use += 1) expect(await run(text, [1])).toEqual([{ id: 1, label: 'one' }]);
      await run(`alter table "${schema}".item add column note text not null default '-'`);
      expect(await run(text, [1])).toEqual([{ id: 1, label: 'one', note: '-' }]);
      expect(await run(text, [2])).toEqual([{ id: 2, label: 'two', note: '-' }]);
    });
  });

  it('sends every statement unnamed when prepared statements are off', async () => {
    const off = createServiceDataSource({ ...options, prepareStatements: false });
    await off.initialize();
    try {
      const runner = off.createQueryRunner();
      for (let use = 0; use < PREPARE_AFTER_USES * 2; use += 1) await runner.query('select label from item where id = $1', [1]);
      expect(await runner.query('select count(*)::int as n from pg_prepared_statements')).toEqual([{ n: 0 }]);
      await runner.release();
    } finally {
      await off.destroy();
    }
  });
});
