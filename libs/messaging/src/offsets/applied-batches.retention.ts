import { ageSeconds, daysBefore, inBatches, type PruneContext, type RetentionTask } from '@dtc/persistence';

/**
 * Applied batches older than INBOX_RETENTION_DAYS go, as inbox rows do and for the same reasons
 * (see inbox.retention.ts), except each partition's newest row: it is the consumer's position
 * there, whatever its age (a quiet partition must not lose it and take its next batch for a
 * first one). Projection generations are not pruned (their rows are never in a service schema).
 */
const cutoff = (context: PruneContext) => daysBefore(context.now, context.settings.inboxRetentionDays).toISOString();

/** Rows a newer row of the same partition has superseded as the position. */
const SUPERSEDED = `exists (
  select 1 from applied_batches newer
  where newer.consumer = b.consumer and newer.cluster_id = b.cluster_id and newer.topic = b.topic and newer.partition = b.partition and newer.next_offset > b.next_offset)`;
const PRUNABLE = `b.applied_at < $1 and ${SUPERSEDED}`;

export const appliedBatchesRetention: RetentionTask = {
  table: 'applied_batches',
  action: 'deleted',
  async pending(db, context) {
    const [{ n }] = await db.query(`select count(*)::int as n from applied_batches b where ${PRUNABLE}`, [cutoff(context)]);
    return n;
  },
  prune(db, context) {
    return inBatches(context, async () => {
      const [{ n }] = await db.query(
        `with gone as (
           delete from applied_batches where ctid = any(array(select b.ctid from applied_batches b where ${PRUNABLE} limit $2))
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff(context), context.batchSize],
      );
      return n;
    });
  },
  async oldestAgeSeconds(db, context) {
    // The oldest row a run could remove (positions stay whatever their age).
    const [row] = await db.query(`select min(applied_at) as oldest from applied_batches b where ${SUPERSEDED}`);
    return ageSeconds(context.now, row?.oldest);
  },
};
