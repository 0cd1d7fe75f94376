import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addMonths, AUDIT_MONTHS_AHEAD, createMonthPartition, monthOf } from './audit-partitions';

/**
 * Turns audit_log into a table range-partitioned by Vietnam calendar month (audit-partitions.ts),
 * so retention drops whole months instead of deleting rows one by one. The existing rows are
 * copied into monthly partitions (one per month they span, plus this month and the next three);
 * ids keep their sequence. The primary key becomes (id, at): a partitioned table's keys must
 * include the partition column. Every service's schema has the same audit_log
 * (CreateAuditLog1763900000600), so every service runs this after it.
 */
export class AuditLogByMonth1764700000600 implements MigrationInterface {
  name = 'AuditLogByMonth1764700000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ partitioned }] = await queryRunner.query(`select relkind = 'p' as partitioned from pg_class where oid = to_regclass('audit_log')`);
    if (partitioned) return;
    await queryRunner.query('alter table audit_log rename to audit_log_unpartitioned');
    for (const index of ['audit_log_entity', 'audit_log_commune', 'audit_log_province']) await queryRunner.query(`drop index if exists ${index}`);
    await queryRunner.query(`
      create table audit_log (
        id bigint not null default nextval('audit_log_id_seq'),
        commune_code char(5),
        actor text not null,
        action text not null,
        entity text not null,
        entity_id text not null,
        fields text[] not null default '{}',
        at timestamptz not null default now(),
        province_code char(2),
        sync_client_id uuid,
        primary key (id, at)
      ) partition by range (at)`);
    await queryRunner.query('create table audit_log_default partition of audit_log default');
    const [{ oldest }] = await queryRunner.query('select min(at) as oldest from audit_log_unpartitioned');
    const now = monthOf(new Date());
    const last = addMonths(now, AUDIT_MONTHS_AHEAD);
    let month = oldest ? monthOf(new Date(oldest)) : now;
    if (month.year * 12 + month.month > now.year * 12 + now.month) month = now;
    for (; month.year * 12 + month.month <= last.year * 12 + last.month; month = addMonths(month, 1)) await createMonthPartition(queryRunner, month);
    await queryRunner.query(
      `insert into audit_log (id, commune_code, actor, action, entity, entity_id, fields, at, province_code, sync_client_id)
       select id, commune_code, actor, action, entity, entity_id, fields, at, province_code, sync_client_id from audit_log_unpartitioned`,
    );
    await queryRunner.query('alter sequence audit_log_id_seq owned by audit_log.id');
    await queryRunner.query('drop table audit_log_unpartitioned');
    await queryRunner.query('create index audit_log_entity on audit_log (entity, entity_id, at)');
    await queryRunner.query('create index audit_log_commune on audit_log (commune_code, at)');
    await queryRunner.query('create index audit_log_province on audit_log (province_code, at) where province_code is not null');
    // The oldest entry (retention metric) and the default partition's cleanup.
    await queryRunner.query('create index audit_log_at on audit_log (at)');
  }

  /** Back to one plain table with the same rows. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table audit_log rename to audit_log_partitioned');
    for (const index of ['audit_log_entity', 'audit_log_commune', 'audit_log_province', 'audit_log_at']) await queryRunner.query(`drop index if exists ${index}`);
    await queryRunner.query(`create table audit_log (like audit_log_partitioned including defaults)`);
    await queryRunner.query('alter table audit_log add primary key (id)');
    await queryRunner.query('insert into audit_log select * from audit_log_partitioned');
    await queryRunner.query('alter sequence audit_log_id_seq owned by audit_log.id');
    await queryRunner.query('drop table audit_log_partitioned');
    await queryRunner.query('create index audit_log_entity on audit_log (entity, entity_id, at)');
    await queryRunner.query('create index audit_log_commune on audit_log (commune_code, at)');
    await queryRunner.query('create index audit_log_province on audit_log (province_code, at) where province_code is not null');
  }
}
