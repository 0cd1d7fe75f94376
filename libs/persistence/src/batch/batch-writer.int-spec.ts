import { countStatements, databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from '../data-source';
import { BatchWriter, type MergeableUpsert } from './batch-writer';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_batchwriter`;
const options = { url: databaseUrl(), schema, migrations: [] };

const PERSON: MergeableUpsert = {
  table: 'person',
  columns: ['id', 'first_town', 'town'],
  onConflict: 'on conflict (id) do update set town = excluded.town',
  repeatedKey: 'in-turn',
};
const PLACE: MergeableUpsert = { table: 'place', columns: ['id', 'name'], onConflict: 'on conflict (id) do nothing', repeatedKey: 'skip' };
const PLACE_RENAMED: MergeableUpsert = { ...PLACE, onConflict: 'on conflict (id) do update set name = excluded.name', repeatedKey: 'in-turn' };

describe('BatchWriter (Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query(`create table "${schema}".person (id text primary key, first_town text not null, town text not null, moved int not null default 0)`);
    await dataSource.query(`create table "${schema}".place (id text primary key, name text not null)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  beforeEach(() => dataSource.query(`truncate "${schema}".person, "${schema}".place`));

  /** Runs the writes in one transaction and counts the statements they sent. */
  async function written(writes: (writer: BatchWriter) => Promise<void>): Promise<number> {
    let statements = 0;
    await dataSource.transaction(async (tx) => {
      const writer = new BatchWriter(countStatements(tx, () => (statements += 1)));
      await writes(writer);
      await writer.flush();
    });
    return statements;
  }

  const people = () => dataSource.query(`select id, first_town, town, moved from "${schema}".person order by id`);
  const places = () => dataSource.query(`select id, name from "${schema}".place order by id`);

  it("writes many events' rows with one statement per table, whatever their interleaving", async () => {
    const statements = await written(async (writer) => {
      for (let n = 0; n < 30; n += 1) {
        await writer.upsert(PLACE, `v${n % 3}`, [`v${n % 3}`, `village ${n % 3}`]);
        await writer.upsert(PERSON, `p${String(n).padStart(2, '0')}`, [`p${String(n).padStart(2, '0')}`, `v${n % 3}`, `v${n % 3}`]);
      }
    });
    expect(statements).toBe(2);
    expect(await places()).toEqual([0, 1, 2].map((n) => ({ id: `v${n}`, name: `village ${n}` })));
    const rows = await people();
    expect(rows).toHaveLength(30);
    expect(rows[7]).toEqual({ id: 'p07', first_town: 'v1', town: 'v1', moved: 0 });
  });

  it('applies a repeated key of an update in turn, as one statement per event would', async () => {
    await written(async (writer) => {
      await writer.upsert(PERSON, 'p1', ['p1', 'hanoi', 'hanoi']);
      await writer.upsert(PERSON, 'p1', ['p1', 'hue', 'hue']);
      await writer.upsert(PERSON, 'p1', ['p1', 'vinh', 'vinh']);
    });
    // The insert-only column keeps the first event's value; the updated one the last event's.
    expect(await people()).toEqual([{ id: 'p1', first_town: 'hanoi', town: 'vinh', moved: 0 }]);
  });

  it('keeps the first row of a repeated key when the statement does nothing on conflict', async () => {
    const statements = await written(async (writer) => {
      await writer.upsert(PLACE, 'v1', ['v1', 'first']);
      await writer.upsert(PLACE, 'v1', ['v1', 'second']);
    });
    expect(statements).toBe(1);
    expect(await places()).toEqual([{ id: 'v1', name: 'first' }]);
  });

  it('writes what is pending before another statement or another upsert of the same table', async () => {
    await written(async (writer) => {
      await writer.upsert(PERSON, 'p1', ['p1', 'hanoi', 'hanoi']);
      await writer.query(`update "${schema}".person set moved = moved + 1 where id = $1`, ['p1']);
      await writer.upsert(PLACE, 'v1', ['v1', 'old name']);
      await writer.upsert(PLACE_RENAMED, 'v1', ['v1', 'new name']);
      await writer.upsert(PLACE, 'v1', ['v1', 'ignored']);
    });
    expect(await people()).toEqual([{ id: 'p1', first_town: 'hanoi', town: 'hanoi', moved: 1 }]);
    expect(await places()).toEqual([{ id: 'v1', name: 'new name' }]);
  });
});
