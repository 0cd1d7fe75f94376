import { ageSeconds, daysBefore, type PruneContext, type Queryable, type RetentionTask } from '@dtc/persistence';

/**
 * Province feeds keep FEED_RETENTION_DAYS of events (by the time the feed received them). Each
 * province loses a prefix of its numbers, never a gap: appended_at never goes backwards within a
 * province, and everything up to the last expired number goes. The head's `pruned_through`
 * moves first, in its own statement, so a reader never pages across rows being deleted: a cursor
 * before it answers 410 Gone from that moment, and so does a `since` at or before the newest
 * removed event's receive time (province-feed.service.ts).
 */
const cutoff = (context: PruneContext) => daysBefore(context.now, context.settings.feedRetentionDays).toISOString();

/** Per province, the last number received before the cutoff, beyond what is already pruned. */
async function expiredThrough(db: Queryable, context: PruneContext): Promise<Array<{ province: string; from: number; through: number }>> {
  const rows: Array<{ province_code: string; pruned_through: string; through: string | null }> = await db.query(
    `select h.province_code, h.pruned_through,
            (select max(f.seq) from province_feed f where f.province_code = h.province_code and f.appended_at < $1) as through
     from province_feed_heads h`,
    [cutoff(context)],
  );
  return rows
    .filter((row) => row.through !== null && Number(row.through) > Number(row.pruned_through))
    .map((row) => ({ province: row.province_code, from: Number(row.pruned_through), through: Number(row.through) }));
}

export const provinceFeedRetention: RetentionTask = {
  table: 'province_feed',
  action: 'deleted',
  async pending(db, context) {
    const [{ n }] = await db.query('select count(*)::int as n from province_feed where appended_at < $1', [cutoff(context)]);
    return n;
  },
  async prune(db, context) {
    let done = 0;
    for (const { province, through } of await expiredThrough(db, context)) {
      // The receive time of the newest removed event: a `since` at or before it would skip removed events.
      await db.query(
        `update province_feed_heads
         set pruned_through = greatest(pruned_through, $2),
             pruned_through_appended_at = greatest(pruned_through_appended_at, (select appended_at from province_feed where province_code = $1 and seq = $2))
         where province_code = $1`,
        [province, through],
      );
      for (;;) {
        const [{ n }] = await db.query(
          `with gone as (
             delete from province_feed where province_code = $1 and seq in (
               select seq from province_feed where province_code = $1 and seq <= $2 order by seq limit $3)
             returning 1)
           select count(*)::int as n from gone`,
          [province, through, context.batchSize],
        );
        done += n;
        context.onProgress?.(done);
        if (n < context.batchSize) break;
      }
    }
    return done;
  },
  async oldestAgeSeconds(db, context) {
    // Per province through the (province_code, appended_at) index rather than a scan of every feed.
    const [row] = await db.query(
      `select min(first.appended_at) as oldest from province_feed_heads h
       cross join lateral (select appended_at from province_feed f where f.province_code = h.province_code order by appended_at limit 1) first`,
    );
    return ageSeconds(context.now, row?.oldest);
  },
};
