import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: events are inserted in the same transaction as the state change
 * and published by the relay. The partial index keeps claiming cheap as the table grows.
 */
export class CreateOutbox1763900000000 implements MigrationInterface {
  name = 'CreateOutbox1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table outbox (
        seq bigserial primary key,
        event_id uuid not null unique,
        topic text not null,
        message_key text not null,
        event_type text not null,
        tenant text not null,
        payload text not null,
        created_at timestamptz not null default clock_timestamp(),
        published_at timestamptz,
        attempts integer not null default 0,
        last_error text
      )`);
    await queryRunner.query('create index outbox_unpublished on outbox (seq) where published_at is null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table outbox');
  }
}
