import type { MigrationInterface, QueryRunner } from 'typeorm';

const TOPICS: Array<[string, string, string]> = [
  ['online_public_services', 'Sử dụng dịch vụ công trực tuyến', 'Using online public services'],
  ['vneid', 'Sử dụng ứng dụng VNeID', 'Using the VNeID app'],
  ['cashless_qr', 'Thanh toán không dùng tiền mặt, mã QR', 'Cashless payment and QR codes'],
  ['bills_online', 'Thanh toán hóa đơn điện, nước trực tuyến', 'Paying electricity and water bills online'],
  ['selling_online', 'Bán hàng trực tuyến', 'Selling online'],
  ['fraud_prevention', 'Phòng chống lừa đảo, tội phạm mạng', 'Fraud and cybercrime prevention'],
  ['ai_for_officials', 'Ứng dụng AI cho cán bộ', 'AI for officials'],
];

export class CreateTraining1763900000500 implements MigrationInterface {
  name = 'CreateTraining1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table topics (
        code text primary key check (code ~ '^[a-z0-9_]{2,40}$'),
        name_vi text not null,
        name_en text not null,
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    for (const [code, vi, en] of TOPICS) await queryRunner.query('insert into topics (code, name_vi, name_en, created_by) values ($1, $2, $3, $4)', [code, vi, en, 'catalogue-seed']);
    await queryRunner.query('create table known_villages (id uuid primary key, commune_code char(5) not null, code text not null, name text not null)');
    await queryRunner.query("create table known_residents (id uuid primary key, commune_code char(5) not null, village_id uuid not null, status text not null default 'living')");
    await queryRunner.query(`
      create table teams (
        id uuid primary key,
        commune_code char(5) not null,
        name text not null,
        kind text not null check (kind in ('mobile_working_group', 'community_digital_team')),
        active_from date not null,
        active_to date,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        check (active_to is null or active_to >= active_from)
      )`);
    await queryRunner.query(`
      create table members (
        id uuid primary key,
        commune_code char(5) not null,
        full_name text not null,
        affiliation text not null,
        phone text,
        created_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table memberships (
        id bigserial primary key,
        team_id uuid not null references teams(id),
        member_id uuid not null references members(id),
        joined_at timestamptz not null,
        left_at timestamptz,
        recorded_by text not null
      )`);
    await queryRunner.query('create unique index memberships_current on memberships (team_id, member_id) where left_at is null');
    await queryRunner.query(`
      create table team_villages (
        team_id uuid not null references teams(id),
        village_id uuid not null,
        assigned_at timestamptz not null,
        unassigned_at timestamptz
      )`);
    await queryRunner.query('create unique index team_villages_current on team_villages (team_id, village_id) where unassigned_at is null');
    await queryRunner.query(`
      create table teaching_points (
        id uuid primary key,
        commune_code char(5) not null,
        name text not null,
        village_id uuid,
        address text not null,
        weekdays integer[] not null,
        start_time time not null,
        duration_minutes integer not null,
        active_from date not null,
        active_to date,
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    await queryRunner.query(`
      create table sessions (
        id uuid primary key,
        commune_code char(5) not null,
        topic_code text not null references topics(code),
        audience text not null,
        venue_type text not null,
        venue_name text not null,
        teaching_point_id uuid references teaching_points(id),
        village_id uuid,
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        capacity integer not null check (capacity > 0),
        trainer_member_ids uuid[] not null default '{}',
        state text not null default 'scheduled' check (state in ('scheduled', 'held', 'cancelled')),
        cancel_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        check (ends_at > starts_at)
      )`);
    await queryRunner.query('create index sessions_commune on sessions (commune_code, starts_at)');
    await queryRunner.query(`
      create table walk_ins (
        id uuid primary key,
        commune_code char(5) not null,
        full_name text not null,
        sex text,
        birth_year integer,
        village_id uuid,
        linked_resident_id uuid,
        linked_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table attendance (
        id uuid primary key,
        session_id uuid not null references sessions(id),
        resident_id uuid,
        walk_in_id uuid references walk_ins(id),
        outcome text not null check (outcome in ('attended', 'completed', 'skill_check_passed')),
        recorded_at timestamptz not null default now(),
        recorded_by text not null,
        check ((resident_id is null) <> (walk_in_id is null))
      )`);
    await queryRunner.query('create unique index attendance_resident_once on attendance (session_id, resident_id) where resident_id is not null');
    await queryRunner.query('create unique index attendance_walk_in_once on attendance (session_id, walk_in_id) where walk_in_id is not null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['attendance', 'walk_ins', 'sessions', 'teaching_points', 'team_villages', 'memberships', 'members', 'teams', 'known_residents', 'known_villages', 'topics']) {
      await queryRunner.query(`drop table ${table}`);
    }
  }
}
