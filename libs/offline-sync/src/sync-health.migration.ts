import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync health: which phone (x-device-id) uploaded each stored result, and an index to answer
 * "who uploaded what in this commune lately" without scanning every result ever stored.
 * The uploader (actor) and commune were already stored.
 */
export class SyncResultsDevice1764500000550 implements MigrationInterface {
  name = 'SyncResultsDevice1764500000550';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table sync_results add column if not exists device_id text');
    await queryRunner.query('create index if not exists sync_results_health on sync_results (commune_code, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists sync_results_health');
    await queryRunner.query('alter table sync_results drop column if exists device_id');
  }
}
