import { ConsumerRunner, createKafka, currentClusterId, deadLetterTopic, ensureTopics, topicFor } from '@dtc/messaging';
import { createServiceDataSource, dropSchema } from '@dtc/persistence';
import type { KafkaClientConfig } from '@dtc/platform';
import Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { announceChange } from '../live/change-notice';
import { applyProjections, PROJECTED_STREAMS } from '../projections/apply-projections';
import { finishBulkLoad, startBulkLoad } from './bulk-load';
import { liveEventsNotRebuilt, partitionsBehind } from './catch-up';
import { generationSchema, migrateGeneration, PROJECTIONS_CONSUMER, switchLockKey } from '../projections/generations';

export interface RebuildOptions {
  databaseUrl: string;
  serviceSchema: string;
  topicPrefix: string;
  kafkaBrokers: string[];
  /** TLS, SASL and replication settings (KAFKA_SSL, KAFKA_SASL_*, KAFKA_REPLICATION_FACTOR ...). */
  kafkaSecurity?: Partial<KafkaClientConfig>;
  redisUrl: string;
  /** How long live batches may be held back while the new generation catches up at the switch. */
  switchTimeoutMs?: number;
  /** Partitions replayed at the same time (default 2), each batch in its own transaction. */
  concurrency?: number;
  /** Largest batch fetched from one partition (default 4 MiB): bigger batches, fewer transactions. */
  batchBytes?: number;
  onProgress?: (done: number, total: number, phase: 'replaying' | 'switching') => void;
  log?: (message: string) => void;
}

export interface RebuildResult {
  generation: number;
  schema: string;
  previousSchema: string | null;
  eventsInTopics: number;
  eventsApplied: number;
  seconds: number;
  droppedSchemas: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Offsets = Map<string, { low: bigint; high: bigint }>;

async function endOffsets(admin: Admin, topics: string[]): Promise<Offsets> {
  const offsets: Offsets = new Map();
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic)) offsets.set(`${topic}:${partition.partition}`, { low: BigInt(partition.low), high: BigInt(partition.high) });
  }
  return offsets;
}

/** Events of the initial offsets the rebuild group has committed past. */
async function replayed(admin: Admin, groupId: string, topics: string[], initial: Offsets): Promise<number> {
  let done = 0n;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
    for (const { partition, offset } of partitions) {
      const range = initial.get(`${topic}:${partition}`);
      if (!range || offset === '-1') continue;
      const committed = BigInt(offset);
      done += (committed < range.high ? committed : range.high) - range.low;
    }
  }
  return Number(done);
}

