/**
 * npm run rebuild: replays every event topic into a new projection generation and switches the
 * reporting service over to it, while dashboards keep serving the current one. Configured by
 * the same environment variables as the reporting service (DATABASE_URL, DATABASE_SCHEMA,
 * KAFKA_BROKERS, TOPIC_PREFIX, REDIS_URL).
 */
import { loadConfig, parsers, ProgressBar } from '@dtc/platform';
import { rebuildProjections } from './rebuild';

const config = loadConfig(
  'reporting-rebuild',
  {
    databaseUrl: { env: 'DATABASE_URL', description: 'PostgreSQL connection URL', parse: parsers.url('postgres', 'postgresql'), default: 'postgres://postgres@127.0.0.1:5432/dtc' },
    databaseSchema: { env: 'DATABASE_SCHEMA', description: "reporting's Postgres schema", parse: parsers.identifier(), default: 'reporting' },
    kafkaBrokers: { env: 'KAFKA_BROKERS', description: 'Kafka bootstrap servers', parse: parsers.hostList(), default: ['127.0.0.1:9092'] },
    topicPrefix: { env: 'TOPIC_PREFIX', description: 'prefix of topics and consumer groups', parse: parsers.topicPrefix(), default: 'dtc.' },
    redisUrl: { env: 'REDIS_URL', description: 'Redis URL (cache invalidation and dashboard refresh)', parse: parsers.url('redis', 'rediss'), default: 'redis://127.0.0.1:6379' },
    switchTimeoutSeconds: { env: 'REBUILD_SWITCH_TIMEOUT_SECONDS', description: 'longest hold on live updates while switching', parse: parsers.integer(1, 3600), default: 60 },
  },
  process.env,
);

async function main(): Promise<void> {
  const bar = new ProgressBar('rebuild', 0);
  const result = await rebuildProjections({
    databaseUrl: config.databaseUrl,
    serviceSchema: config.databaseSchema,
    topicPrefix: config.topicPrefix,
    kafkaBrokers: config.kafkaBrokers,
    redisUrl: config.redisUrl,
    switchTimeoutMs: config.switchTimeoutSeconds * 1000,
    log: (message) => process.stderr.write(`${message}\n`),
    onProgress: (done, total, phase) => {
      bar.setTotal(total);
      if (phase === 'switching') bar.finish('switching…');
      else bar.update(done);
    },
  });
  process.stdout.write(
    `${JSON.stringify({ generation: result.generation, schema: result.schema, previous: result.previousSchema, eventsInTopics: result.eventsInTopics, eventsApplied: result.eventsApplied, seconds: Number(result.seconds.toFixed(1)), eventsPerSecond: Math.round(result.eventsApplied / Math.max(result.seconds, 0.001)), droppedSchemas: result.droppedSchemas })}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`rebuild failed: ${error.message}\n`);
  process.exit(1);
});
