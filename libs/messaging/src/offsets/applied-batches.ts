import { sendWithCommit } from '@dtc/persistence';
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
 * A consumer's memory of the batches it recently applied, per partition, so the recent-ids check
 * runs in the process instead of unnesting the window in Postgres for every batch. It is trusted
 * only from the offset it covers onwards, and only while the partition's schema and position are
 * the ones it last saw: another applier (a rebalance, a rebuild's switch to a new generation)
 * makes it start over, and the window is then checked in Postgres again.
 */
export class RecentBatches {
  private readonly partitions = new Map<string, { schema: string; position: bigint; coveredFrom: bigint; batches: Array<{ next: bigint; ids: string[] }> }>();

  /** The offset from which Postgres must check a batch starting at `first` (the memory covers the window below it). */
  since(batch: PartitionBatch, first: bigint): bigint {
    const from = first - RECENT_OFFSETS;
    const known = this.partitions.get(RecentBatches.key(batch));
    if (!known || from < known.coveredFrom) return from;
    return known.position > from ? known.position : from;
  }

  /** Remembered ids in the window of `first`, or undefined when the memory does not hold for what Postgres reported. */
  seen(batch: PartitionBatch, first: bigint, schema: string, position: bigint | undefined): Set<string> | undefined {
    const known = this.partitions.get(RecentBatches.key(batch));
    if (!known || known.schema !== schema || known.position !== position) return undefined;
    return new Set(known.batches.filter((b) => b.next > first - RECENT_OFFSETS).flatMap((b) => b.ids));
  }

  /** After the batch's commit: it is applied, and the partition's position is its next offset. */
  remember(batch: PartitionBatch, decision: OffsetsDecision, next: bigint, ids: string[]): void {
    const key = RecentBatches.key(batch);
    const known = this.partitions.get(key);
    if (!known || known.schema !== decision.schema || known.position !== decision.position) {
      // First contact, or another applier moved the partition: below `next` is Postgres's to check.
      this.partitions.set(key, { schema: decision.schema, position: next, coveredFrom: next, batches: [] });
      return;
    }
    known.batches.push({ next, ids });
    known.position = next;
    while (known.batches.length > 0 && known.batches[0].next <= next - RECENT_OFFSETS) known.batches.shift();
  }

  private static key({ consumer, clusterId, topic, partition }: PartitionBatch): string {
    return `${consumer}|${clusterId}|${topic}|${partition}`;
  }
}

/** What newEventsByOffsets decided, and what RecentBatches is told once the batch commits. */
export interface OffsetsDecision {
  fresh: Set<string>;
  schema: string;
  position: bigint | undefined;
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
export async function newEventsByOffsets(tx: EntityManager, batch: PartitionBatch, items: OffsetItem[], memory = new RecentBatches()): Promise<OffsetsDecision> {
  const first = items.reduce((min, item) => (BigInt(item.offset) < min ? BigInt(item.offset) : min), BigInt(items[0].offset));
  const ids = [...new Set(items.map((item) => item.eventId))];
  const read = async (since: bigint) => {
    const [row]: Array<{ schema_name: string; next_offset: string | null; seen: string[] }> = await tx.query(
      'select schema_name, next_offset, seen from applied_batches_since($1, $2, $3, $4, $5, $6)',
      [batch.consumer, batch.clusterId, batch.topic, batch.partition, since.toString(), ids],
    );
    return { schema: row.schema_name, position: row.next_offset === null ? undefined : BigInt(row.next_offset), seen: row.seen };
  };
  const since = memory.since(batch, first);
  let found = await read(since);
  let remembered = memory.seen(batch, first, found.schema, found.position);
  if (!remembered) {
    // The memory does not hold (first contact, another applier): Postgres checks the whole window.
    if (since !== first - RECENT_OFFSETS) found = await read(first - RECENT_OFFSETS);
    remembered = new Set();
  }
  const { schema, position } = found;
  const recent = new Set([...found.seen, ...remembered]);
  const fresh = new Set<string>();
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
  return { fresh, schema, position };
}

/**
 * Records a batch's applied ids and moves the partition's position past its last offset, also
 * when it applied none (copies only), so the position always says how far the consumer has read.
 * Answers the new position; nothing when the batch lay wholly below the current one.
 */
export async function recordAppliedBatch(tx: EntityManager, batch: PartitionBatch, items: OffsetItem[], appliedIds: string[], position: bigint | undefined): Promise<bigint | undefined> {
  const offsets = items.map((item) => BigInt(item.offset));
  const first = offsets.reduce((min, offset) => (offset < min ? offset : min));
  const next = offsets.reduce((max, offset) => (offset > max ? offset : max)) + 1n;
  if (appliedIds.length === 0 && position !== undefined && next <= position) return undefined;
  // Nothing reads it back in this transaction: it goes with the commit.
  await sendWithCommit(
    tx,
    `insert into applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids)
     values ($1, $2, $3, $4, $5, $6, $7::uuid[])`,
    [batch.consumer, batch.clusterId, batch.topic, batch.partition, first.toString(), next.toString(), appliedIds],
  );
  return next;
}
