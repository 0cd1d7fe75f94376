import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each province's feed was last pruned up to: the receive time of the newest removed event
 * (null: nothing removed). A `since` at or before it would skip removed events, so it answers
 * 410 Gone like a cursor before `pruned_through`.
 */
export class ProvinceFeedPrunedReceiveTime1765000000710 implements MigrationInterface {
  name = 'ProvinceFeedPrunedReceiveTime1765000000710';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table province_feed_heads add column if not exists pruned_through_appended_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table province_feed_heads drop column if exists pruned_through_appended_at');
  }
}
