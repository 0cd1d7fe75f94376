import { HouseholdRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import { collectTopic, databaseUrl, deleteTestTopics, eventually, newRunId, query, testKafka, householdRegistered } from '@dtc/testkit';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ensureTopics, topicFor } from '../kafka/topics';
import { CreateOutbox1763900000000 } from './outbox.migration';
import { OutboxRelay } from './outbox.relay';
import { outboxChannel, OutboxWriter } from './outbox.writer';

// Integration: the real Postgres and Kafka started by `npm test` (tools/infra).
const runId = newRunId();
const schema = `t_${runId}_outbox`;
const prefix = `t-${runId}.`;
const topic = topicFor(prefix, 'household-registry.events');
const options = { url: databaseUrl(), schema, migrations: [CreateOutbox1763900000000] };


describe('outbox relay (Postgres + Kafka)', () => {
  let dataSource: DataSource;
  let producer: Producer;
  const writer = new OutboxWriter(prefix);
  const relays: OutboxRelay[] = [];

  const relay = (pollIntervalMs = 200) => {
    const instance = new OutboxRelay({ dataSource, databaseUrl: databaseUrl(), schema, producer, batchSize: 50, pollIntervalMs });
    relays.push(instance);
    return instance;
  };

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], 3);
    await admin.disconnect();
    producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
    await deleteTestTopics(runId);
  });

  it('publishes committed events with the aggregate id as key and CloudEvents headers, and marks them sent', async () => {
    const events = [householdRegistered(), householdRegistered()];
    await dataSource.transaction((tx) => writer.append(tx, events));
    const reader = await collectTopic(topic, `${prefix}probe-${randomUUID()}`);
    await relay().start();
    try {
      const received = await eventually(() => {
        const mine = reader.messages.filter((m) => events.some((e) => e.id === m.message.headers?.ce_id?.toString()));
        expect(mine).toHaveLength(2);
        return mine;
      });
      for (const { message } of received) {
        const envelope = JSON.parse(message.value!.toString()) as EventEnvelope;
        expect(message.key!.toString()).toBe(envelope.subject);
        expect(message.headers?.ce_tenant?.toString()).toBe('09955');
        expect(message.headers?.ce_type?.toString()).toBe(HouseholdRegisteredV1.type);
      }
      await eventually(async () => {
        const [row] = await query<{ pending: number }>(`select count(*)::int as pending from "${schema}".outbox where published_at is null`);
        expect(row.pending).toBe(0);
      });
    } finally {
      await reader.stop();
    }
  });

  it('never publishes events of a rolled-back transaction', async () => {
    const rolledBack = householdRegistered();
    await expect(
      dataSource.transaction(async (tx) => {
        await writer.append(tx, [rolledBack]);
        throw new Error('business rule failed after the write');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await query(`select 1 from "${schema}".outbox where event_id = $1`, [rolledBack.id]);
    expect(rows).toHaveLength(0);
  });

  it('refuses to write an event that fails its schema', async () => {
    const bad = { ...householdRegistered(), data: { householdId: 'not-a-uuid' } } as EventEnvelope;
    await expect(dataSource.transaction((tx) => writer.append(tx, [bad]))).rejects.toThrow(/invalid/);
  });

  it('with two relays running, publishes every event exactly once', async () => {
    const events = Array.from({ length: 120 }, () => householdRegistered());
    const reader = await collectTopic(topic, `${prefix}probe-${randomUUID()}`);
    await Promise.all([relay().start(), relay().start()]);
    try {
      for (let i = 0; i < events.length; i += 10) {
        await dataSource.transaction((tx) => writer.append(tx, events.slice(i, i + 10)));
      }
      const ids = new Set(events.map((e) => e.id));
      await eventually(() => expect(reader.messages.filter((m) => ids.has(m.message.headers!.ce_id!.toString()))).toHaveLength(events.length));
      const seen = reader.messages.map((m) => m.message.headers!.ce_id!.toString()).filter((id) => ids.has(id));
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await reader.stop();
    }
  });

  it('claims nothing while another instance holds the publishing turn, and publishes once it is free', async () => {
    const event = householdRegistered();
    await dataSource.transaction((tx) => writer.append(tx, [event]));
    const publisher = relay();
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`outbox-relay:${schema}`]);
      expect(await publisher.publishBatch()).toBe(0);
      const [row] = await query<{ published: boolean }>(`select published_at is not null as published from "${schema}".outbox where event_id = $1`, [event.id]);
      expect(row.published).toBe(false);
      await holder.commitTransaction();
      // Earlier tests' rows may go in the same round: this event is among what it publishes.
      expect(await publisher.publishBatch()).toBeGreaterThanOrEqual(1);
      const [after] = await query<{ published: boolean }>(`select published_at is not null as published from "${schema}".outbox where event_id = $1`, [event.id]);
      expect(after.published).toBe(true);
    } finally {
      await holder.release();
    }
  });

  // A relay that would otherwise look again only after a minute: what wakes it is the commit.
  const idleRelay = async () => {
    const instance = relay(60000);
    await instance.start();
    return instance;
  };
  const publishedIds = async (ids: string[]) =>
    (await query<{ event_id: string }>(`select event_id from "${schema}".outbox where published_at is not null and event_id = any($1::uuid[])`, [ids])).map((row) => row.event_id);

  it('is woken by the commit of the process that wrote, not by a signal inside the transaction', async () => {
    const instance = await idleRelay();
    const stopNudging = writer.onCommitted(() => instance.nudge());
    try {
      const events = [householdRegistered(), householdRegistered()];
      let seenInside: string[] = [];
      await dataSource.transaction(async (tx) => {
        await writer.append(tx, events);
        // Still uncommitted: the relay must not have been woken into an empty round that is then done.
        seenInside = await publishedIds(events.map((event) => event.id));
      });
      expect(seenInside).toEqual([]);
      await eventually(async () => expect((await publishedIds(events.map((event) => event.id))).sort()).toEqual(events.map((event) => event.id).sort()), { timeoutMs: 15000 });
    } finally {
      stopNudging();
    }
  });

  it("is woken by another instance's notice after its commit", async () => {
    await idleRelay();
    const events = [householdRegistered()];
    // Written by "another instance": nothing in this process is told of the commit.
    await dataSource.transaction((tx) => new OutboxWriter(prefix).append(tx, events));
    await query(`select pg_notify($1, 'another-instance')`, [outboxChannel(schema)]);
    await eventually(async () => expect(await publishedIds([events[0].id])).toEqual([events[0].id]), { timeoutMs: 15000 });
  });
});
