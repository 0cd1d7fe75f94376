import { findEventDefinition, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

export interface StreamHead {
  stream: string;
  newestEventAt: string;
  events: number;
}

/** Per source stream: the newest event time in the batch and how many events it brought. */
export function streamHeadsOf(events: EventEnvelope[]): StreamHead[] {
  const heads = new Map<string, StreamHead>();
  for (const event of events) {
    const stream = findEventDefinition(event.type)?.stream;
    if (!stream) continue;
    const head = heads.get(stream) ?? { stream, newestEventAt: event.time, events: 0 };
    if (Date.parse(event.time) > Date.parse(head.newestEventAt)) head.newestEventAt = event.time;
    head.events += 1;
    heads.set(stream, head);
  }
  return [...heads.values()].sort((a, b) => a.stream.localeCompare(b.stream));
}

/**
 * "Data as of": in the batch's own transaction, so a head never runs ahead of the figures it
 * vouches for. applied_at is the commit's clock (now() is the transaction start: close enough
 * and the same for every row of the batch).
 */
export async function applyStreamHeads(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const heads = streamHeadsOf(events);
  if (heads.length === 0) return;
  await tx.query(
    `insert into stream_heads (stream, newest_event_at, applied_at, events)
     select stream, newest, now(), events from unnest($1::text[], $2::timestamptz[], $3::bigint[]) as incoming (stream, newest, events)
     on conflict (stream) do update set newest_event_at = greatest(stream_heads.newest_event_at, excluded.newest_event_at), applied_at = excluded.applied_at, events = stream_heads.events + excluded.events`,
    [heads.map((h) => h.stream), heads.map((h) => h.newestEventAt), heads.map((h) => h.events)],
  );
}
