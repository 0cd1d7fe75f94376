import type { EntityManager } from 'typeorm';
import { REPLAYED_FROM_HEADER } from '../consumer/dead-letter-admin';
import { REPUBLISHED_HEADER } from '../outbox/outbox.republish';

/**
 * How far back, in offsets of the same partition, an event id seen again counts as a relay
 * duplicate (the relay re-sends at most one claimed batch, 500 rows, after a crash). Larger
 * than any relay batch, small enough that reading it costs little per batch.
 */
export const RECENT_OFFSETS = 2000n;

/** Message headers of deliberate re-sends (outbox republish, dead-letter replay): checked against every applied id. */
export const RESENT_HEADERS = [REPUBLISHED_HEADER, REPLAYED_FROM_HEADER] as const;

export interface PartitionBatch {
  consumer: string;
  clusterId: string;
  topic: string;
  partition: number;
}

export interface OffsetItem {
  offset: string;
  eventId: string;
  resent: boolean;
}

/**
 * Decides which events of a partition batch are new, inside the batch's transaction, and holds
 * the partition in this schema (a transaction-scoped advisory lock) so two appliers never apply
 * it at once (a member that lost the partition in a rebalance and its new owner, or a rebuild
 * and the live consumer once both write the new generation, wait for each other).
 * - below the partition's position (the newest batch row): applied before (a redelivery);
 * - an id among the last RECENT_OFFSETS offsets' ids, or twice in the batch: a relay duplicate;
 * - re-sent on purpose, or no position yet on this cluster (a new cluster, a consumer that
 *   used an inbox before): checked against every id this consumer applied.
 */
export async function newEventsByOffsets(tx: EntityManager, batch: PartitionBatch, items: OffsetItem[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  if (items.length === 0) return fresh;
  const first = items.reduce((min, item) => (BigInt(item.offset) < min ? BigInt(item.offset) : min), BigInt(items[0].offset));
  const rows: Array<{ next_offset: string; event_ids: string[] }> = await tx.query('select next_offset, event_ids from applied_batches_since($1, $2, $3, $4, $5)', [
    batch.consumer,
    batch.clusterId,
    batch.topic,
    batch.partition,
    (first - RECENT_OFFSETS).toString(),
  ]);
  const position = rows.reduce<bigint | undefined>((max, row) => (max === undefined || BigInt(row.next_offset) > max ? BigInt(row.next_offset) : max), undefined);
  const recent = new Set(rows.flatMap((row) => row.event_ids));
  const doubtful: string[] = [];
  for (const item of items) {
    if (position !== undefined && BigInt(item.offset) < position) continue;
    if (recent.has(item.eventId) || fresh.has(item.eventId)) continue;
    fresh.add(item.eventId);
    if (position === undefined || item.resent) doubtful.push(item.eventId);
  }
  if (doubtful.length > 0) {
    const known: Array<{ id: string }> = await tx.query(
      `select id from unnest($2::uuid[]) as id
       where id in (select unnest(event_ids) from applied_batches where consumer = $1)`,
      [batch.consumer, doubtful],
    );
    for (const { id } of known) fresh.delete(id);
  }
  return fresh;
}

/** Records a batch's applied ids and moves the partition's position past its last offset. */
export async function recordAppliedBatch(tx: EntityManager, batch: PartitionBatch, items: OffsetItem[], appliedIds: string[]): Promise<void> {
  if (appliedIds.length === 0) return;
  const offsets = items.map((item) => BigInt(item.offset));
  const first = offsets.reduce((min, offset) => (offset < min ? offset : min));
  const last = offsets.reduce((max, offset) => (offset > max ? offset : max));
  await tx.query(
    `insert into applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids)
     values ($1, $2, $3, $4, $5, $6, $7::uuid[])`,
    [batch.consumer, batch.clusterId, batch.topic, batch.partition, first.toString(), (last + 1n).toString(), appliedIds],
  );
}
