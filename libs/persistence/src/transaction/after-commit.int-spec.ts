import { databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from '../data-source';
import { afterCommit } from './after-commit';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_aftercommit`;
const options = { url: databaseUrl(), schema, migrations: [] };

describe('afterCommit (Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query(`create table "${schema}".note (text text not null)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  const rows = async (text: string) => Number((await dataSource.query(`select count(*)::int as n from "${schema}".note where text = $1`, [text]))[0].n);

  it('runs the callback once, after the commit, when the row is visible to other connections', async () => {
    let calls = 0;
    let visibleThen: Promise<number> | undefined;
    await dataSource.transaction(async (tx) => {
      await tx.query(`insert into "${schema}".note values ('committed')`);
      afterCommit(tx, () => {
        calls += 1;
        visibleThen = rows('committed');
      });
      expect(calls).toBe(0);
    });
    expect(calls).toBe(1);
    expect(await visibleThen).toBe(1);
  });

  it('never runs it when the transaction rolls back', async () => {
    let called = 0;
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query(`insert into "${schema}".note values ('rolled back')`);
        afterCommit(tx, () => (called += 1));
        throw new Error('a rule refused it');
      }),
    ).rejects.toThrow('a rule refused it');
    expect(called).toBe(0);
    expect(await rows('rolled back')).toBe(0);
    // The runner's next transaction does not inherit it.
    await dataSource.transaction((tx) => tx.query('select 1'));
    expect(called).toBe(0);
  });

  it('waits past a released savepoint for the outer commit', async () => {
    const order: string[] = [];
    await dataSource.transaction(async (outer) => {
      await outer.transaction(async (inner) => {
        afterCommit(inner, () => order.push('callback'));
      });
      order.push('savepoint released');
    });
    expect(order).toEqual(['savepoint released', 'callback']);
  });

  it('runs at once outside a transaction, and a failing callback does not turn a commit into an error', async () => {
    let called = 0;
    afterCommit(dataSource.manager, () => (called += 1));
    expect(called).toBe(1);
    await dataSource.transaction(async (tx) => {
      await tx.query(`insert into "${schema}".note values ('kept')`);
      afterCommit(tx, () => {
        throw new Error('wake-up failed');
      });
      afterCommit(tx, () => (called += 1));
    });
    expect(await rows('kept')).toBe(1);
    expect(called).toBe(2);
  });
});
