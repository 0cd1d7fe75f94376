import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * residents_name (commune_code, name_normalized) is a prefix of residents_duplicate_key
 * (commune_code, name_normalized, date_of_birth), with the same collation: every look-up it
 * served, the longer index serves too. Dropping it saves one index entry per resident written.
 */
export class DropResidentsNameIndex1765200000100 implements MigrationInterface {
  name = 'DropResidentsNameIndex1765200000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists residents_name');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('create index residents_name on residents (commune_code, name_normalized)');
  }
}
