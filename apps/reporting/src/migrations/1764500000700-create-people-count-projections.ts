import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections for indicators that count people and households rather than state entries:
 * enrollment states per day and detail (which app or procedure), residents per day with the
 * enrollment steps taken with them (distinct counts over any window stay exact), each
 * enrollment's latest state (households done), and per stream the newest event applied ("data as of").
 */
export class CreatePeopleCountProjections1764500000700 implements MigrationInterface {
  name = 'CreatePeopleCountProjections1764500000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table enrollment_detail_daily (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        service_code text not null,
        detail text not null,
        team_id uuid not null,
        member_id uuid not null,
        day date not null,
        state text not null,
        entered integer not null default 0,
        primary key (commune_code, village_id, service_code, detail, team_id, member_id, day, state)
      )`);
    await queryRunner.query('create index enrollment_detail_daily_service on enrollment_detail_daily (service_code, detail, state, day)');
    await queryRunner.query(`
      create table resident_support_daily (
        resident_id uuid not null,
        day date not null,
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        steps integer not null default 0,
        primary key (resident_id, day)
      )`);
    await queryRunner.query('create index resident_support_daily_commune on resident_support_daily (commune_code, day)');
    await queryRunner.query('create index resident_support_daily_province on resident_support_daily (province_code, day)');
    await queryRunner.query(`
      create table resident_enrollments (
        enrollment_id uuid primary key,
        resident_id uuid not null,
        commune_code char(5) not null,
        province_code char(2) not null,
        service_code text not null,
        opened_day date not null,
        state text not null,
        state_day date not null,
        state_at timestamptz not null
      )`);
    await queryRunner.query('create index resident_enrollments_resident on resident_enrollments (resident_id, service_code)');
    await queryRunner.query(`
      create table stream_heads (
        stream text primary key,
        newest_event_at timestamptz not null,
        applied_at timestamptz not null,
        events bigint not null default 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['stream_heads', 'resident_enrollments', 'resident_support_daily', 'enrollment_detail_daily']) await queryRunner.query(`drop table ${table}`);
  }
}
