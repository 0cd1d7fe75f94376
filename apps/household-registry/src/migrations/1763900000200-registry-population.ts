import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Residents, visits, organisations, household history, duplicate flags, offline sync and audit. */
export class RegistryPopulation1763900000200 implements MigrationInterface {
  name = 'RegistryPopulation1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      alter table households
        add column latitude numeric(9, 6),
        add column longitude numeric(9, 6),
        add column digital_core_resident_id uuid,
        add column updated_at timestamptz not null default now(),
        add column updated_by text`);
    await queryRunner.query(`
      create table household_village_history (
        id bigserial primary key,
        household_id uuid not null references households(id),
        village_id uuid not null references villages(id),
        from_at timestamptz not null,
        to_at timestamptz,
        recorded_by text not null
      )`);
    await queryRunner.query('create index household_village_history_household on household_village_history (household_id, from_at)');
    await queryRunner.query(`
      insert into household_village_history (household_id, village_id, from_at, recorded_by)
      select id, village_id, registered_at, created_by from households`);
    await queryRunner.query(`
      create table residents (
        id uuid primary key,
        commune_code char(5) not null references communes(code),
        household_id uuid not null references households(id),
        full_name text not null,
        name_normalized text not null,
        date_of_birth date not null,
        sex text not null check (sex in ('male', 'female')),
        ethnicity text not null,
        id_number char(12),
        phone text,
        owns_smartphone boolean not null default false,
        relationship_to_head text not null,
        status text not null default 'living' check (status in ('living', 'moved_out', 'deceased')),
        status_changed_at timestamptz,
        registered_at timestamptz not null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        updated_at timestamptz not null default now(),
        updated_by text
      )`);
    await queryRunner.query('create unique index residents_id_number_per_commune on residents (commune_code, id_number) where id_number is not null');
    await queryRunner.query('create index residents_household on residents (household_id)');
    await queryRunner.query('create index residents_name on residents (commune_code, name_normalized)');
    await queryRunner.query('create index residents_duplicate_key on residents (commune_code, name_normalized, date_of_birth)');
    await queryRunner.query(`
      create table resident_duplicate_flags (
        id uuid primary key,
        commune_code char(5) not null,
        resident_id uuid not null references residents(id),
        duplicate_of_id uuid not null references residents(id),
        reason text not null,
        status text not null default 'open' check (status in ('open', 'duplicate', 'not_duplicate')),
        created_at timestamptz not null default now(),
        resolved_at timestamptz,
        resolved_by text
      )`);
    await queryRunner.query('create index resident_duplicate_flags_open on resident_duplicate_flags (commune_code, status)');
    await queryRunner.query(`
      alter table households add constraint households_digital_core_fk foreign key (digital_core_resident_id) references residents(id)`);
    await queryRunner.query(`
      create table visits (
        id uuid primary key,
        commune_code char(5) not null,
        household_id uuid not null references households(id),
        village_id uuid not null references villages(id),
        team_id uuid,
        member_id uuid,
        visited_at timestamptz not null,
        outcome text not null check (outcome in ('done', 'partly_done', 'nobody_home', 'refused')),
        obstacles text[] not null default '{}',
        follow_up_date date,
        note text,
        created_at timestamptz not null default now(),
        created_by text not null
      )`);
    await queryRunner.query('create index visits_household on visits (household_id, visited_at)');
    await queryRunner.query(`
      create table organisations (
        id uuid primary key,
        commune_code char(5) not null references communes(code),
        village_id uuid not null references villages(id),
        name text not null,
        tax_code text not null,
        kind text not null check (kind in ('cooperative', 'enterprise')),
        e_id_status text not null default 'none' check (e_id_status in ('none', 'applied', 'identified')),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        created_by text not null,
        updated_at timestamptz not null default now(),
        updated_by text,
        unique (commune_code, tax_code)
      )`);
    await queryRunner.query(`
      create table sync_results (
        client_id uuid primary key,
        commune_code char(5),
        command text not null,
        status integer not null,
        body jsonb not null,
        actor text not null,
        created_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table audit_log (
        id bigserial primary key,
        commune_code char(5),
        actor text not null,
        action text not null,
        entity text not null,
        entity_id text not null,
        fields text[] not null default '{}',
        at timestamptz not null default now()
      )`);
    await queryRunner.query('create index audit_log_entity on audit_log (entity, entity_id, at)');
    await queryRunner.query('create index audit_log_commune on audit_log (commune_code, at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'sync_results', 'organisations', 'visits']) await queryRunner.query(`drop table ${table}`);
    await queryRunner.query('alter table households drop constraint households_digital_core_fk');
    for (const table of ['resident_duplicate_flags', 'residents', 'household_village_history']) await queryRunner.query(`drop table ${table}`);
    await queryRunner.query('alter table households drop column latitude, drop column longitude, drop column digital_core_resident_id, drop column updated_at, drop column updated_by');
  }
}
