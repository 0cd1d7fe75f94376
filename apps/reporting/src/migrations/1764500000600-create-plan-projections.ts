import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Planning and accountability projections (issue 17): public village and team names, every
 * accepted version of every micro-plan (targets are computed from them per day when read), the
 * current review verdict of each visit and enrollment step, and per-day work counters
 * (enrollments opened, verified visits, verified enrollment steps) by team, member and village.
 */
export class CreatePlanProjections1764500000600 implements MigrationInterface {
  name = 'CreatePlanProjections1764500000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table villages (
        village_id uuid primary key,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_code text,
        village_name text not null,
        named_by text not null,
        named_at timestamptz not null
      )`);
    await queryRunner.query('create index villages_commune on villages (commune_code)');
    await queryRunner.query('alter table teams add column team_name text');
    await queryRunner.query('alter table teams add column team_named_at timestamptz');
    await queryRunner.query(`
      create table plan_versions (
        plan_id uuid not null,
        version integer not null,
        kind text not null,
        commune_code char(5) not null,
        province_code char(2) not null,
        team_id uuid not null,
        starts_on date,
        ends_on date,
        households_per_day integer not null default 0,
        enrollments_per_day jsonb not null default '[]',
        village_ids uuid[] not null default '{}',
        household_ids uuid[] not null default '{}',
        occurred_at timestamptz not null,
        primary key (plan_id, version, kind)
      )`);
    await queryRunner.query('create index plan_versions_commune on plan_versions (commune_code)');
    await queryRunner.query(`
      create table visit_reviews (
        visit_id uuid primary key,
        household_id uuid not null,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        team_id uuid not null,
        member_id uuid not null,
        visited_at timestamptz not null,
        verdict text not null,
        reviewed_at timestamptz not null
      )`);
    await queryRunner.query(`
      create table enrollment_step_reviews (
        enrollment_id uuid not null,
        step_number integer not null,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        service_code text not null,
        team_id uuid not null,
        member_id uuid not null,
        step_state text not null,
        step_occurred_at timestamptz not null,
        verdict text not null,
        reviewed_at timestamptz not null,
        primary key (enrollment_id, step_number)
      )`);
    await queryRunner.query(`
      create table work_daily (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        team_id uuid not null,
        member_id uuid not null,
        day date not null,
        measure text not null,
        service_code text not null,
        state text not null,
        value integer not null default 0,
        primary key (commune_code, village_id, team_id, member_id, day, measure, service_code, state)
      )`);
    await queryRunner.query('create index work_daily_measure on work_daily (commune_code, measure, day)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['work_daily', 'enrollment_step_reviews', 'visit_reviews', 'plan_versions', 'villages']) await queryRunner.query(`drop table ${table}`);
    await queryRunner.query('alter table teams drop column team_named_at');
    await queryRunner.query('alter table teams drop column team_name');
  }
}
