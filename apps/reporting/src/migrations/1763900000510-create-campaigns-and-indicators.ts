import type { MigrationInterface, QueryRunner } from 'typeorm';

type Seed = [code: string, labelVi: string, labelEn: string, definition: string, unit: string, source: string, serviceCode: string | null, state: string | null, measure: string | null, population: string | null];

/** The national indicators communes report on; provinces add their own as data through the API. */
const INDICATORS: Seed[] = [
  ['cccd_applications', 'Hồ sơ cấp CCCD gắn chip', 'Chip ID card applications', 'Residents whose chip ID card application was collected (entered "applied")', 'people', 'enrollment', 'cccd', 'applied', null, 'eligible_residents'],
  ['cccd_issued', 'CCCD gắn chip đã cấp', 'Chip ID cards issued', 'Chip ID cards issued to residents', 'people', 'enrollment', 'cccd', 'issued', null, 'eligible_residents'],
  ['vneid_level2_registered', 'Hồ sơ định danh điện tử mức 2', 'VNeID level-2 registrations', 'Level-2 electronic identity accounts registered', 'people', 'enrollment', 'vneid_level2', 'registered', null, 'eligible_residents'],
  ['vneid_level2_issued', 'Tài khoản định danh mức 2 đã cấp', 'VNeID level-2 accounts issued', 'Level-2 accounts issued', 'people', 'enrollment', 'vneid_level2', 'issued', null, 'eligible_residents'],
  ['vneid_level2_activated', 'Tài khoản định danh mức 2 đã kích hoạt', 'VNeID level-2 accounts activated', 'Level-2 accounts activated by the resident on a phone', 'people', 'enrollment', 'vneid_level2', 'activated', null, 'eligible_residents'],
  ['ehealth_book_activated', 'Sổ sức khỏe điện tử đã kích hoạt', 'E-health books activated', 'Electronic health books activated', 'people', 'enrollment', 'ehealth_book', 'activated', null, 'residents'],
  ['epayment_accounts', 'Tài khoản thanh toán điện tử', 'E-payment accounts opened', 'Electronic payment accounts or e-wallets opened', 'people', 'enrollment', 'epayment_account', 'opened', null, 'adults'],
  ['digital_signatures', 'Chữ ký số đã cấp', 'Digital signatures issued', 'Digital signatures issued', 'people', 'enrollment', 'digital_signature', 'issued', null, 'adults'],
  ['public_service_apps', 'Ứng dụng dịch vụ công đã cài đặt', 'Public-service apps set up', 'Public-service apps installed and set up', 'people', 'enrollment', 'public_service_app', 'set_up', null, 'residents'],
  ['online_applications', 'Hồ sơ trực tuyến được hỗ trợ', 'Online applications submitted with help', 'Online public-service applications submitted with a team’s help', 'people', 'enrollment', 'online_application', 'submitted', null, null],
  ['households_visited', 'Hộ đã được đến tận nhà', 'Households visited', 'Households visited at least once (counted on the day of the first visit)', 'households', 'field', null, null, 'households_visited', 'households'],
  ['households_digital_core', 'Hộ có "lõi số"', 'Households with a digital core', 'Households with at least one member who can use a smartphone for digital services', 'households', 'field', null, null, 'households_digital_core', 'households'],
  ['organisations_e_identified', 'Tổ chức được định danh điện tử', 'Organisations e-identified', 'Cooperatives and enterprises with organisational e-identification', 'organisations', 'field', null, null, 'organisations_e_identified', 'organisations'],
  ['training_sessions_held', 'Buổi tập huấn kỹ năng số', 'Digital-skills sessions held', 'Training sessions held', 'sessions', 'training', null, null, 'sessions_held', null],
  ['residents_trained', 'Lượt người hoàn thành tập huấn', 'People who completed training', 'Attendances completed (including skill checks passed)', 'people', 'training', null, null, 'completed', 'adults'],
  ['skill_checks_passed', 'Lượt đạt kiểm tra kỹ năng số', 'Digital skill checks passed', 'Attendances with the skill check passed', 'people', 'training', null, null, 'passed', 'adults'],
  ['online_application_share', 'Tỷ lệ hồ sơ trực tuyến', 'Online share of public-service applications', 'Share of the commune’s public-service applications submitted online in the period (reported by the commune)', 'percent', 'external', null, null, null, null],
  ['on_time_processing_share', 'Tỷ lệ hồ sơ giải quyết đúng hạn', 'Applications processed on time', 'Share of applications processed on time in the period (reported by the commune)', 'percent', 'external', null, null, null, null],
];

/**
 * Campaigns, their targets, the indicator catalogue and externally reported indicator values.
 * These are the reporting service's own records (not projections): they live in its schema and
 * survive projection rebuilds.
 */
export class CreateCampaignsAndIndicators1763900000510 implements MigrationInterface {
  name = 'CreateCampaignsAndIndicators1763900000510';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table indicators (
        code text primary key check (code ~ '^[a-z0-9_]{2,60}$'),
        label_vi text not null,
        label_en text not null,
        definition text not null,
        unit text not null check (unit in ('people', 'households', 'organisations', 'sessions', 'percent')),
        source text not null check (source in ('enrollment', 'field', 'training', 'external')),
        service_code text,
        state text,
        measure text,
        topic_code text,
        default_population text check (default_population in ('eligible_residents', 'adults', 'residents', 'households', 'organisations')),
        created_by text not null default 'migration',
        created_at timestamptz not null default now()
      )`);
    for (const [code, labelVi, labelEn, definition, unit, source, serviceCode, state, measure, population] of INDICATORS) {
      await queryRunner.query(
        'insert into indicators (code, label_vi, label_en, definition, unit, source, service_code, state, measure, default_population) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [code, labelVi, labelEn, definition, unit, source, serviceCode, state, measure, population],
      );
    }
    await queryRunner.query(`
      create table indicator_values (
        commune_code char(5) not null,
        province_code char(2) not null,
        indicator_code text not null references indicators (code),
        period char(7) not null,
        value numeric(12, 2) not null,
        reported_by text not null,
        reported_at timestamptz not null default now(),
        primary key (commune_code, indicator_code, period)
      )`);
    await queryRunner.query(`
      create table campaigns (
        id uuid primary key,
        name text not null,
        commune_code char(5),
        province_code char(2) not null,
        starts_on date not null,
        ends_on date not null check (ends_on >= starts_on),
        version integer not null default 1,
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await queryRunner.query('create index campaigns_scope on campaigns (province_code, commune_code)');
    await queryRunner.query(`
      create table campaign_targets (
        campaign_id uuid not null references campaigns (id) on delete cascade,
        indicator_code text not null references indicators (code),
        position integer not null,
        target_count integer check (target_count >= 0),
        share_percent numeric(5, 2) check (share_percent > 0 and share_percent <= 100),
        population text check (population in ('eligible_residents', 'adults', 'residents', 'households', 'organisations')),
        target_value numeric(12, 2),
        counting text not null default 'window' check (counting in ('window', 'cumulative')),
        commune_targets jsonb,
        primary key (campaign_id, indicator_code)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['campaign_targets', 'campaigns', 'indicator_values', 'indicators']) await queryRunner.query(`drop table ${table}`);
  }
}
