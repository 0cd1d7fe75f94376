import { CreateAppliedBatches1765100000001, CreateInbox1763900000001 } from '@dtc/messaging';
import { createServiceDataSource, migrateSchema } from '@dtc/persistence';
import { databaseUrl, dropTestSchemas, newRunId, query } from '@dtc/testkit';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { liveEventsNotRebuilt, partitionsBehind } from './catch-up';

const runId = newRunId();
const live = `t_${runId}_live`;
const rebuilt = `t_${runId}_rebuilt`;
const consumer = 'reporting-projections';

/** One applied batch of `schema`, on partition `partition` of topic 't', offsets [first, next). */
const batch = (schema: string, partition: number, first: number, next: number, ids: string[], appliedAt = 'now()') =>
  query(`insert into "${schema}".applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids, applied_at) values ($1, 'c', 't', $2, $3, $4, $5::uuid[], ${appliedAt})`, [
    consumer,
    partition,
    first,
    next,
    ids,
  ]);

describe("the rebuild's switch checks (Postgres)", () => {
  const control = new Client({ connectionString: databaseUrl() });
  let since: Date;
  const ids = (count: number) => Array.from({ length: count }, () => randomUUID());

  beforeAll(async () => {
    for (const schema of [live, rebuilt]) {
      const options = { url: databaseUrl(), schema, migrations: [CreateInbox1763900000001, CreateAppliedBatches1765100000001] };
      const dataSource = createServiceDataSource(options);
      await migrateSchema(options, dataSource);
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await control.connect();
  });

  afterAll(async () => {
    await control.end();
    await dropTestSchemas(runId);
  });

  beforeEach(async () => {
    for (const schema of [live, rebuilt]) await query(`delete from "${schema}".applied_batches`);
    // Live batches before the rebuild started are the replay's (it reads up to the end offsets taken after `since`).
    await batch(live, 0, 0, 100, ids(100), "now() - interval '1 hour'");
    since = new Date(Date.now() - 60_000);
  });

  it('waits while the new generation has not read a live partition as far as the live one, then finds every live id among its batches', async () => {
    const before = ids(100);
    const during = [ids(3), ids(4)];
    await batch(rebuilt, 0, 0, 100, before);
    await batch(live, 0, 100, 103, during[0]);
    await batch(live, 1, 0, 4, during[1]);
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(2);
    // The replay's batches are cut elsewhere than the live ones.
    await batch(rebuilt, 0, 100, 102, during[0].slice(0, 2));
    await batch(rebuilt, 1, 0, 4, during[1]);
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(1);
    await batch(rebuilt, 0, 102, 110, [during[0][2], ...ids(5)]);
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(0);
    expect(await liveEventsNotRebuilt(control, live, rebuilt, consumer, since)).toEqual([]);
  });

  it('finds an event the live generation applied as a re-sent copy where the replay applied its original, earlier', async () => {
    const original = randomUUID();
    // The live generation dead-lettered the original at offset 50 and applied its replayed copy at 120.
    await batch(rebuilt, 0, 0, 100, [original, ...ids(10)]);
    await batch(live, 0, 120, 121, [original]);
    await batch(rebuilt, 0, 100, 121, ids(3));
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(0);
    expect(await liveEventsNotRebuilt(control, live, rebuilt, consumer, since)).toEqual([]);
  });

  it('names the live events the new generation read past without applying', async () => {
    const lost = randomUUID();
    const applied = ids(2);
    await batch(live, 0, 100, 103, [...applied, lost]);
    await batch(rebuilt, 0, 0, 103, applied);
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(0);
    expect(await liveEventsNotRebuilt(control, live, rebuilt, consumer, since)).toEqual([lost]);
  });

  it('reads no live partition of another cluster as caught up', async () => {
    await query(`insert into "${live}".applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids) values ($1, 'other', 't', 0, 0, 5, $2::uuid[])`, [consumer, ids(1)]);
    await batch(rebuilt, 0, 0, 200, ids(1));
    expect(await partitionsBehind(control, live, rebuilt, consumer, since)).toBe(1);
  });
});
