import type { Client } from 'pg';

/**
 * The switch's checks, between the live generation's applied batches and the new generation's,
 * for what the live one applied since the rebuild started (`since`). Both read only the rows of
 * that period (the new generation's through its primary key), never every rebuilt id: live
 * batches are held back while they run.
 */

/** Live partitions the new generation has not consumed as far as the live one yet (positions compared). */
export async function partitionsBehind(control: Client, live: string, rebuilt: string, consumer: string, since: Date): Promise<number> {
  const { rows } = await control.query<{ behind: number }>(
    `select count(*)::int as behind
     from (select cluster_id, topic, partition, max(next_offset) as position
           from "${live}".applied_batches where consumer = $1 and applied_at >= $2 and partition >= 0
           group by cluster_id, topic, partition) l
     where coalesce((select max(r.next_offset) from "${rebuilt}".applied_batches r
                     where r.consumer = $1 and r.cluster_id = l.cluster_id and r.topic = l.topic and r.partition = l.partition), -1) < l.position`,
    [consumer, since],
  );
  return rows[0].behind;
}

/**
 * Ids the live generation applied since `since` that the new one did not apply. Looked for first
 * among the new generation's batches over the same offsets; an id found there is the common case.
 * The rest (an event the live generation first applied as a re-sent copy, which the replay
 * applied at its original, earlier offset) is looked for among every rebuilt id.
 */
export async function liveEventsNotRebuilt(control: Client, live: string, rebuilt: string, consumer: string, since: Date): Promise<string[]> {
  const { rows } = await control.query<{ id: string }>(
    `with live_batches as (
       select cluster_id, topic, partition, first_offset, event_ids from "${live}".applied_batches
       where consumer = $1 and applied_at >= $2 and partition >= 0),
     same_offsets as (
       select unnest(r.event_ids) as id
       from (select cluster_id, topic, partition, min(first_offset) as from_offset from live_batches group by cluster_id, topic, partition) p
       join "${rebuilt}".applied_batches r
         on r.consumer = $1 and r.cluster_id = p.cluster_id and r.topic = p.topic and r.partition = p.partition and r.next_offset > p.from_offset)
     select id::text from (select unnest(event_ids) as id from live_batches) l
     where not exists (select 1 from same_offsets s where s.id = l.id)`,
    [consumer, since],
  );
  if (rows.length === 0) return [];
  const { rows: missing } = await control.query<{ id: string }>(
    `select id::text from unnest($2::uuid[]) as id
     where id not in (select unnest(event_ids) from "${rebuilt}".applied_batches where consumer = $1)`,
    [consumer, rows.map((row) => row.id)],
  );
  return missing.map((row) => row.id);
}
