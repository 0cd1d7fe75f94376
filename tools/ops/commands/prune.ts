import { formatTable, ProgressBar } from '@dtc/platform';
import { appliedBatchesRetention, inboxRetention, outboxRetention } from '@dtc/messaging';
import { SYNC_RESULT_RETENTION } from '@dtc/offline-sync';
import { auditLogRetention, createServiceDataSource, databaseNow, loadRetentionSettings, PRUNE_BATCH_SIZE, runRetention, type PruneOutcome, type RetentionTask } from '@dtc/persistence';
// Feed retention belongs to reporting; the CLI runs the same function as its scheduled pruning.
import { provinceFeedRetention } from '../../../apps/reporting/src/feeds/feed.retention';
import { defineCommand, print } from '../command';
import { databaseSettings, ENVIRONMENT } from '../environment';

const SERVICE_SCHEMAS = ['registry', 'enrollment', 'training', 'reporting'];
/** Every retention task; each schema runs those whose table it has (the services run the same ones on schedule). */
const TASKS: RetentionTask[] = [outboxRetention, inboxRetention, appliedBatchesRetention, ...SYNC_RESULT_RETENTION, auditLogRetention, provinceFeedRetention];
const RETENTION_ENVIRONMENT =
  'OUTBOX_RETENTION_DAYS (30), INBOX_RETENTION_DAYS (30), SYNC_RESULT_RETENTION_DAYS (90), SYNC_RESULT_PERSONAL_DATA_DAYS (14, at least the phones\u2019 7-day retry window), FEED_RETENTION_DAYS (365), AUDIT_RETENTION_MONTHS (60): use the services\u2019 values';

interface SchemaOutcome {
  schema: string;
  outcomes?: PruneOutcome[];
  note?: string;
}

const WORDS: Record<PruneOutcome['action'], [string, string]> = {
  deleted: ['deleted', 'would delete'],
  stripped: ['personal data removed', 'would remove personal data'],
  dropped: ['dropped (monthly partitions)', 'would drop (monthly partitions)'],
};

function age(seconds: number | null): string {
  if (seconds === null) return '-';
  return seconds >= 86400 ? `${(seconds / 86400).toFixed(1)} d` : `${seconds} s`;
}

async function pruneSchema(databaseUrl: string, schema: string, dryRun: boolean): Promise<SchemaOutcome> {
  const settings = loadRetentionSettings('ops');
  const dataSource = createServiceDataSource({ url: databaseUrl, schema, migrations: [], poolSize: 2 });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lockKey = `retention:${schema}`;
  try {
    const [{ present }] = await runner.query('select exists (select 1 from pg_namespace where nspname = $1) as present', [schema]);
    if (!present) return { schema, note: 'no such schema' };
    // The same lock as the services' scheduled pruning: never two prunings of one schema at once.
    const [{ leader }] = await runner.query('select pg_try_advisory_lock(hashtext($1)) as leader', [lockKey]);
    if (!leader) return { schema, note: 'a service instance is pruning this schema right now; try again later' };
    try {
      const outcomes = await runRetention(runner, TASKS, { settings, now: await databaseNow(runner), batchSize: PRUNE_BATCH_SIZE, dryRun }, (task, total) => {
        const bar = new ProgressBar(`${schema}.${task.table} ${task.action}`, total);
        return (done) => (done >= total ? bar.finish() : bar.update(done));
      });
      return { schema, outcomes };
    } finally {
      await runner.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

export const pruneCommand = defineCommand({
  name: 'prune',
  summary: 'Remove what the retention settings let go (published outbox rows, inbox ids and applied batches, old sync results and their personal data, old feed events, expired audit months), per table (progress bar)',
  environment: [ENVIRONMENT.database, RETENTION_ENVIRONMENT],
  spec: {
    options: {
      'dry-run': { description: 'only count what would be removed; change nothing' },
      schemas: { value: 'A,B', description: `service schemas to prune (default ${SERVICE_SCHEMAS.join(',')})` },
    },
  },
  async run({ options }) {
    const dryRun = options['dry-run'];
    const schemas = options.schemas?.split(',').map((schema) => schema.trim()) ?? SERVICE_SCHEMAS;
    const { databaseUrl } = databaseSettings();
    loadRetentionSettings('ops');
    const results: SchemaOutcome[] = [];
    for (const schema of schemas) results.push(await pruneSchema(databaseUrl, schema, dryRun));
    const cells = results.flatMap((result) =>
      result.outcomes
        ? result.outcomes.map((outcome) => [result.schema, outcome.table, WORDS[outcome.action][dryRun ? 1 : 0], String(outcome.rows), age(outcome.oldestAgeSeconds)])
        : [[result.schema, '-', result.note ?? '', '0', '-']],
    );
    print(dryRun ? 'Dry run: nothing was changed.' : 'Pruned.');
    print(formatTable(['schema', 'table', dryRun ? 'would' : 'done', 'rows', 'oldest left'], cells, { alignRight: [3] }));
  },
});
