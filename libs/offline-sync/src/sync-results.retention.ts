import { ageSeconds, daysBefore, inBatches, type PruneContext, type RetentionTask } from '@dtc/persistence';

/**
 * Stored sync results answer a phone that uploads the same item again. Phones retry within
 * SYNC_RETRY_WINDOW_DAYS, so a result keeps its full body (which can hold residents' names, ID
 * numbers, phones) for SYNC_RESULT_PERSONAL_DATA_DAYS (never shorter than the window), then
 * keeps only its status, the ids it created (later items refer to them by client id), its
 * commune and a note that the details were removed. After SYNC_RESULT_RETENTION_DAYS the row
 * goes: an upload of that client id would then be applied as new, long after any phone retries.
 */
export const DETAILS_REMOVED_MESSAGE = 'The details of this stored result were removed after the personal-data retention period; its status is unchanged';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const stripCutoff = (context: PruneContext) => daysBefore(context.now, context.settings.syncResultPersonalDataDays).toISOString();
const deleteCutoff = (context: PruneContext) => daysBefore(context.now, context.settings.syncResultRetentionDays).toISOString();

/** Keeps statusCode, error, communeCode and every top-level id (a UUID string); everything else goes. */
const STRIPPED_BODY = `
  (select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(body)
   where key in ('statusCode', 'error', 'communeCode') or (jsonb_typeof(value) = 'string' and value #>> '{}' ~ '${UUID}'))
  || jsonb_build_object('detailsRemoved', true, 'message', $3::text)`;

export const syncResultPersonalDataRetention: RetentionTask = {
  table: 'sync_results',
  action: 'stripped',
  async pending(db, context) {
    const [{ n }] = await db.query('select count(*)::int as n from sync_results where details_removed_at is null and status > 0 and created_at < $1', [stripCutoff(context)]);
    return n;
  },
  prune(db, context) {
    return inBatches(context, async () => {
      const [{ n }] = await db.query(
        `with stripped as (
           update sync_results set body = ${STRIPPED_BODY}, details_removed_at = clock_timestamp()
           where client_id in (select client_id from sync_results where details_removed_at is null and status > 0 and created_at < $1 limit $2)
           returning 1)
         select count(*)::int as n from stripped`,
        [stripCutoff(context), context.batchSize, DETAILS_REMOVED_MESSAGE],
      );
      return n;
    });
  },
  async oldestAgeSeconds(db, context) {
    const [row] = await db.query('select min(created_at) as oldest from sync_results where details_removed_at is null and status > 0');
    return ageSeconds(context.now, row?.oldest);
  },
};

export const syncResultRetention: RetentionTask = {
  table: 'sync_results',
  action: 'deleted',
  async pending(db, context) {
    const [{ n }] = await db.query('select count(*)::int as n from sync_results where created_at < $1', [deleteCutoff(context)]);
    return n;
  },
  prune(db, context) {
    return inBatches(context, async () => {
      const [{ n }] = await db.query(
        `with gone as (
           delete from sync_results where client_id in (select client_id from sync_results where created_at < $1 limit $2)
           returning 1)
         select count(*)::int as n from gone`,
        [deleteCutoff(context), context.batchSize],
      );
      return n;
    });
  },
  async oldestAgeSeconds(db, context) {
    const [row] = await db.query('select min(created_at) as oldest from sync_results');
    return ageSeconds(context.now, row?.oldest);
  },
};

/** Strip first, then delete: the order a run applies them in. */
export const SYNC_RESULT_RETENTION = [syncResultPersonalDataRetention, syncResultRetention];
