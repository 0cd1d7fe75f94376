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

  it('refuses, and the live generation stays active and untouched', async () => {
    const options = { url: databaseUrl(), schema: serviceSchema, migrations: [CreateProjectionGenerations1763900000500] };
    const dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    if (dataSource.isInitialized) await dataSource.destroy();
    const { schema: live } = await ensureActiveGeneration(databaseUrl(), serviceSchema);
    // The live generation applied three events; the (new, empty) topics hold none.
    for (let i = 0; i < 3; i += 1) await query(`insert into "${live}".inbox (consumer, event_id) values ($1, $2)`, [PROJECTIONS_CONSUMER, randomUUID()]);
    const admin = createKafka({ clientId: 'rebuild-spec', brokers }).admin();
    await admin.connect();
    await ensureTopics(admin, ['household-registry.events', 'enrollment.events', 'training.events'].map((stream) => `${prefix}${stream}`), 1);
    await admin.disconnect();

    await expect(rebuildProjections({ databaseUrl: databaseUrl(), serviceSchema, topicPrefix: prefix, kafkaBrokers: brokers, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })).rejects.toThrow(
      /topics hold 0 events but the live generation has applied 3/,
    );
    const generations = await query<{ schema_name: string; state: string }>(`select schema_name, state from "${serviceSchema}".projection_generations order by generation`);
    expect(generations.filter((g) => g.state === 'active').map((g) => g.schema_name)).toEqual([live]);
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from "${live}".inbox`);
    expect(n).toBe(3);
    // The half-built generation was dropped.
    const leftovers = await query(`select nspname from pg_namespace where nspname like $1 and nspname <> $2`, [`${serviceSchema}_g%`, live]);
    expect(leftovers).toEqual([]);
  });
});
