import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The row trigger's function (WorkListMarksPerStatement1765300000100 replaced it; its down restores this). */
export const WORK_LIST_ROW_TRIGGER_FUNCTION = `
      create function work_list_household_changed() returns trigger language plpgsql as $$
      declare
        target uuid;
      begin
        if TG_TABLE_NAME = 'households' then
          target := NEW.id;
        else
          target := NEW.household_id;
        end if;
        insert into work_list_changes (household_id, commune_code, changed_xid) values (target, NEW.commune_code, pg_current_xact_id())
        on conflict (household_id) do update set changed_xid = excluded.changed_xid where work_list_changes.changed_xid <> excluded.changed_xid;
        return null;
      end $$`;

/**
 * What the registry learns from training and enrollment events to serve the phones' work lists
 * (teams, their villages, micro-plans, residents' enrollments), and a change marker per household.
 *
 * work_list_changes holds, per household, the id of the last transaction that changed anything a
 * work-list item shows. Registry writes mark it through triggers (households, residents, visits:
 * every write path, the offline sync and the review included, without touching their services);
 * the field read model marks it for enrollment and plan changes. A reader's cursor is its snapshot
 * (pg_current_snapshot): "changed since" is a changed_xid the snapshot did not see, which can
 * never miss a change that committed after the read (a sequence could: numbers commit out of
 * order) nor resend one it saw.
 */
export class WorkList1764500000300 implements MigrationInterface {
  name = 'WorkList1764500000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('create table field_teams (team_id uuid primary key, commune_code char(5) not null, villages_at timestamptz)');
    await queryRunner.query(`
      create table field_team_members (
        team_id uuid not null,
        member_id uuid not null,
        active boolean not null,
        changed_at timestamptz not null,
        primary key (team_id, member_id)
      )`);
    await queryRunner.query('create index field_team_members_member on field_team_members (member_id) where active');
    await queryRunner.query('create table field_team_villages (team_id uuid not null, village_id uuid not null, primary key (team_id, village_id))');
    await queryRunner.query(`
      create table field_plans (
        plan_id uuid primary key,
        commune_code char(5) not null,
        version integer not null,
        team_id uuid not null,
        starts_on date not null,
        ends_on date not null,
        village_ids uuid[] not null,
        household_ids uuid[] not null,
        withdrawn boolean not null default false
      )`);
    await queryRunner.query('create index field_plans_commune on field_plans (commune_code, team_id) where not withdrawn');
    // Every village or listed household a team ever covered: "removed" is only said to the teams
    // that may have had the household on their list.
    await queryRunner.query(`
      create table field_team_scope_history (
        team_id uuid not null,
        commune_code char(5) not null,
        kind text not null check (kind in ('village', 'household')),
        target_id uuid not null,
        primary key (team_id, kind, target_id)
      )`);
    await queryRunner.query('create index field_team_scope_history_target on field_team_scope_history (target_id)');
    await queryRunner.query(`
      create table field_enrollments (
        enrollment_id uuid primary key,
        commune_code char(5) not null,
        resident_id uuid not null,
        service_code text not null,
        state text not null,
        state_at timestamptz not null,
        returned_reason text,
        reviewed_at timestamptz
      )`);
    await queryRunner.query('create index field_enrollments_resident on field_enrollments (resident_id)');
    await queryRunner.query(`
      create table work_list_changes (
        household_id uuid primary key,
        commune_code char(5) not null,
        changed_xid xid8 not null
      )`);
    await queryRunner.query('create index work_list_changes_commune on work_list_changes (commune_code, changed_xid)');
    await queryRunner.query(WORK_LIST_ROW_TRIGGER_FUNCTION);
    for (const table of ['households', 'residents', 'visits']) {
      await queryRunner.query(`create trigger ${table}_work_list after insert or update on ${table} for each row execute function work_list_household_changed()`);
    }
    // Households registered before the work list existed: marked once so the first cursor covers them.
    await queryRunner.query('insert into work_list_changes (household_id, commune_code, changed_xid) select id, commune_code, pg_current_xact_id() from households');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['households', 'residents', 'visits']) await queryRunner.query(`drop trigger ${table}_work_list on ${table}`);
    await queryRunner.query('drop function work_list_household_changed()');
    for (const table of ['work_list_changes', 'field_enrollments', 'field_team_scope_history', 'field_plans', 'field_team_villages', 'field_team_members', 'field_teams']) await queryRunner.query(`drop table ${table}`);
  }
}
