import { ageSeconds, daysBefore, inBatches, type PruneContext, type RetentionTask } from '@dtc/persistence';

/**
 * Inbox rows (applied event ids) older than INBOX_RETENTION_DAYS are deleted. The inbox only
 * has to catch redeliveries, and Kafka redelivers only what comes after a consumer group's
 * committed offset: the consumer commits right after the batch's transaction (which wrote these
 * rows), so an applied event comes back only if the process died between the two, and then
 * within the session timeout (another instance takes the partition) or when the service starts
 * again. Nothing redelivers a month-old event, provided (a) committed offsets are not lost: the
 * broker's offsets.retention.minutes must exceed the longest time a consumer group may stay
 * empty (all its instances down), or the group would start again from the beginning of the
 * topic (consumers subscribe from the beginning); and (b) nobody rewinds a live group's offsets
 * by hand (a rebuild reads into a new generation with an inbox of its own). An older duplicate
 * is the relay publishing a row twice, which happens within seconds.
 */
const cutoff = (context: PruneContext) => daysBefore(context.now, context.settings.inboxRetentionDays).toISOString();

export const inboxRetention: RetentionTask = {
  table: 'inbox',
  action: 'deleted',
  async pending(db, context) {
    const [{ n }] = await db.query('select count(*)::int as n from inbox where processed_at < $1', [cutoff(context)]);
    return n;
  },
  prune(db, context) {
    return inBatches(context, async () => {
      const [{ n }] = await db.query(
        `with gone as (
           delete from inbox where ctid = any(array(select ctid from inbox where processed_at < $1 limit $2))
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff(context), context.batchSize],
      );
      return n;
    });
  },
  async oldestAgeSeconds(db, context) {
    const [row] = await db.query('select min(processed_at) as oldest from inbox');
    return ageSeconds(context.now, row?.oldest);
  },
};