/**
 * Rebuilds every projection from the beginning of the topics into a new generation schema while
 * the live one keeps serving, then switches: live batches are held back (exclusive switch lock),
 * the new generation catches up with everything the live one has applied, and the pointer moves
 * in one commit. Readers move with it; the previous generation is kept (one step back), older
 * ones are dropped.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const control = new Client({ connectionString: options.databaseUrl });
  await control.connect();
  await control.query(`select set_config('search_path', $1, false)`, [`"${options.serviceSchema}", public`]);
  const locked = await control.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [`${options.serviceSchema}:rebuild`]);
  if (!locked.rows[0].locked) {
    await control.end();
    throw new Error('Another rebuild of these projections is running');
  }
  const kafka = createKafka({ clientId: `${options.topicPrefix}reporting-rebuild`, brokers: options.kafkaBrokers, security: options.kafkaSecurity });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let runner: ConsumerRunner | undefined;
  let schema = '';
  let generation = 0;
  let groupId = '';
  let switched = false;
  const dataSource = { current: undefined as ReturnType<typeof createServiceDataSource> | undefined };
  try {
    await admin.connect();
    for (const abandoned of await dropAbandonedGenerations(control, options.databaseUrl)) {
      await admin.deleteGroups([`${options.topicPrefix}reporting-rebuild-g${abandoned.generation}`]).catch(() => undefined);
      log(`generation ${abandoned.generation}: dropped schema ${abandoned.schema_name}, left half-built by a rebuild that did not finish`);
    }
    const [{ since }] = (await control.query<{ since: Date }>('select now() as since')).rows;
    const previous = (await control.query<{ schema_name: string }>(`select schema_name from projection_generations where state = 'active'`)).rows[0]?.schema_name ?? null;
    generation = (await control.query<{ next: number }>('select coalesce(max(generation), 0) + 1 as next from projection_generations')).rows[0].next;
    schema = generationSchema(options.serviceSchema, generation);
    await control.query(`insert into projection_generations (generation, schema_name, state) values ($1, $2, 'building')`, [generation, schema]);
    await migrateGeneration(options.databaseUrl, schema);
    // The registry's onboardings (immutable facts from its stream) are known before the replay
    // starts, so a forged event is refused here as it was live, whichever partition comes first.
    if (previous) await control.query(`insert into "${schema}".known_communes (code, province_code, onboarded) select code, province_code, true from "${previous}".known_communes where onboarded`);
    const bulk = await startBulkLoad(control, schema);
    log(`generation ${generation}: replaying into schema ${schema} (live generation ${previous ?? 'none'} keeps serving)`);

    await producer.connect();
    const topics = PROJECTED_STREAMS.map((stream) => topicFor(options.topicPrefix, stream));
    const deadLetters = deadLetterTopic(options.topicPrefix, `${PROJECTIONS_CONSUMER}-rebuild`);
    const existing = new Set(await admin.listTopics());
    await ensureTopics(admin, [deadLetters], 1, { replicationFactor: options.kafkaSecurity?.kafkaReplicationFactor, minInsyncReplicas: options.kafkaSecurity?.kafkaMinInsyncReplicas });
    const sources = topics.filter((topic) => existing.has(topic));
    // Captured after `since`: every event the live generation took before `since` is below these offsets.
    const initial = await endOffsets(admin, sources);
    const total = [...initial.values()].reduce((sum, range) => sum + Number(range.high - range.low), 0);
    if (previous) {
      // Topics hold every event at least once. Fewer than the live generation applied means their
      // history is gone (a new broker, retention): a rebuild would replace figures with less.
      const [{ applied: live }] = (
        await control.query<{ applied: number }>(`select coalesce(sum(cardinality(event_ids)), 0)::int as applied from "${previous}".applied_batches where consumer = $1`, [PROJECTIONS_CONSUMER])
      ).rows;
      if (total < live) throw new Error(`The topics hold ${total} events but the live generation has applied ${live}: their history is missing, so a rebuild would lose figures. Nothing was changed.`);
    }

    dataSource.current = createServiceDataSource({ url: options.databaseUrl, schema, migrations: [], poolSize: 4 });
    await dataSource.current.initialize();
    groupId = `${options.topicPrefix}reporting-rebuild-g${generation}`;
    let applied = 0;
    runner = new ConsumerRunner({
      name: PROJECTIONS_CONSUMER,
      groupId,
      topics: sources,
      deadLetterTopic: deadLetters,
      kafka,
      producer,
      dataSource: dataSource.current,
      deduplicates: 'offsets',
      clusterId: await currentClusterId(admin),
      maxRetries: 3,
      fromBeginning: true,
      // History is replayed in big batches, several partitions at a time: the projections lock
      // what they read (see field facts), and their counters only add.
      partitionsConsumedConcurrently: options.concurrency ?? 2,
      maxBytesPerPartition: options.batchBytes ?? 4194304,
      handle: (events, tx) => applyProjections(tx, events),
      onApplied: (count) => (applied += count),
      onError: (error) => log(`batch failed, retrying: ${error.message}`),
    });
    await runner.start();

    for (;;) {
      const done = await replayed(admin, groupId, sources, initial);
      options.onProgress?.(done, total, 'replaying');
      if (done >= total) break;
      await sleep(250);
    }

    log(`generation ${generation}: history replayed; logging ${bulk.tables.length} tables and building ${bulk.indexes.length} indexes`);
    await finishBulkLoad(control, bulk);
    // Fresh tables have no planner statistics yet: gather them before readers arrive.
    const tables = (await control.query<{ tablename: string }>('select tablename from pg_tables where schemaname = $1', [schema])).rows;
    if (tables.length) await control.query(`analyze ${tables.map(({ tablename }) => `"${schema}"."${tablename}"`).join(', ')}`);

    // The switch: hold live batches back, let the new generation take in what the live one
    // applied meanwhile (the replay keeps running), then move the pointer in the same commit.
    options.onProgress?.(total, total, 'switching');
    await control.query('begin');
    await control.query('select pg_advisory_xact_lock(hashtext($1))', [switchLockKey(options.serviceSchema)]);
    const deadline = Date.now() + (options.switchTimeoutMs ?? 60000);
    // Positions first (a few rows each poll); the ids once the replay has passed every live batch.
    for (;;) {
      const behind = previous ? await partitionsBehind(control, previous, schema, PROJECTIONS_CONSUMER, since) : 0;
      if (behind === 0) break;
      if (Date.now() > deadline) {
        await control.query('rollback');
        throw new Error(`The new generation did not catch up with the live one on ${behind} partitions in time; the live generation stays active`);
      }
      await sleep(100);
    }
    const missing = previous ? await liveEventsNotRebuilt(control, previous, schema, PROJECTIONS_CONSUMER, since) : [];
    if (missing.length > 0) {
      await control.query('rollback');
      throw new Error(`The new generation did not apply ${missing.length} events the live one applied (${missing.slice(0, 5).join(', ')}); the live generation stays active`);
    }
    await control.query(`update projection_generations set state = 'retired' where state = 'active'`);
    await control.query(`update projection_generations set state = 'active', activated_at = now(), events_replayed = $2 where generation = $1`, [generation, applied]);
    await control.query('commit');
    switched = true;
    log(`generation ${generation} is live (${applied} events applied)`);

    await runner.stop();
    runner = undefined;
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await announceSwitch(options);

    const older = (await control.query<{ generation: number; schema_name: string }>(`select generation, schema_name from projection_generations where state in ('retired', 'failed') and schema_name <> coalesce($1, '') order by generation`, [previous])).rows;
    for (const row of older) {
      await dropSchema(options.databaseUrl, row.schema_name);
      await control.query('delete from projection_generations where generation = $1', [row.generation]);
    }
    return { generation, schema, previousSchema: previous, eventsInTopics: total, eventsApplied: applied, seconds: (Date.now() - started) / 1000, droppedSchemas: older.map((row) => row.schema_name) };
  } catch (error) {
    await control.query('rollback').catch(() => undefined);
    await runner?.stop().catch(() => undefined);
    if (schema && !switched) {
      await control.query(`update projection_generations set state = 'failed' where generation = $1 and state = 'building'`, [generation]).catch(() => undefined);
      await dropSchema(options.databaseUrl, schema).catch(() => undefined);
    }
    if (groupId) await admin.deleteGroups([groupId]).catch(() => undefined);
    throw error;
  } finally {
    if (dataSource.current?.isInitialized) await dataSource.current.destroy();
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await control.query('select pg_advisory_unlock(hashtext($1))', [`${options.serviceSchema}:rebuild`]).catch(() => undefined);
    await control.end();
  }
}

/**
 * Generations still `building` when a rebuild holds the rebuild lock were left by one that died
 * (killed, machine lost) before its own clean-up: marked failed and their schemas dropped, so a
 * rebuild started again after a crash leaves no half-built copy behind.
 */
async function dropAbandonedGenerations(control: Client, url: string): Promise<Array<{ generation: number; schema_name: string }>> {
  const { rows } = await control.query<{ generation: number; schema_name: string }>(
    `update projection_generations set state = 'failed' where state = 'building' returning generation, schema_name`,
  );
  for (const row of rows) await dropSchema(url, row.schema_name);
  return rows;
}

/** Every cached figure is stale now and every dashboard should refetch. Best effort: caches also expire. */
async function announceSwitch(options: RebuildOptions): Promise<void> {
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await announceChange(redis, options.topicPrefix, { communes: [], provinces: [], all: true });
  } catch {
    // Redis down: cached entries expire within their TTL.
  } finally {
    redis.disconnect();
  }
}
