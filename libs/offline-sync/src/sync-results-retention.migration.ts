import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of stored sync results: when their personal data was removed (null: the full body
 * is still there), and an index on the storage time for the pruning's range scans.
 */
export class SyncResultsRetention1764700000560 implements MigrationInterface {
  name = 'SyncResultsRetention1764700000560';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table sync_results add column if not exists details_removed_at timestamptz');
    await queryRunner.query('create index if not exists sync_results_created on sync_results (created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists sync_results_created');
    await queryRunner.query('alter table sync_results drop column if exists details_removed_at');
  }
}
