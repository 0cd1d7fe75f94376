import type { EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, dropSchema, loadRetentionSettings, migrateSchema, type PruneContext } from '@dtc/persistence';
import { databaseUrl, deleteTestTopics, eventually, newRunId, query, testKafka, householdRegistered } from '@dtc/testkit';
import type { Admin, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ConsumerRunner } from '../consumer/consumer.runner';
import { CreateInbox1763900000001 } from '../inbox/inbox.migration';
import { deadLetterTopic, ensureTopics, topicFor } from '../kafka/topics';
import { REPUBLISHED_HEADER } from '../outbox/outbox.republish';
import { CreateAppliedBatches1765100000001 } from './applied-batches.migration';
import { newEventsByOffsets, RecentBatches, recordAppliedBatch, RECENT_OFFSETS, type OffsetItem, type PartitionBatch } from './applied-batches';
import { appliedBatchesRetention } from './applied-batches.retention';

const runId = newRunId();
const schema = `t_${runId}_offsets`;
const prefix = `t-${runId}.`;
const topic = topicFor(prefix, 'household-registry.events');
const options = { url: databaseUrl(), schema, migrations: [CreateInbox1763900000001, CreateAppliedBatches1765100000001] };


const item = (offset: number, eventId: string = randomUUID(), resent = false): OffsetItem => ({ offset: String(offset), eventId, resent });

