import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored results of offline-sync items, keyed by the phone's client id. */
export class CreateSyncResults1763900000002 implements MigrationInterface {
  name = 'CreateSyncResults1763900000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table if not exists sync_results (
        client_id uuid primary key,
        commune_code char(5),
        command text not null,
        status integer not null,
        body jsonb not null,
        actor text not null,
        created_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table sync_results');
  }
}
