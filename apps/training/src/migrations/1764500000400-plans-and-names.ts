import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Micro-plans (with every version kept), households known from registry events (plans list them),
 * and when each team's name was announced (teams formed before TeamFormedV1 carried the name are
 * announced once with TeamRenamedV1 when the service starts).
 */
export class CreatePlans1764500000400 implements MigrationInterface {
  name = 'CreatePlans1764500000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table teams add column name_announced_at timestamptz');
    await queryRunner.query('create table known_households (id uuid primary key, commune_code char(5) not null, village_id uuid not null)');
    await queryRunner.query(`
      create table plans (
        id uuid primary key,
        commune_code char(5) not null,
        team_id uuid not null references teams(id),
        starts_on date not null,
        ends_on date not null,
        village_ids uuid[] not null default '{}',
        household_ids uuid[] not null default '{}',
        households_per_day integer not null check (households_per_day between 0 and 10000),
        enrollments_per_day jsonb not null default '[]',
        status text not null default 'active' check (status in ('active', 'withdrawn')),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        updated_at timestamptz not null default now(),
        check (ends_on >= starts_on)
      )`);
    await queryRunner.query('create index plans_commune on plans (commune_code, starts_on desc)');
    await queryRunner.query('create index plans_team on plans (team_id)');
    await queryRunner.query(`
      create table plan_versions (
        plan_id uuid not null references plans(id),
        version integer not null,
        change text not null check (change in ('published', 'changed', 'reassigned', 'withdrawn')),
        changed_fields text[] not null default '{}',
        state jsonb not null,
        previous_team_id uuid,
        reason text,
        changed_by text not null,
        changed_at timestamptz not null default now(),
        primary key (plan_id, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table plan_versions');
    await queryRunner.query('drop table plans');
    await queryRunner.query('drop table known_households');
    await queryRunner.query('alter table teams drop column name_announced_at');
  }
}
