import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The province feeds: every event of a province's communes, in the order the feed received them,
 * numbered 1, 2, 3, ... per province. They live in the service schema, not in a projection
 * generation, so integrators' cursors survive rebuilds.
 *
 * `province_feed_heads` holds each province's last number; appending takes its row lock and
 * commits together with the new entries, so entries of a province become visible in number
 * order and a reader that has seen n never misses a later commit with a number <= n.
 */
export class CreateProvinceFeeds1763900000700 implements MigrationInterface {
  name = 'CreateProvinceFeeds1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table province_feed_heads (
        province_code char(2) primary key,
        last_seq bigint not null check (last_seq >= 0),
        last_appended_at timestamptz not null
      )`);
    await queryRunner.query(`
      create table province_feed (
        province_code char(2) not null,
        seq bigint not null check (seq >= 1),
        event_id uuid not null unique,
        event_type text not null,
        commune_code char(5) not null,
        appended_at timestamptz not null,
        envelope json not null,
        primary key (province_code, seq)
      )`);
    await queryRunner.query('create index province_feed_appended on province_feed (province_code, appended_at, seq)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table province_feed');
    await queryRunner.query('drop table province_feed_heads');
  }
}
