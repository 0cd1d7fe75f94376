import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WORK_LIST_ROW_TRIGGER_FUNCTION } from './1764500000300-work-list';

const TABLES = ['households', 'residents', 'visits'] as const;

/**
 * The work list's change marks (work_list_changes, see WorkList1764500000300) were set by a row
 * trigger: one PL/pgSQL call and one upsert per household, resident and visit written, though a
 * household's rows written together all mark the same household. Uploads now write a run of
 * households, residents or visits with one statement each, so the marks are set per statement
 * instead, from the statement's transition table: one upsert of the distinct households it touched.
 * Transition tables need one trigger per event (insert, update).
 */
export class WorkListMarksPerStatement1765300000100 implements MigrationInterface {
  name = 'WorkListMarksPerStatement1765300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create function work_list_rows_changed() returns trigger language plpgsql as $$
      begin
        if TG_TABLE_NAME = 'households' then
          insert into work_list_changes (household_id, commune_code, changed_xid)
          select distinct on (id) id, commune_code, pg_current_xact_id() from changed_rows order by id
          on conflict (household_id) do update set changed_xid = excluded.changed_xid where work_list_changes.changed_xid <> excluded.changed_xid;
        else
          insert into work_list_changes (household_id, commune_code, changed_xid)
          select distinct on (household_id) household_id, commune_code, pg_current_xact_id() from changed_rows order by household_id
          on conflict (household_id) do update set changed_xid = excluded.changed_xid where work_list_changes.changed_xid <> excluded.changed_xid;
        end if;
        return null;
      end $$`);
    for (const table of TABLES) {
      await queryRunner.query(`drop trigger ${table}_work_list on ${table}`);
      for (const event of ['insert', 'update']) {
        await queryRunner.query(`create trigger ${table}_work_list_${event} after ${event} on ${table} referencing new table as changed_rows for each statement execute function work_list_rows_changed()`);
      }
    }
    await queryRunner.query('drop function work_list_household_changed()');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(WORK_LIST_ROW_TRIGGER_FUNCTION);
    for (const table of TABLES) {
      for (const event of ['insert', 'update']) await queryRunner.query(`drop trigger ${table}_work_list_${event} on ${table}`);
      await queryRunner.query(`create trigger ${table}_work_list after insert or update on ${table} for each row execute function work_list_household_changed()`);
    }
    await queryRunner.query('drop function work_list_rows_changed()');
  }
}
