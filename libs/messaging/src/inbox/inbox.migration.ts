import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Event ids a consumer has applied, written in the same transaction as its projection changes. */
export class CreateInbox1763900000001 implements MigrationInterface {
  name = 'CreateInbox1763900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table inbox (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table inbox');
  }
}
