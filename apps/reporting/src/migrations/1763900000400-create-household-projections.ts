import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Households per village per commune, kept current from registry events. */
export class CreateHouseholdProjections1763900000400 implements MigrationInterface {
  name = 'CreateHouseholdProjections1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table village_households (
        commune_code char(5) not null,
        village_id uuid not null,
        province_code char(2) not null,
        village_code text not null,
        village_name text not null,
        households integer not null default 0,
        last_event_at timestamptz not null,
        updated_at timestamptz not null default now(),
        primary key (commune_code, village_id)
      )`);
    await queryRunner.query('create index village_households_province on village_households (province_code)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table village_households');
  }
}
