import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Province and commune reports sum daily rows by state, measure or village. These indexes lead
 * with what the reports filter on (state included) and carry the summed columns, so a province
 * ranking over hundreds of communes reads the index only, not the table.
 */
export class CoveringReportIndexes1763900000440 implements MigrationInterface {
  name = 'CoveringReportIndexes1763900000440';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists enrollment_state_daily_province');
    await queryRunner.query('create index enrollment_state_daily_province on enrollment_state_daily (province_code, service_code, state, day) include (commune_code, entered)');
    await queryRunner.query('drop index if exists enrollment_state_daily_service');
    await queryRunner.query('create index enrollment_state_daily_service on enrollment_state_daily (commune_code, service_code, state, day) include (village_id, entered)');
    await queryRunner.query('drop index if exists field_daily_province');
    await queryRunner.query('create index field_daily_province on field_daily (province_code, measure, day) include (commune_code, value)');
    await queryRunner.query('drop index if exists village_population_province');
    await queryRunner.query('create index village_population_province on village_population (province_code) include (commune_code, village_id, birth_month, residents)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists enrollment_state_daily_province');
    await queryRunner.query('create index enrollment_state_daily_province on enrollment_state_daily (province_code, service_code, day)');
    await queryRunner.query('drop index if exists enrollment_state_daily_service');
    await queryRunner.query('create index enrollment_state_daily_service on enrollment_state_daily (commune_code, service_code, day)');
    await queryRunner.query('drop index if exists field_daily_province');
    await queryRunner.query('create index field_daily_province on field_daily (province_code, measure, day)');
    await queryRunner.query('drop index if exists village_population_province');
    await queryRunner.query('create index village_population_province on village_population (province_code)');
  }
}