describe('deduplicating by offsets (Postgres)', () => {
  let dataSource: DataSource;
  const partitionOf = (consumer: string, partition = 0): PartitionBatch => ({ consumer, clusterId: 'cluster-a', topic: 'events', partition });
  const decide = async (batch: PartitionBatch, items: OffsetItem[]) => (await dataSource.transaction((tx) => newEventsByOffsets(tx, batch, items))).fresh;
  const applyBatch = async (batch: PartitionBatch, items: OffsetItem[], memory = new RecentBatches()) => {
    let remembered: (() => void) | undefined;
    const fresh = await dataSource.transaction(async (tx) => {
      const decision = await newEventsByOffsets(tx, batch, items, memory);
      const next = await recordAppliedBatch(tx, batch, items, [...decision.fresh], decision.position);
      if (next !== undefined) remembered = () => memory.remember(batch, decision, next, [...decision.fresh]);
      return decision.fresh;
    });
    remembered?.();
    return fresh;
  };

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('skips offsets below the position, ids seen in the recent offsets and ids twice in a batch; writes one row per batch', async () => {
    const batch = partitionOf('positions');
    const first = [item(0), item(1), item(2)];
    expect([...(await applyBatch(batch, first))]).toEqual(first.map((i) => i.eventId));
    const redelivered = item(2, first[2].eventId);
    const relayCopy = item(4, first[0].eventId);
    const fresh = item(3);
    const twice = item(5, fresh.eventId);
    expect([...(await applyBatch(batch, [redelivered, fresh, relayCopy, twice]))]).toEqual([fresh.eventId]);
    expect(await query(`select first_offset::int, next_offset::int, cardinality(event_ids) as ids from "${schema}".applied_batches where consumer = 'positions' order by next_offset`)).toEqual([
      { first_offset: 0, next_offset: 3, ids: 3 },
      { first_offset: 2, next_offset: 6, ids: 1 },
    ]);
    expect(await query(`select 1 from "${schema}".inbox`)).toEqual([]);
  });

  it('moves the position past a batch of copies only (an empty row), and writes nothing for a batch wholly below it', async () => {
    const batch = partitionOf('copies-only');
    const originals = [item(0), item(1)];
    await applyBatch(batch, originals);
    expect([...(await applyBatch(batch, [item(2, originals[0].eventId), item(3, originals[1].eventId)]))]).toEqual([]);
    expect([...(await applyBatch(batch, [item(1, originals[1].eventId)]))]).toEqual([]);
    expect(await query(`select first_offset::int, next_offset::int, cardinality(event_ids) as ids from "${schema}".applied_batches where consumer = 'copies-only' order by next_offset`)).toEqual([
      { first_offset: 0, next_offset: 2, ids: 2 },
      { first_offset: 2, next_offset: 4, ids: 0 },
    ]);
  });

  it('applies an id seen again beyond the recent offsets (a new event cannot be told from it), but not a re-sent one: that is checked against every applied id', async () => {
    const batch = partitionOf('window');
    const early = item(0);
    await applyBatch(batch, [early]);
    const far = Number(RECENT_OFFSETS) + 10;
    await applyBatch(batch, [item(far)]);
    expect([...(await decide(batch, [item(far + 1, early.eventId, true)]))]).toEqual([]);
    // The bound is what makes the check cheap; an id re-sent without the header beyond it counts as new.
    expect([...(await decide(batch, [item(far + 1, early.eventId)]))]).toEqual([early.eventId]);
  });

  it('remembers the batches it applied, so copies are caught in the process, and still catches every copy once another applier moved the partition', async () => {
    const batch = partitionOf('memory');
    const memory = new RecentBatches();
    await applyBatch(batch, [item(0)], memory);
    // Beyond the first contact's window the memory alone covers the recent ids: Postgres checks only rows after the position.
    const late = item(Number(RECENT_OFFSETS) + 100);
    await applyBatch(batch, [late], memory);
    expect([...(await applyBatch(batch, [item(Number(RECENT_OFFSETS) + 101, late.eventId)], memory))]).toEqual([]);
    // Another applier (a second instance, a rebuild's switch) records a batch: the memory no longer holds.
    const elsewhere = item(Number(RECENT_OFFSETS) + 200);
    await applyBatch(batch, [elsewhere]);
    const fresh = item(Number(RECENT_OFFSETS) + 202);
    const copies = [item(Number(RECENT_OFFSETS) + 201, elsewhere.eventId), fresh, item(Number(RECENT_OFFSETS) + 203, late.eventId)];
    expect([...(await applyBatch(batch, copies, memory))]).toEqual([fresh.eventId]);
  });

  it('checks every applied id while a partition has no position on this cluster (a new cluster, an inbox moved in)', async () => {
    const onA = partitionOf('clusters');
    const applied = item(7);
    await applyBatch(onA, [applied]);
    const onB = { ...onA, clusterId: 'cluster-b' };
    const newcomer = item(0);
    // Offset 0 is below cluster A's position, but positions on another cluster mean nothing here.
    expect([...(await decide(onB, [item(1, applied.eventId), newcomer]))]).toEqual([newcomer.eventId]);
  });

  it('moves an inbox into rows of no partition, so ids applied before the switch are still known', async () => {
    const moved = `${schema}_moved`;
    const movedOptions = { url: databaseUrl(), schema: moved, migrations: [CreateInbox1763900000001] };
    const movedSource = createServiceDataSource(movedOptions);
    try {
      await migrateSchema(movedOptions, movedSource);
      const known = [randomUUID(), randomUUID()];
      await movedSource.query(`insert into inbox (consumer, event_id) select 'before', unnest($1::uuid[])`, [known]);
      await movedSource.destroy();
      const upgraded = { ...movedOptions, migrations: [CreateInbox1763900000001, CreateAppliedBatches1765100000001] };
      const upgradedSource = createServiceDataSource(upgraded);
      await migrateSchema(upgraded, upgradedSource);
      try {
        const newcomer = item(1);
        const { fresh } = await upgradedSource.transaction((tx) => newEventsByOffsets(tx, { ...partitionOf('before'), clusterId: 'any' }, [item(0, known[1]), newcomer]));
        expect([...fresh]).toEqual([newcomer.eventId]);
        expect(await query(`select count(*)::int as n from "${moved}".inbox`)).toEqual([{ n: 0 }]);
      } finally {
        await upgradedSource.destroy();
      }
    } finally {
      if (movedSource.isInitialized) await movedSource.destroy();
      await dropSchema(databaseUrl(), moved);
    }
  });

  it('prunes batches older than INBOX_RETENTION_DAYS but never a partition\'s newest (its position), however old', async () => {
    const now = new Date((await query<{ now: Date }>('select now()'))[0].now);
    const context: PruneContext = { settings: loadRetentionSettings('test', {}), now, batchSize: 2, dryRun: false };
    const add = (partition: number, nextOffset: number, daysAgo: number) =>
      dataSource.query(`insert into applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids, applied_at) values ('pruned', 'c', 't', $1, $2 - 1, $2, $3::uuid[], $4)`, [
        partition,
        nextOffset,
        [randomUUID()],
        new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
      ]);
    for (const next of [1, 2, 3]) await add(0, next, 40);
    await add(0, 4, 1);
    await add(1, 9, 400); // a quiet partition: its only row is its position
    expect(await appliedBatchesRetention.pending(dataSource, context)).toBe(3);
    expect(await appliedBatchesRetention.prune(dataSource, context)).toBe(3);
    expect(await appliedBatchesRetention.prune(dataSource, context)).toBe(0);
    expect(await query(`select partition, next_offset::int from "${schema}".applied_batches where consumer = 'pruned' order by partition`)).toEqual([
      { partition: 0, next_offset: 4 },
      { partition: 1, next_offset: 9 },
    ]);
    // The 400-day-old position does not count as waiting (other tests' recent rows share the table).
    expect((await appliedBatchesRetention.oldestAgeSeconds(dataSource, context)) ?? 0).toBeLessThan(86400);
  });

  it('holds the partition: a second transaction on it waits, then sees what the first applied', async () => {
    const batch = partitionOf('held');
    const shared = [item(0), item(1)];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const firstApply = dataSource.transaction(async (tx: EntityManager) => {
      const { fresh, position } = await newEventsByOffsets(tx, batch, shared);
      await recordAppliedBatch(tx, batch, shared, [...fresh], position);
      holding();
      await released;
      return fresh;
    });
    await held;
    let secondDone = false;
    const secondApply = applyBatch(batch, [...shared, item(2)]).then((fresh) => {
      secondDone = true;
      return fresh;
    });
    // The second waits on the first's hold (proved by its lock wait in pg_locks), not by time.
    await eventually(async () => expect(await query(`select 1 from pg_locks where locktype = 'advisory' and not granted and classid = hashtext('${schema}|held|events')::oid and objid = 0`)).not.toEqual([]));
    expect(secondDone).toBe(false);
    release();
    expect((await firstApply).size).toBe(2);
    expect([...(await secondApply)]).toHaveLength(1);
  });
});

