import { ageSeconds, daysBefore, inBatches, type PruneContext, type RetentionTask } from '@dtc/persistence';

/**
 * Published outbox rows older than OUTBOX_RETENTION_DAYS (by publish time) are deleted. An
 * unpublished row is never deleted, however old: it is the only copy of an event Kafka has not
 * acknowledged yet. Published ones are not needed after publishing: a rebuild replays Kafka (the
 * topics keep everything), never the outbox; the rows stay a while to answer "was it published".
 */
const cutoff = (context: PruneContext) => daysBefore(context.now, context.settings.outboxRetentionDays).toISOString();

export const outboxRetention: RetentionTask = {
  table: 'outbox',
  action: 'deleted',
  async pending(db, context) {
    const [{ n }] = await db.query('select count(*)::int as n from outbox where published_at is not null and published_at < $1', [cutoff(context)]);
    return n;
  },
  prune(db, context) {
    return inBatches(context, async () => {
      const [{ n }] = await db.query(
        `with gone as (
           delete from outbox where seq in (
             select seq from outbox where published_at is not null and published_at < $1 order by seq limit $2)
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff(context), context.batchSize],
      );
      return n;
    });
  },
  async oldestAgeSeconds(db, context) {
    const [row] = await db.query('select min(published_at) as oldest from outbox where published_at is not null');
    return ageSeconds(context.now, row?.oldest);
  },
};
