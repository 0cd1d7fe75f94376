import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the field knows about households, residents and organisations, as reports need it:
 * per-entity facts (so a later event can undo an earlier contribution), per-village stock
 * counters, the population by birth month (eligibility on any report date), obstacles, and
 * field work per day, team and member (by the day it happened).
 */
export class CreateFieldProjections1763900000430 implements MigrationInterface {
  name = 'CreateFieldProjections1763900000430';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table household_facts (
        household_id uuid primary key,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        digital_core boolean not null default false,
        smartphone_owners integer not null default 0,
        visits integer not null default 0,
        first_visit_at timestamptz,
        first_visit_team_id uuid,
        first_visit_member_id uuid,
        last_visit_at timestamptz,
        obstacles text[] not null default '{}'
      )`);
    await queryRunner.query(`
      create table resident_facts (
        resident_id uuid primary key,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        household_id uuid not null,
        birth_month integer not null,
        sex text not null,
        owns_smartphone boolean not null,
        living boolean not null
      )`);
    await queryRunner.query('create index resident_facts_household on resident_facts (household_id)');
    await queryRunner.query(`
      create table organisation_facts (
        organisation_id uuid primary key,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        e_identified boolean not null
      )`);
    await queryRunner.query(`
      create table village_population (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        birth_month integer not null,
        sex text not null,
        residents integer not null default 0,
        smartphone_owners integer not null default 0,
        primary key (commune_code, village_id, birth_month, sex)
      )`);
    await queryRunner.query('create index village_population_province on village_population (province_code)');
    await queryRunner.query(`
      create table village_facts (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        households_with_digital_core integer not null default 0,
        households_with_smartphone integer not null default 0,
        households_visited integer not null default 0,
        organisations integer not null default 0,
        organisations_e_identified integer not null default 0,
        primary key (commune_code, village_id)
      )`);
    await queryRunner.query('create index village_facts_province on village_facts (province_code)');
    await queryRunner.query(`
      create table village_obstacles (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        obstacle text not null,
        households integer not null default 0,
        primary key (commune_code, village_id, obstacle)
      )`);
    await queryRunner.query(`
      create table field_daily (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        team_id uuid not null,
        member_id uuid not null,
        day date not null,
        measure text not null,
        value integer not null default 0,
        primary key (commune_code, village_id, team_id, member_id, day, measure)
      )`);
    await queryRunner.query('create index field_daily_measure on field_daily (commune_code, measure, day)');
    await queryRunner.query('create index field_daily_province on field_daily (province_code, measure, day)');
    await queryRunner.query('create index enrollment_state_daily_province on enrollment_state_daily (province_code, service_code, day)');
    await queryRunner.query('create index enrollment_state_daily_team on enrollment_state_daily (team_id, service_code, day)');
    await queryRunner.query(`
      create table teams (
        team_id uuid primary key,
        commune_code char(5) not null,
        province_code char(2) not null,
        kind text not null,
        active_from date not null,
        active_to date
      )`);
    await queryRunner.query(`
      create table team_members (
        team_id uuid not null,
        member_id uuid not null,
        affiliation text,
        active boolean not null,
        primary key (team_id, member_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['team_members', 'teams', 'field_daily', 'village_obstacles', 'village_facts', 'village_population', 'organisation_facts', 'resident_facts', 'household_facts']) {
      await queryRunner.query(`drop table ${table}`);
    }
    await queryRunner.query('drop index enrollment_state_daily_province');
    await queryRunner.query('drop index enrollment_state_daily_team');
  }
}
