import type { EntityManager } from 'typeorm';

/**
 * Records event ids for a consumer inside the caller's transaction and returns the ids that
 * were new. Duplicates (redelivery, a relay publishing twice) are dropped here, by event id.
 */
export async function claimNewEvents(tx: EntityManager, consumer: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows: Array<{ event_id: string }> = await tx.query(
    `insert into inbox (consumer, event_id)
     select $1, id from unnest($2::uuid[]) as id
     on conflict do nothing
     returning event_id`,
    [consumer, [...new Set(eventIds)]],
  );
  return new Set(rows.map((row) => row.event_id));
}
