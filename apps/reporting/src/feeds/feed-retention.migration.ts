import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feed retention: each province's feed keeps the events after `pruned_through` (0: nothing
 * pruned yet). A cursor before it answers 410 Gone with the earliest cursor still valid.
 */
export class ProvinceFeedRetention1764700000710 implements MigrationInterface {
  name = 'ProvinceFeedRetention1764700000710';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table province_feed_heads add column if not exists pruned_through bigint not null default 0 check (pruned_through >= 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table province_feed_heads drop column if exists pruned_through');
  }
}
