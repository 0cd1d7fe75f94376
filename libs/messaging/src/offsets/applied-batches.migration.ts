import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an offsets-deduplicating consumer has applied: one row per batch (its partition, the
 * offsets it covered, the event ids it applied), written in the batch's transaction. The newest
 * row of a partition is the consumer's position there. Ids an inbox held are moved in as rows of
 * no partition, so a consumer switched from its inbox still recognises what it applied before.
 */
export class CreateAppliedBatches1765100000001 implements MigrationInterface {
  name = 'CreateAppliedBatches1765100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table applied_batches (
        consumer text not null,
        cluster_id text not null,
        topic text not null,
        partition int not null,
        first_offset bigint not null,
        next_offset bigint not null,
        event_ids uuid[] not null,
        applied_at timestamptz not null default now(),
        primary key (consumer, cluster_id, topic, partition, next_offset)
      )`);
    await queryRunner.query(`
      insert into applied_batches (consumer, cluster_id, topic, partition, first_offset, next_offset, event_ids, applied_at)
      select consumer, '', '', -1, chunk, chunk + 1, array_agg(event_id), max(processed_at)
      from (select consumer, event_id, processed_at, (row_number() over (partition by consumer order by processed_at, event_id) - 1) / 10000 as chunk from inbox) ids
      group by consumer, chunk`);
    await queryRunner.query('delete from inbox');
    // One round trip per batch: hold the partition, then read (a statement of its own inside the
    // function, so it sees what a previous holder committed while this one waited): the
    // partition's position, which of the batch's ids the batches since p_since applied, and the
    // schema (a consumer's memory of recent batches is per schema: generations differ).
    await queryRunner.query(`
      create function applied_batches_since(p_consumer text, p_cluster_id text, p_topic text, p_partition int, p_since bigint, p_event_ids uuid[])
      returns table (schema_name text, next_offset bigint, seen uuid[]) language plpgsql volatile as $$
      begin
        -- Per schema: a rebuild filling a new generation does not wait for the live one.
        perform pg_advisory_xact_lock(hashtext(current_schema() || '|' || p_consumer || '|' || p_topic), p_partition);
        return query
          select
            current_schema()::text,
            (select max(m.next_offset) from applied_batches m
             where m.consumer = p_consumer and m.cluster_id = p_cluster_id and m.topic = p_topic and m.partition = p_partition),
            array(select id from unnest(p_event_ids) as id where id in (
              select unnest(b.event_ids) from applied_batches b
              where b.consumer = p_consumer and b.cluster_id = p_cluster_id and b.topic = p_topic and b.partition = p_partition and b.next_offset > p_since));
      end $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      insert into inbox (consumer, event_id, processed_at)
      select consumer, unnest(event_ids), applied_at from applied_batches on conflict do nothing`);
    await queryRunner.query('drop function applied_batches_since(text, text, text, int, bigint, uuid[])');
    await queryRunner.query('drop table applied_batches');
  }
}
