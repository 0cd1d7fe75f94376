/** How much of an outbox is waiting for Kafka, and for how long. */
export interface OutboxBacklog {
  total: number;
  backlog: number;
  /** age of the oldest waiting row, in (fractional) seconds; null when nothing waits */
  oldestUnpublishedSeconds: number | null;
  /** the newest publish still kept (retention prunes older rows); null when none is */
  lastPublishedAt: string | null;
}

/**
 * One query for the outbox's state, read by the metrics gauge, GET /ops/status and the ops CLI.
 * `table` is `outbox` on a connection whose search_path is the service's schema, or a quoted
 * schema-qualified name. The database's clock_timestamp() measures the age, so a caller's clock
 * (a test's fixed one included) never enters it.
 */
export async function readOutboxBacklog(query: (sql: string) => Promise<unknown[]>, table = 'outbox'): Promise<OutboxBacklog> {
  const [row] = (await query(
    `select count(*)::int as total,
            count(*) filter (where published_at is null)::int as backlog,
            extract(epoch from clock_timestamp() - min(created_at) filter (where published_at is null))::float as oldest,
            max(published_at) as last
       from ${table}`,
  )) as Array<{ total: number; backlog: number; oldest: number | null; last: Date | string | null }>;
  return {
    total: row.total,
    backlog: row.backlog,
    oldestUnpublishedSeconds: row.oldest,
    lastPublishedAt: row.last === null ? null : new Date(row.last).toISOString(),
  };
}
