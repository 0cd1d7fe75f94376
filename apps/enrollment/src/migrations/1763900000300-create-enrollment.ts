import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The default national service catalogue. A lifecycle is an ordered happy path; any open state
 * may also go to rejected (with a reason) or cancelled. Provinces add services as data.
 */
const CATALOGUE: Array<[string, string, string, 'resident' | 'organisation', number | null, string | null, string[]]> = [
  ['cccd', 'Cấp căn cước công dân gắn chip', 'Chip-based citizen ID card', 'resident', 14, null, ['applied', 'issued', 'delivered']],
  ['vneid_level1', 'Tài khoản định danh điện tử mức 1', 'VNeID account level 1', 'resident', null, null, ['registered', 'issued', 'activated']],
  ['vneid_level2', 'Tài khoản định danh điện tử mức 2', 'VNeID account level 2', 'resident', 14, null, ['registered', 'issued', 'activated']],
  ['ehealth_book', 'Kích hoạt sổ sức khỏe điện tử', 'E-health book activation', 'resident', null, null, ['registered', 'activated']],
  ['health_insurance_vneid', 'Tích hợp thẻ BHYT vào VNeID', 'Health insurance linked to VNeID', 'resident', null, null, ['requested', 'linked']],
  ['digital_signature', 'Chữ ký số', 'Digital signature', 'resident', 18, null, ['applied', 'issued']],
  ['epayment_account', 'Tài khoản thanh toán điện tử / ví điện tử', 'E-payment account or e-wallet', 'resident', 15, null, ['opened', 'activated']],
  ['public_service_app', 'Cài đặt ứng dụng dịch vụ công', 'Public-service app set up', 'resident', null, 'app', ['installed', 'set_up']],
  ['online_application', 'Hỗ trợ nộp hồ sơ trực tuyến', 'Online public-service application submitted with help', 'resident', null, 'procedure', ['submitted', 'completed']],
  ['org_eid', 'Định danh điện tử cho tổ chức', 'Organisational e-identification', 'organisation', null, null, ['applied', 'issued']],
];

export class CreateEnrollment1763900000300 implements MigrationInterface {
  name = 'CreateEnrollment1763900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table services (
        code text primary key check (code ~ '^[a-z0-9_]{2,40}$'),
        name_vi text not null,
        name_en text not null,
        subject text not null check (subject in ('resident', 'organisation')),
        min_age integer,
        detail_label text,
        states text[] not null check (cardinality(states) between 1 and 10),
        province_code char(2),
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    for (const [code, nameVi, nameEn, subject, minAge, detail, states] of CATALOGUE) {
      await queryRunner.query('insert into services (code, name_vi, name_en, subject, min_age, detail_label, states, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
        code,
        nameVi,
        nameEn,
        subject,
        minAge,
        detail,
        states,
        'catalogue-seed',
      ]);
    }
    // Read models built from registry events (never the registry's tables).
    await queryRunner.query(`
      create table known_residents (
        id uuid primary key,
        commune_code char(5) not null,
        household_id uuid not null,
        village_id uuid not null,
        sex text not null,
        birth_year integer not null,
        birth_month integer not null,
        status text not null default 'living',
        updated_at timestamptz not null default now()
      )`);
    await queryRunner.query('create index known_residents_household on known_residents (household_id)');
    await queryRunner.query(`
      create table known_organisations (id uuid primary key, commune_code char(5) not null, village_id uuid not null)`);
    await queryRunner.query(`
      create table enrollments (
        id uuid primary key,
        commune_code char(5) not null,
        service_code text not null references services(code),
        subject_type text not null,
        subject_id uuid not null,
        state text not null,
        open boolean not null default true,
        validation text not null check (validation in ('valid', 'pending_subject', 'ineligible')),
        detail text,
        village_id uuid,
        team_id uuid,
        member_id uuid,
        sex text,
        birth_year integer,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default now(),
        version integer not null default 1,
        created_by text not null,
        updated_at timestamptz not null default now()
      )`);
    await queryRunner.query('create unique index enrollments_one_open on enrollments (service_code, subject_id) where open');
    await queryRunner.query('create index enrollments_subject on enrollments (subject_id)');
    await queryRunner.query('create index enrollments_listing on enrollments (commune_code, service_code, state)');
    await queryRunner.query("create index enrollments_pending on enrollments (subject_id) where validation = 'pending_subject'");
    await queryRunner.query(`
      create table enrollment_steps (
        id bigserial primary key,
        enrollment_id uuid not null references enrollments(id),
        from_state text,
        to_state text,
        reason text,
        obstacle text,
        team_id uuid,
        member_id uuid,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default now(),
        actor text not null
      )`);
    await queryRunner.query('create index enrollment_steps_enrollment on enrollment_steps (enrollment_id, id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['enrollment_steps', 'enrollments', 'known_organisations', 'known_residents', 'services']) await queryRunner.query(`drop table ${table}`);
  }
}
