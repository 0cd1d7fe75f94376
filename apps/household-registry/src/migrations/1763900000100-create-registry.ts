import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRegistry1763900000100 implements MigrationInterface {
  name = 'CreateRegistry1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table communes (
        code char(5) primary key,
        name text not null,
        province_code char(2) not null,
        province_name text not null,
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    await queryRunner.query(`
      create table villages (
        id uuid primary key,
        commune_code char(5) not null references communes(code),
        code text not null,
        name text not null,
        created_at timestamptz not null default now(),
        created_by text not null,
        unique (commune_code, code)
      )`);
    await queryRunner.query(`
      create table households (
        id uuid primary key,
        commune_code char(5) not null references communes(code),
        village_id uuid not null references villages(id),
        address text not null,
        head_name text not null,
        ethnic_minority boolean,
        has_electricity boolean,
        mobile_signal text check (mobile_signal in ('none', 'weak', 'good')),
        has_internet boolean,
        smart_devices integer,
        distance_to_centre_km numeric(6, 2),
        registered_at timestamptz not null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    await queryRunner.query('create index households_village on households (commune_code, village_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table households');
    await queryRunner.query('drop table villages');
    await queryRunner.query('drop table communes');
  }
}
