import type { EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

/** The consumer (and consumer group, with the topic prefix) that fills the province feeds. */
export const PROVINCE_FEED_CONSUMER = 'reporting-province-feed';

/**
 * Appends a batch of events to the feeds of their provinces, inside the consumer's transaction.
 * Per province, the head row is locked and advanced by the number of new entries, so appends to
 * one province commit one after the other in number order, whichever reporting instance makes
 * them. Provinces are locked in code order (no deadlocks between instances).
 *
 * The feed is its own inbox: events already in a feed are skipped (and answered, so the consumer
 * counts them as duplicates), and its unique event id makes an instance that appends an event
 * another one appended meanwhile fail and retry the batch, which then skips it. Feeds keep events
 * far longer (FEED_RETENTION_DAYS) than an inbox remembers them.
 */
export async function appendToProvinceFeeds(tx: EntityManager, events: EventEnvelope[]): Promise<{ alreadyApplied: ReadonlySet<string> }> {
  const alreadyApplied = await alreadyInFeeds(tx, events);
  const present = new Set(alreadyApplied);
  const byProvince = new Map<string, EventEnvelope[]>();
  for (const event of events) {
    if (present.has(event.id)) continue;
    present.add(event.id);
    byProvince.set(event.province, [...(byProvince.get(event.province) ?? []), event]);
  }
  for (const province of [...byProvince.keys()].sort()) await appendToProvince(tx, province, byProvince.get(province)!);
  return { alreadyApplied };
}

async function alreadyInFeeds(tx: EntityManager, events: EventEnvelope[]): Promise<Set<string>> {
  const rows: Array<{ event_id: string }> = await tx.query('select event_id from province_feed where event_id = any($1::uuid[])', [events.map((event) => event.id)]);
  return new Set(rows.map((row) => row.event_id));
}

async function appendToProvince(tx: EntityManager, province: string, events: EventEnvelope[]): Promise<void> {
  // The time is taken after the row lock (in the update) and never goes backwards, so a later
  // number never has an earlier time: `since` can find its starting point with one index lookup.
  const [head]: Array<{ last_seq: string; last_appended_at: Date }> = await tx.query(
    `insert into province_feed_heads as h (province_code, last_seq, last_appended_at) values ($1, $2, clock_timestamp())
     on conflict (province_code) do update
       set last_seq = h.last_seq + excluded.last_seq, last_appended_at = greatest(h.last_appended_at, clock_timestamp())
     returning last_seq, last_appended_at`,
    [province, events.length],
  );
  const first = Number(head.last_seq) - events.length + 1;
  await tx.query(
    `insert into province_feed (province_code, seq, event_id, event_type, commune_code, appended_at, envelope)
     select $1, $2::bigint + e.ord - 1, e.id, e.type, e.tenant, $3, e.envelope::json
     from unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) with ordinality as e(id, type, tenant, envelope, ord)`,
    [
      province,
      first,
      head.last_appended_at,
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.tenant),
      // The envelope as published: the consumer parsed the message value without changing it.
      events.map((event) => JSON.stringify(event)),
    ],
  );
}
