import { ConfigError, loadConfig, parsers, type ConfigOf } from '@dtc/platform';

/**
 * How long a phone keeps retrying an upload it got no answer for (the app's outbox gives up and
 * asks the agent after this many days). A stored sync result must answer such a retry as it did
 * the first time, details included, so its personal data is kept at least this long.
 */
export const SYNC_RETRY_WINDOW_DAYS = 7;

/** How long each kind of row is kept, and the in-process pruning schedule. Safe defaults: nothing a guarantee needs is ever removed. */
export function retentionSettingsSpec() {
  return {
    outboxRetentionDays: { env: 'OUTBOX_RETENTION_DAYS', description: 'days a PUBLISHED outbox row is kept (unpublished rows are kept until published)', parse: parsers.integer(1, 36500), default: 30 },
    inboxRetentionDays: { env: 'INBOX_RETENTION_DAYS', description: 'days a consumer remembers an applied event id for deduplication', parse: parsers.integer(1, 36500), default: 30 },
    syncResultRetentionDays: { env: 'SYNC_RESULT_RETENTION_DAYS', description: 'days a stored offline-sync result (its status) is kept', parse: parsers.integer(1, 36500), default: 90 },
    syncResultPersonalDataDays: {
      env: 'SYNC_RESULT_PERSONAL_DATA_DAYS',
      description: `days a stored sync result keeps its full body (names, ID numbers, phones); at least the phones' retry window (${SYNC_RETRY_WINDOW_DAYS} days)`,
      parse: parsers.integer(1, 36500),
      default: 14,
    },
    feedRetentionDays: { env: 'FEED_RETENTION_DAYS', description: 'days an event stays in the province feeds', parse: parsers.integer(1, 36500), default: 365 },
    auditRetentionMonths: { env: 'AUDIT_RETENTION_MONTHS', description: 'months of audit log kept (whole monthly partitions are dropped)', parse: parsers.integer(1, 1200), default: 60 },
    pruneEnabled: { env: 'PRUNE_ENABLED', description: 'run the scheduled pruning in this service (false: only `npm run ops -- prune`)', parse: parsers.oneOf('true', 'false'), default: 'true' as const },
    pruneIntervalMinutes: { env: 'PRUNE_INTERVAL_MINUTES', description: 'minutes between two scheduled prunings (the first runs one interval after start)', parse: parsers.integer(1, 10080), default: 60 },
  };
}

export type RetentionSettings = ConfigOf<ReturnType<typeof retentionSettingsSpec>>;

/** Reads the settings; a configuration that would break a guarantee is refused (ConfigError naming the variables). */
export function loadRetentionSettings(service: string, env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  const settings = loadConfig(service, retentionSettingsSpec(), env);
  const problems: string[] = [];
  if (settings.syncResultPersonalDataDays < SYNC_RETRY_WINDOW_DAYS) {
    problems.push(`SYNC_RESULT_PERSONAL_DATA_DAYS must be at least the phones' retry window of ${SYNC_RETRY_WINDOW_DAYS} days (got ${settings.syncResultPersonalDataDays}): a retried upload must get its full answer back`);
  }
  if (settings.syncResultRetentionDays < settings.syncResultPersonalDataDays) {
    problems.push(`SYNC_RESULT_RETENTION_DAYS (${settings.syncResultRetentionDays}) must not be shorter than SYNC_RESULT_PERSONAL_DATA_DAYS (${settings.syncResultPersonalDataDays})`);
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return settings;
}