describe('consumer runner deduplicating by offsets (Postgres + Kafka)', () => {
  let dataSource: DataSource;
  let producer: Producer;
  let admin: Admin;
  const name = 'offsets-under-test';
  const counted = { applied: 0, duplicates: 0 };
  const runnerSchema = `${schema}_runner`;
  const runnerOptions = { ...options, schema: runnerSchema };

  const runner = () =>
    new ConsumerRunner({
      name,
      groupId: `${prefix}${name}`,
      topics: [topic],
      deadLetterTopic: deadLetterTopic(prefix, name),
      kafka: testKafka(),
      producer,
      dataSource,
      maxRetries: 2,
      deduplicates: 'offsets',
      clusterId: 'test-cluster',
      onApplied: (applied, duplicates) => {
        counted.applied += applied;
        counted.duplicates += duplicates;
      },
      handle: async (events, tx) => {
        await tx.query('insert into applied (event_id) select unnest($1::uuid[])', [events.map((event) => event.id)]);
      },
    });

  const applied = async () => (await query<{ event_id: string }>(`select event_id from "${runnerSchema}".applied`)).map((row) => row.event_id);

  beforeAll(async () => {
    dataSource = createServiceDataSource(runnerOptions);
    await migrateSchema(runnerOptions, dataSource);
    await dataSource.query('create table applied (event_id uuid not null)');
    const kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic, deadLetterTopic(prefix, name)], 1);
    producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), runnerSchema);
    await dropSchema(databaseUrl(), schema);
    await deleteTestTopics(runId);
  });

  it('applies each event once through a relay copy, a replay of the whole partition and a republished copy, writing no inbox rows', async () => {
    const [first, second, barrier, last] = [householdRegistered(), householdRegistered(), householdRegistered(), householdRegistered()];
    const message = (event: EventEnvelope, headers: Record<string, string> = {}) => ({ key: 'one-partition', value: JSON.stringify(event), headers: { ce_id: event.id, ...headers } });
    await producer.send({ topic, messages: [message(first), message(second)] });
    await producer.send({ topic, messages: [message(first)] });
    await producer.send({ topic, messages: [message(barrier)] });
    const consumer = runner();
    await consumer.start();
    try {
      await eventually(async () => expect(await applied()).toContain(barrier.id));
    } finally {
      await consumer.stop();
    }
    expect(counted).toEqual({ applied: 3, duplicates: 1 });
    // The whole partition again (an operator rewinding the group), then a republished copy.
    await admin.resetOffsets({ groupId: `${prefix}${name}`, topic, earliest: true });
    await producer.send({ topic, messages: [message(second, { [REPUBLISHED_HEADER]: 'true' }), message(last)] });
    const replaying = runner();
    await replaying.start();
    try {
      await eventually(async () => expect(await applied()).toContain(last.id));
    } finally {
      await replaying.stop();
    }
    expect((await applied()).sort()).toEqual([first.id, second.id, barrier.id, last.id].sort());
    expect(counted).toEqual({ applied: 4, duplicates: 1 + 4 + 1 });
    expect(await query(`select 1 from "${runnerSchema}".inbox`)).toEqual([]);
    const [{ position }] = await query<{ position: number }>(`select max(next_offset)::int as position from "${runnerSchema}".applied_batches where consumer = $1`, [name]);
    expect(position).toBe(6);
  });
});
