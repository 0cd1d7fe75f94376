import { currentClusterId, latestClusterRecord, publishedOutboxTopics, recordCluster, republishOutbox, type ClusterIdentity } from '@dtc/messaging';
import { formatTable, loadConfig, parsers, ProgressBar } from '@dtc/platform';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { existingSchemas, SERVICE_SCHEMAS } from '../backup/backup-files';
import { defineCommand, print } from '../command';
import { databaseSettings, ENVIRONMENT, opsKafka } from '../environment';

const partitionSettings = () =>
  loadConfig('ops', { partitions: { env: 'KAFKA_TOPIC_PARTITIONS', description: 'partitions of the topics created (as the services create them)', parse: parsers.integer(1, 1000), default: 6 } }, process.env);

export const republishCommand = defineCommand({
  name: 'republish',
  summary: "After a lost Kafka cluster or a restore: re-publish every service's retained outbox history to this cluster and prefix, and record it",
  environment: [ENVIRONMENT.database, ENVIRONMENT.kafka, 'KAFKA_TOPIC_PARTITIONS (6)'],
  spec: {
    options: {
      schemas: { value: 'A,B', description: `service schemas (default ${SERVICE_SCHEMAS.join(',')}); every one is recorded, those with an outbox re-published` },
      force: { description: 'publish although target topics already hold events (only to finish an interrupted republish: consumers skip the duplicates)' },
    },
  },
  async run({ options }) {
    const { databaseUrl } = databaseSettings();
    const { partitions } = partitionSettings();
    const wanted = options.schemas?.split(',').map((schema) => schema.trim()).filter(Boolean) ?? SERVICE_SCHEMAS;
    const { kafka, prefix } = opsKafka();
    const admin = kafka.admin();
    // As the services' producer: one request in flight keeps each key's order.
    const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await admin.connect();
      const target: ClusterIdentity = { clusterId: await currentClusterId(admin), topicPrefix: prefix };
      const schemas = await existingSchemas(client, wanted);
      const missing = wanted.filter((schema) => !schemas.includes(schema));
      if (missing.length) throw new Error(`no schema ${missing.join(', ')} in this database`);
      const plan = await Promise.all(schemas.map((schema) => planFor(client, schema, target)));
      const todo = plan.filter((p) => !p.alreadyThere);
      if (todo.length === 0) return print(`Every schema already records cluster ${target.clusterId} with prefix "${prefix}": nothing to re-publish.`);
      if (!options.force) await refuseNonEmpty(admin, [...new Set(todo.flatMap((p) => p.topics))]);

      await producer.connect();
      const rows: string[][] = [];
      for (const step of todo) {
        if (step.hasOutbox) {
          const bar = new ProgressBar(`republish ${step.schema}`, step.events);
          const result = await republishOutbox({ databaseUrl, schema: step.schema, topicPrefix: prefix, producer, admin, partitions, onProgress: (done, total) => {
              bar.setTotal(total);
              bar.update(done);
            },
          });
          bar.finish();
          rows.push([step.schema, String(result.events), result.topics.join(', ') || '-']);
        } else rows.push([step.schema, '-', 'no outbox (recorded only)']);
        // Recorded last: a schema is attached to the new cluster only once its history is there.
        await recordCluster(client, step.schema, target, 'republished');
      }
      print(formatTable(['schema', 'events', 'topics'], rows, { alignRight: [1] }));
      print(`re-published to cluster ${target.clusterId} with prefix "${prefix}" and recorded it; start the services, then rebuild reporting (npm run rebuild) if its projections must be checked against the topics`);
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await client.end();
    }
  },
});

interface SchemaPlan {
  schema: string;
  hasOutbox: boolean;
  events: number;
  topics: string[];
  alreadyThere: boolean;
}

async function planFor(client: Client, schema: string, target: ClusterIdentity): Promise<SchemaPlan> {
  const tables = new Set((await client.query<{ tablename: string }>('select tablename from pg_tables where schemaname = $1', [schema])).rows.map((row) => row.tablename));
  if (!tables.has('kafka_cluster')) throw new Error(`schema ${schema} has no kafka_cluster table: start its service once with this release (migrations) first`);
  const recorded = await latestClusterRecord(client, schema);
  const alreadyThere = recorded?.clusterId === target.clusterId && recorded.topicPrefix === target.topicPrefix;
  if (!tables.has('outbox')) return { schema, hasOutbox: false, events: 0, topics: [], alreadyThere };
  const { total, topics } = await publishedOutboxTopics(client, schema, target.topicPrefix);
  return { schema, hasOutbox: true, events: total, topics, alreadyThere };
}

/** Two histories in one topic would double every figure rebuilt from it: only empty topics are filled. */
async function refuseNonEmpty(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  for (const topic of topics.filter((t) => existing.has(t))) {
    const events = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
    if (events > 0) throw new Error(`topic ${topic} already holds ${events} event(s): re-publishing would mix two histories. Use a new TOPIC_PREFIX or an empty cluster (or --force to finish an interrupted republish). Nothing was published.`);
  }
}
