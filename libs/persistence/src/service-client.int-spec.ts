import { databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource, EntityManager } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from './data-source';
import { PREPARE_AFTER_USES } from './prepared-statements';
import { sendWithCommit } from './transaction/send-with-commit';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_begin`;

describe('BEGIN sent with the first statement (Postgres)', () => {
  let roundTrips = 0;
  const options = { url: databaseUrl(), schema, migrations: [], poolSize: 1, onRoundTrip: () => (roundTrips += 1) };
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query(`create table "${schema}".item (id int primary key, label text not null)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  beforeEach(async () => {
    await dataSource.query('truncate item');
  });

  /** Round trips `work` took. */
  async function counted(work: () => Promise<unknown>): Promise<number> {
    const before = roundTrips;
    await work().catch(() => undefined);
    return roundTrips - before;
  }

  const labels = async () => (await dataSource.query('select id, label from item order by id')) as Array<{ id: number; label: string }>;
  /** The transaction id the server runs this statement in (statements of one transaction share it). */
  const transactionId = async (db: DataSource | EntityManager) => (await db.query('select pg_current_xact_id()::text as id, $1::int as n', [1]))[0].id as string;

  it('takes one round trip per statement plus the COMMIT, and commits what the statements wrote', async () => {
    const trips = await counted(() =>
      dataSource.transaction(async (tx) => {
        await tx.query('insert into item (id, label) values ($1, $2)', [1, 'one']);
        await tx.query('insert into item (id, label) values ($1, $2)', [2, 'two']);
      }),
    );
    expect(trips).toBe(3);
    expect(await labels()).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
  });

  it('runs the first statement inside the transaction: a rollback undoes it', async () => {
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query('insert into item (id, label) values ($1, $2)', [1, 'one']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await labels()).toEqual([]);
  });

  it('gives the first statement its own answer, not the BEGIN', async () => {
    await dataSource.query('insert into item (id, label) values (7, $1)', ['seven']);
    const answer = await dataSource.transaction((tx) => tx.query('select label, $1::int as n from item where id = $2', [3, 7]));
    expect(answer).toEqual([{ label: 'seven', n: 3 }]);
  });

  it('sends nothing for a transaction that sends no statement', async () => {
    expect(await counted(() => dataSource.transaction(async () => undefined))).toBe(0);
    expect(await counted(() => dataSource.transaction(async () => Promise.reject(new Error('nothing done'))))).toBe(0);
    expect(await dataSource.query('select $1::int as n', [5])).toEqual([{ n: 5 }]);
  });

  it('reports a failing first statement to its caller, rolls back, and leaves the connection idle', async () => {
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query('select 10 / $1 as q', [0]);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    // One connection in the pool: the next statement outside a transaction must commit on its own.
    await dataSource.query('insert into item (id, label) values ($1, $2)', [3, 'three']);
    const other = createServiceDataSource({ ...options, onRoundTrip: undefined });
    await other.initialize();
    try {
      expect(await other.query('select label from item')).toEqual([{ label: 'three' }]);
    } finally {
      await other.destroy();
    }
  });

  it('sends BEGIN on its own before a first statement without parameters, still inside the transaction', async () => {
    const trips = await counted(() =>
      dataSource.transaction(async (tx) => {
        await tx.query("insert into item (id, label) values (4, 'four')");
        throw new Error('undo');
      }),
    );
    expect(trips).toBe(3);
    expect(await labels()).toEqual([]);
  });

  it('keeps every statement of a transaction inside it, whether BEGIN went alone or with the first', async () => {
    const [first, second] = await dataSource.transaction(async (tx) => [await transactionId(tx), await transactionId(tx)]);
    expect(second).toBe(first);
    const [third, fourth] = await dataSource.transaction(async (tx) => {
      await tx.query('select 1');
      return [await transactionId(tx), await transactionId(tx)];
    });
    expect(fourth).toBe(third);
    // Outside a transaction each statement is its own.
    expect(await transactionId(dataSource)).not.toBe(await transactionId(dataSource));
  });

  it('opens transactions with prepared statements, parsed on the connection or not yet', async () => {
    const text = 'insert into item (id, label) values ($1, $2)';
    const trips: number[] = [];
    for (let use = 0; use < PREPARE_AFTER_USES + 2; use += 1) {
      trips.push(await counted(() => dataSource.transaction((tx) => tx.query(text, [100 + use, `n${use}`]))));
    }
    // The use that prepares the text sends BEGIN alone (pg must see that statement's own ParseComplete); the others two round trips.
    expect(trips.filter((count) => count === 3)).toHaveLength(1);
    expect(trips.filter((count) => count === 2)).toHaveLength(PREPARE_AFTER_USES + 1);
    expect((await labels()).map((row) => row.id)).toEqual(Array.from({ length: PREPARE_AFTER_USES + 2 }, (_, use) => 100 + use));
    const prepared = await dataSource.query("select count(*)::int as n from pg_prepared_statements where statement = $1", [text]);
    expect(prepared).toEqual([{ n: 1 }]);
    await expect(
      dataSource.transaction(async (tx) => {
        await tx.query(text, [200, 'rolled back']);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await labels()).not.toContainEqual({ id: 200, label: 'rolled back' });
  });

  it('refuses a prepared select * whose table changed when it opens a transaction, instead of sending it again outside', async () => {
    await dataSource.query('insert into item (id, label) values (1, $1)', ['one']);
    const text = 'select * from item where id = $1';
    for (let use = 0; use < PREPARE_AFTER_USES + 1; use += 1) await dataSource.query(text, [1]);
    await dataSource.query('alter table item add column note text');
    try {
      await expect(dataSource.transaction((tx) => tx.query(text, [1]))).rejects.toMatchObject({ code: '0A000' });
      expect(await dataSource.query(text, [1])).toEqual([{ id: 1, label: 'one', note: null }]);
    } finally {
      await dataSource.query('alter table item drop column note');
    }
  });

  it('works the same through a query runner started and committed by hand (the outbox relay)', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const trips = await counted(async () => {
        await runner.startTransaction();
        await runner.query('insert into item (id, label) values ($1, $2)', [5, 'five']);
        await runner.commitTransaction();
        await runner.startTransaction();
        await runner.query('insert into item (id, label) values ($1, $2)', [6, 'six']);
        await runner.rollbackTransaction();
      });
      expect(trips).toBe(4);
    } finally {
      await runner.release();
    }
    expect(await labels()).toEqual([{ id: 5, label: 'five' }]);
  });

  describe('a statement sent with the commit', () => {
    const insert = 'insert into item (id, label) values ($1, $2)';

    it('goes out with the COMMIT: a transaction of one statement and one held is two round trips, and both commit', async () => {
      const trips = await counted(() =>
        dataSource.transaction(async (tx) => {
          await tx.query(insert, [1, 'one']);
          await sendWithCommit(tx, insert, [2, 'two']);
        }),
      );
      expect(trips).toBe(2);
      expect((await labels()).map((row) => row.label)).toEqual(['one', 'two']);
    });

    it('goes out with BEGIN and COMMIT in one round trip when it is all the transaction sends', async () => {
      expect(await counted(() => dataSource.transaction((tx) => sendWithCommit(tx, insert, [3, 'three'])))).toBe(1);
      expect(await labels()).toEqual([{ id: 3, label: 'three' }]);
    });

    it('fails the COMMIT when it fails: the transaction rolls back whole and the connection is idle again', async () => {
      await dataSource.query(insert, [4, 'four']);
      await expect(
        dataSource.transaction(async (tx) => {
          await tx.query(insert, [5, 'five']);
          await sendWithCommit(tx, insert, [4, 'again']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await labels()).toEqual([{ id: 4, label: 'four' }]);
      const [first, second] = [await transactionId(dataSource), await transactionId(dataSource)];
      expect(second).not.toBe(first);
    });

    it('runs before any statement sent after it, which gets its own answer', async () => {
      const affected = await dataSource.transaction(async (tx) => {
        await sendWithCommit(tx, insert, [6, 'six']);
        const [, updated] = (await tx.query('update item set label = $1 where id = $2', ['sáu', 6])) as [unknown, number];
        await sendWithCommit(tx, insert, [7, 'seven']);
        await tx.query("update item set label = label || '!' where id = 7");
        return updated;
      });
      expect(affected).toBe(1);
      expect(await labels()).toEqual([
        { id: 6, label: 'sáu' },
        { id: 7, label: 'seven!' },
      ]);
    });

    it('is dropped with a rollback, and nothing is sent for a transaction that only held it', async () => {
      const trips = await counted(() =>
        dataSource.transaction(async (tx) => {
          await sendWithCommit(tx, insert, [8, 'eight']);
          throw new Error('undo');
        }),
      );
      expect(trips).toBe(0);
      await dataSource.transaction(async (tx) => {
        await tx.query(insert, [9, 'nine']);
        await sendWithCommit(tx, insert, [10, 'ten']);
        await tx.query('select 1');
      });
      expect(await labels()).toEqual([
        { id: 9, label: 'nine' },
        { id: 10, label: 'ten' },
      ]);
      await expect(
        dataSource.transaction(async (tx) => {
          await tx.query(insert, [11, 'eleven']);
          await sendWithCommit(tx, insert, [12, 'twelve']);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect((await labels()).map((row) => row.id)).toEqual([9, 10]);
    });

    it("keeps the rows of a held statement out of the next statement's answer", async () => {
      const answer = await dataSource.transaction(async (tx) => {
        await sendWithCommit(tx, 'insert into item (id, label) values ($1, $2) returning id, label', [14, 'fourteen']);
        return tx.query('select label from item where id = $1', [14]);
      });
      expect(answer).toEqual([{ label: 'fourteen' }]);
    });

    it('is sent at once outside a transaction', async () => {
      expect(await counted(() => sendWithCommit(dataSource.manager, insert, [13, 'thirteen']))).toBe(1);
      expect(await labels()).toEqual([{ id: 13, label: 'thirteen' }]);
    });

    it('is held as a prepared statement once the text is prepared on the connection', async () => {
      const text = 'insert into item (label, id) values ($1, $2)';
      const trips: number[] = [];
      for (let use = 0; use < PREPARE_AFTER_USES + 3; use += 1) {
        trips.push(await counted(() => dataSource.transaction((tx) => sendWithCommit(tx, text, [`p${use}`, 300 + use]))));
      }
      // The use that prepares the text sends it on its own (so it is parsed), then the COMMIT; every other transaction is one round trip.
      expect(trips.filter((count) => count === 1)).toHaveLength(PREPARE_AFTER_USES + 2);
      expect((await labels()).map((row) => row.id)).toEqual(Array.from({ length: PREPARE_AFTER_USES + 3 }, (_, use) => 300 + use));
      expect(await dataSource.query('select count(*)::int as n from pg_prepared_statements where statement = $1', [text])).toEqual([{ n: 1 }]);
    });

    it('maps values as pg does: arrays, dates, objects and nulls arrive intact', async () => {
      await dataSource.query('create table if not exists kinds (id int primary key, tags text[], at timestamptz, doc jsonb, note text)');
      const at = new Date('2026-12-05T04:00:00.000Z');
      await dataSource.transaction(async (tx) => {
        await tx.query('select $1::int', [1]);
        await sendWithCommit(tx, 'insert into kinds (id, tags, at, doc, note) values ($1, $2, $3, $4, $5)', [1, ['a', 'b,c'], at, { x: [1, 'y'] }, null]);
      });
      expect(await dataSource.query('select id, tags, at, doc, note from kinds')).toEqual([{ id: 1, tags: ['a', 'b,c'], at, doc: { x: [1, 'y'] }, note: null }]);
    });
  });
});
