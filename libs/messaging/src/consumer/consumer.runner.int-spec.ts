import { CommuneOnboardedV1, createEvent, TeamFormedV1, type EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import { collectTopic, databaseUrl, deleteTestTopics, eventually, newRunId, query, testKafka, householdRegistered } from '@dtc/testkit';
import { randomUUID } from 'node:crypto';
import type { Admin, Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { CreateInbox1763900000001 } from '../inbox/inbox.migration';
import { deadLetterTopic, ensureTopics, topicFor } from '../kafka/topics';
import { REPUBLISHED_HEADER } from '../outbox/outbox.republish';
import { ConsumerRunner } from './consumer.runner';
import { RejectedEventsError } from './rejected-events';

class CreateAppliedTable1700000000000 implements MigrationInterface {
  name = 'CreateAppliedTable1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('create table applied (event_id uuid not null, household_id uuid not null)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table applied');
  }
}

const runId = newRunId();
const schema = `t_${runId}_consumer`;
const prefix = `t-${runId}.`;
const topic = topicFor(prefix, 'household-registry.events');
const options = { url: databaseUrl(), schema, migrations: [CreateInbox1763900000001, CreateAppliedTable1700000000000] };


const asMessage = (event: EventEnvelope, key = event.subject) => ({ key, value: JSON.stringify(event), headers: { ce_id: event.id } });

describe('consumer runner (Postgres + Kafka)', () => {
  let dataSource: DataSource;
  let producer: Producer;
  let admin: Admin;
  let runner: ConsumerRunner | undefined;
  const poisonIds = new Set<string>();
  // Events the handler refuses on purpose (as rememberCommunes does on a province mismatch).
  const refusedIds = new Set<string>();
  const judged: string[] = [];
  const rejections: string[] = [];
  // Events whose handler waits at most 50 ms for the gate row (which a test may hold locked).
  const gatedIds = new Set<string>();
  const lockTimeouts: string[] = [];
  const errors: Error[] = [];
  const name = 'projection-under-test';

  const applied = async () => (await query<{ event_id: string }>(`select event_id from "${schema}".applied`)).map((r) => r.event_id);

  const startRunner = async () => {
    runner = new ConsumerRunner({
      name,
      groupId: `${prefix}${name}`,
      topics: [topic],
      deadLetterTopic: deadLetterTopic(prefix, name),
      kafka: testKafka(),
      producer,
      dataSource,
      maxRetries: 2,
      transientBackoffMs: { initial: 50, max: 400 },
      onError: (error) => errors.push(error),
      onRejected: (reason) => rejections.push(reason),
      handle: async (events, tx) => {
        judged.push(...events.map((event) => event.id));
        const refused = events.filter((event) => refusedIds.has(event.id));
        if (refused.length > 0) throw new RejectedEventsError('province_mismatch', new Map(refused.map((event) => [event.id, `forged ${event.id}`])));
        for (const event of events) {
          if (poisonIds.has(event.id)) throw new Error(`handler cannot apply ${event.id}`);
          if (gatedIds.has(event.id)) {
            await tx.query("set local lock_timeout = '50ms'");
            try {
              await tx.query('select id from gate where id = 1 for update');
            } catch (error) {
              lockTimeouts.push(event.id);
              throw error;
            }
          }
          await tx.query('insert into applied (event_id, household_id) values ($1, $2)', [event.id, (event.data as { householdId?: string }).householdId ?? event.id]);
        }
      },
    });
    await runner.start();
  };

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    await dataSource.query('create table gate (id int primary key)');
    await dataSource.query('insert into gate (id) values (1)');
    const kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic, deadLetterTopic(prefix, name)], 3);
    producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    await startRunner();
  });

  afterAll(async () => {
    await runner?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
    await deleteTestTopics(runId);
  });

  it('applies each event once even when it is delivered twice at different offsets', async () => {
    const first = householdRegistered();
    const second = householdRegistered();
    await producer.send({ topic, messages: [asMessage(first), asMessage(second)] });
    await producer.send({ topic, messages: [asMessage(first)] });
    const barrier = householdRegistered();
    await producer.send({ topic, messages: [asMessage(barrier, first.subject)] });
    // The barrier follows first's copy on its partition; second has a partition of its own, so wait for it too.
    await eventually(async () => expect(await applied()).toEqual(expect.arrayContaining([barrier.id, second.id])));
    const ids = await applied();
    expect(ids.filter((id) => id === first.id)).toHaveLength(1);
    expect(ids.filter((id) => id === second.id)).toHaveLength(1);
  });

  it('leaves deduplication to a handler that asks for it: no inbox rows, each event applied once, the ones it skipped counted as duplicates', async () => {
    await dataSource.query('create table if not exists keyed (event_id uuid primary key)');
    const keyedName = 'keyed-under-test';
    // A topic of its own: the other tests' redeliveries would count here too.
    const keyedTopic = topicFor(`${prefix}keyed.`, 'household-registry.events');
    await ensureTopics(admin, [keyedTopic, deadLetterTopic(prefix, keyedName)], 3);
    const counted = { applied: 0, duplicates: 0 };
    const keyed = new ConsumerRunner({
      name: keyedName,
      groupId: `${prefix}${keyedName}`,
      topics: [keyedTopic],
      deadLetterTopic: deadLetterTopic(prefix, keyedName),
      kafka: testKafka(),
      producer,
      dataSource,
      maxRetries: 2,
      deduplicates: 'handler',
      onApplied: (count, duplicates) => {
        counted.applied += count;
        counted.duplicates += duplicates;
      },
      handle: async (events, tx) => {
        const ids = events.map((event) => event.id);
        const present = (await tx.query('select event_id from keyed where event_id = any($1::uuid[])', [ids])) as Array<{ event_id: string }>;
        const alreadyApplied = new Set(present.map((row) => row.event_id));
        await tx.query('insert into keyed (event_id) select unnest($1::uuid[])', [ids.filter((id) => !alreadyApplied.has(id))]);
        return { alreadyApplied };
      },
    });
    const first = householdRegistered();
    const barrier = householdRegistered();
    // Applied before this consumer started (as a feed holds what it appended): only the handler knows.
    const earlier = householdRegistered();
    await dataSource.query(`insert into keyed (event_id) values ($1)`, [earlier.id]);
    await producer.send({ topic: keyedTopic, messages: [asMessage(earlier, first.subject), asMessage(first)] });
    await producer.send({ topic: keyedTopic, messages: [asMessage(first)] });
    await producer.send({ topic: keyedTopic, messages: [asMessage(barrier, first.subject)] });
    await keyed.start();
    try {
      await eventually(async () => expect((await query(`select 1 from "${schema}".keyed where event_id = $1`, [barrier.id])).length).toBe(1));
      expect(await query(`select event_id from "${schema}".keyed where event_id = $1`, [first.id])).toHaveLength(1);
      expect(await query(`select 1 from "${schema}".inbox where consumer = $1`, [keyedName])).toEqual([]);
      // One partition (one key), so the barrier comes last: the earlier event and the first's second delivery are the duplicates.
      expect(counted).toEqual({ applied: 2, duplicates: 2 });
    } finally {
      await keyed.stop();
    }
  });

  it('sends an event failing its schema to the dead-letter topic and keeps the partition flowing', async () => {
    const key = randomUUID();
    const invalid = { ...householdRegistered(), data: { householdId: 'not-a-uuid' } };
    const after = householdRegistered();
    await producer.send({ topic, messages: [{ key, value: JSON.stringify(invalid) }, asMessage(after, key), { key, value: 'not json' }] });
    await eventually(async () => expect(await applied()).toContain(after.id));
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const mine = dead.messages.filter((m) => m.message.key?.toString() === key);
        expect(mine).toHaveLength(2);
        expect(mine.map((m) => m.message.headers?.['dlt-error']?.toString()).join(' ')).toMatch(/householdId|not JSON/);
        expect(mine[0].message.headers?.['dlt-original-topic']?.toString()).toBe(topic);
      });
    } finally {
      await dead.stop();
    }
  });

  it("does not check the schema again of a message the relay published (validated when written), but does of one re-sent by hand", async () => {
    const key = randomUUID();
    // Valid ids, but the rest of the data missing: the schema refuses it, the handler can apply it.
    const incomplete = (): EventEnvelope => ({ ...householdRegistered(), data: { householdId: randomUUID() } });
    const relayed = incomplete();
    const republished = incomplete();
    const relayHeaders = (event: EventEnvelope) => ({ ce_id: event.id, ce_type: event.type });
    await producer.send({
      topic,
      messages: [
        { key, value: JSON.stringify(relayed), headers: relayHeaders(relayed) },
        { key, value: JSON.stringify(republished), headers: { ...relayHeaders(republished), [REPUBLISHED_HEADER]: 'old-cluster' } },
      ],
    });
    await eventually(async () => expect(await applied()).toContain(relayed.id));
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const mine = dead.messages.filter((m) => m.message.key?.toString() === key);
        expect(mine.map((m) => m.message.headers?.ce_id?.toString())).toEqual([republished.id]);
        expect(mine[0].message.headers?.['dlt-error']?.toString()).toMatch(/is invalid/);
      });
    } finally {
      await dead.stop();
    }
    expect(await applied()).not.toContain(republished.id);
  });

  it('dead-letters an event the handler keeps failing on, applies the rest of its batch', async () => {
    const key = randomUUID();
    const poison = householdRegistered();
    poisonIds.add(poison.id);
    const good = householdRegistered();
    await producer.send({ topic, messages: [asMessage(poison, key), asMessage(good, key)] });
    await eventually(async () => expect(await applied()).toContain(good.id));
    expect(await applied()).not.toContain(poison.id);
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const mine = dead.messages.filter((m) => m.message.headers?.ce_id?.toString() === poison.id);
        expect(mine).toHaveLength(1);
        expect(mine[0].message.headers?.['dlt-error']?.toString()).toContain('handler cannot apply');
      });
    } finally {
      await dead.stop();
    }
  });

  it('dead-letters an event the handler refuses at once, with its reason, and applies the rest of its batch', async () => {
    const key = randomUUID();
    const forged = householdRegistered();
    refusedIds.add(forged.id);
    const [before, after] = [householdRegistered(), householdRegistered()];
    const rejectionsBefore = rejections.length;
    await producer.send({ topic, messages: [asMessage(before, key), asMessage(forged, key), asMessage(after, key)] });
    await eventually(async () => expect(await applied()).toEqual(expect.arrayContaining([before.id, after.id])));
    expect(await applied()).not.toContain(forged.id);
    // Judged once, not retried like a failure: the verdict would not change.
    expect(judged.filter((id) => id === forged.id)).toHaveLength(1);
    expect(rejections.slice(rejectionsBefore)).toEqual(['province_mismatch']);
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const mine = dead.messages.filter((m) => m.message.headers?.ce_id?.toString() === forged.id);
        expect(mine).toHaveLength(1);
        expect(mine[0].message.headers?.['dlt-reason']?.toString()).toBe('province_mismatch');
        expect(mine[0].message.headers?.['dlt-error']?.toString()).toContain(`forged ${forged.id}`);
        expect(mine[0].message.headers?.['dlt-attempts']?.toString()).toBe('1');
      });
    } finally {
      await dead.stop();
    }
  });

  it("dead-letters, unapplied, an event on another stream's topic or from another producer (wrong_stream)", async () => {
    const commune = createEvent(CommuneOnboardedV1, { tenant: '09955', province: '38', subject: '09955', time: new Date() }, { ...CommuneOnboardedV1.example, communeCode: '09955' });
    const team = createEvent(TeamFormedV1, { tenant: '09955', province: '38', subject: randomUUID(), time: new Date() }, TeamFormedV1.example);
    const spoofed = { ...householdRegistered(), source: '/dtc/training' };
    const after = householdRegistered();
    const rejectionsBefore = rejections.length;
    // The registry's topic is the right one for the onboarding: only the other two are foreign.
    await producer.send({ topic, messages: [asMessage(team, 'k'), asMessage(spoofed, 'k'), asMessage(commune, 'k'), asMessage(after, 'k')] });
    await eventually(async () => expect(await applied()).toContain(after.id));
    expect(judged).not.toEqual(expect.arrayContaining([team.id]));
    expect(judged).not.toEqual(expect.arrayContaining([spoofed.id]));
    expect(judged).toContain(commune.id);
    expect(rejections.slice(rejectionsBefore)).toEqual(['wrong_stream', 'wrong_stream']);
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const reasons = dead.messages.filter((m) => [team.id, spoofed.id].includes(m.message.headers?.ce_id?.toString() ?? '')).map((m) => m.message.headers?.['dlt-reason']?.toString());
        expect(reasons).toEqual(['wrong_stream', 'wrong_stream']);
      });
    } finally {
      await dead.stop();
    }
  });

  it('commits offsets only after applying, so a restarted consumer resumes without reprocessing', async () => {
    const event = householdRegistered();
    await producer.send({ topic, messages: [asMessage(event)] });
    await eventually(async () => expect(await applied()).toContain(event.id));
    await eventually(async () => {
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: `${prefix}${name}`, topics: [topic] })]);
      for (const end of ends) {
        const done = committed[0].partitions.find((p) => p.partition === end.partition)!.offset;
        expect(Number(done === '-1' ? end.low : done)).toBe(Number(end.high));
      }
    });
    const before = (await applied()).length;
    await runner!.stop();
    await startRunner();
    const next = householdRegistered();
    await producer.send({ topic, messages: [asMessage(next)] });
    await eventually(async () => expect(await applied()).toContain(next.id));
    expect((await applied()).length).toBe(before + 1);
  });

  it('waits out a lock timeout (55P03) for as long as it lasts, counting each failure, then applies the event once and dead-letters nothing', async () => {
    const key = randomUUID();
    const gated = householdRegistered();
    gatedIds.add(gated.id);
    const errorsBefore = errors.length;
    const holder = new Client({ connectionString: databaseUrl(), options: `-c search_path="${schema}"` });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from gate where id = 1 for update');
      await producer.send({ topic, messages: [asMessage(gated, key)] });
      // Far more failures than the bounded retries for a bad event (1 + maxRetries for the batch, then for the event alone).
      await eventually(() => expect(lockTimeouts.filter((id) => id === gated.id).length).toBeGreaterThanOrEqual(8));
      expect(await applied()).not.toContain(gated.id);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    await eventually(async () => expect(await applied()).toContain(gated.id));
    expect((await applied()).filter((id) => id === gated.id)).toHaveLength(1);
    // Each failed attempt reached onError (the runner's error metric), as a lock timeout.
    const lockErrors = errors.slice(errorsBefore).filter((error) => (error as { driverError?: { code?: string } }).driverError?.code === '55P03');
    expect(lockErrors.length).toBeGreaterThanOrEqual(8);

    // A poison event behind it on the same partition: once that is dead-lettered, the gated event's fate was decided before it.
    const poison = householdRegistered();
    poisonIds.add(poison.id);
    await producer.send({ topic, messages: [asMessage(poison, key)] });
    const dead = await collectTopic(deadLetterTopic(prefix, name), `${prefix}dlt-probe-${randomUUID()}`);
    try {
      await eventually(() => expect(dead.messages.map((m) => m.message.headers?.ce_id?.toString())).toContain(poison.id));
      expect(dead.messages.map((m) => m.message.headers?.ce_id?.toString())).not.toContain(gated.id);
    } finally {
      await dead.stop();
    }
  });
});
