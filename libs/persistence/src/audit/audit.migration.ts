import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log in a service's own schema. The household registry created `audit_log` earlier
 * (commune entries only); this adds what every service needs: the province of province-wide
 * writes and the offline-sync client id. Idempotent, so it serves both.
 */
export class CreateAuditLog1763900000600 implements MigrationInterface {
  name = 'CreateAuditLog1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table if not exists audit_log (
        id bigserial primary key,
        commune_code char(5),
        actor text not null,
        action text not null,
        entity text not null,
        entity_id text not null,
        fields text[] not null default '{}',
        at timestamptz not null default now()
      )`);
    await queryRunner.query('alter table audit_log add column if not exists province_code char(2), add column if not exists sync_client_id uuid');
    await queryRunner.query('create index if not exists audit_log_entity on audit_log (entity, entity_id, at)');
    await queryRunner.query('create index if not exists audit_log_commune on audit_log (commune_code, at)');
    await queryRunner.query('create index if not exists audit_log_province on audit_log (province_code, at) where province_code is not null');
  }

  /** Removes only what this migration added (the base table may belong to an older migration). */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index if exists audit_log_province');
    await queryRunner.query('alter table audit_log drop column if exists sync_client_id, drop column if exists province_code');
  }
}
