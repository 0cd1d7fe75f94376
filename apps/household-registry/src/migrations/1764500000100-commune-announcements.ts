import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the registry has published a commune's onboarded event. Communes onboarded before the
 * event existed start unannounced; the registry announces them once when it starts
 * (CommuneAnnouncer), so every service learns their province from the registry too.
 */
export class CommuneAnnouncements1764500000100 implements MigrationInterface {
  name = 'CommuneAnnouncements1764500000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table communes add column announced_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table communes drop column announced_at');
  }
}
