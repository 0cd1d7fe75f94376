import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics } from '@dtc/messaging';
import { createServiceDataSource, migrateSchema } from '@dtc/persistence';
import { databaseUrl, deleteTestTopics, dropTestSchemas, newRunId, query } from '@dtc/testkit';
import { CreateProjectionGenerations1763900000500 } from '../migrations/1763900000500-create-projection-generations';
import { ensureActiveGeneration, PROJECTIONS_CONSUMER } from '../projections/generations';
import { rebuildProjections } from './rebuild';

const runId = newRunId();
const serviceSchema = `t_${runId}_reporting`;
const prefix = `t-${runId}.`;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('rebuild against topics that lost their history', () => {
  afterAll(async () => {
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('refuses, and the live generation stays active and untouched; a generation a killed rebuild left half-built is dropped', async () => {
    const options = { url: databaseUrl(), schema: serviceSchema, migrations: [CreateProjectionGenerations1763900000500] };
    const dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    if (dataSource.isInitialized) await dataSource.destroy();
    const { schema: live } = await ensureActiveGeneration(databaseUrl(), serviceSchema);
    // The live generation applied three events; the (new, empty) topics hold none.
    await query(`insert into "${live}".applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids) values ($1, 'c', 't', 0, 0, 3, $2::uuid[])`, [
      PROJECTIONS_CONSUMER,
      [randomUUID(), randomUUID(), randomUUID()],
    ]);
    const admin = createKafka({ clientId: 'rebuild-spec', brokers }).admin();
    await admin.connect();
    await ensureTopics(admin, ['household-registry.events', 'enrollment.events', 'training.events'].map((stream) => `${prefix}${stream}`), 1);
    await admin.disconnect();

    // A rebuild killed earlier left its generation half-built.
    const [{ next }] = await query<{ next: number }>(`select max(generation) + 1 as next from "${serviceSchema}".projection_generations`);
    const abandoned = `${serviceSchema}_g${next}`;
    await query(`insert into "${serviceSchema}".projection_generations (generation, schema_name, state) values ($1, $2, 'building')`, [next, abandoned]);
    await query(`create schema "${abandoned}"`);
    await query(`create table "${abandoned}".field_daily (value int)`);

    await expect(rebuildProjections({ databaseUrl: databaseUrl(), serviceSchema, topicPrefix: prefix, kafkaBrokers: brokers, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })).rejects.toThrow(
      /topics hold 0 events but the live generation has applied 3/,
    );
    const generations = await query<{ schema_name: string; state: string }>(`select schema_name, state from "${serviceSchema}".projection_generations order by generation`);
    expect(generations.filter((g) => g.state === 'active').map((g) => g.schema_name)).toEqual([live]);
    const [{ n }] = await query<{ n: number }>(`select sum(cardinality(event_ids))::int as n from "${live}".applied_batches`);
    expect(n).toBe(3);
    // The abandoned generation is marked failed; it and the refused rebuild's half-built one were dropped.
    expect(generations.find((g) => g.schema_name === abandoned)?.state).toBe('failed');
    const leftovers = await query(`select nspname from pg_namespace where nspname like $1 and nspname <> $2`, [`${serviceSchema}_g%`, live]);
    expect(leftovers).toEqual([]);
  });
});
