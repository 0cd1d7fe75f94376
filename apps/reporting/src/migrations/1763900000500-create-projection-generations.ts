import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections now live in generation schemas (<service schema>_g<n>) so a rebuild can fill a new
 * generation from the topics and switch over atomically. This table says which one is live.
 * The first projection tables lived in the service schema itself; they are rebuilt from the
 * topics into generation 1, so the old copies are dropped.
 */
export class CreateProjectionGenerations1763900000500 implements MigrationInterface {
  name = 'CreateProjectionGenerations1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table projection_generations (
        generation integer primary key,
        schema_name text not null unique,
        state text not null check (state in ('building', 'active', 'retired', 'failed')),
        started_at timestamptz not null default now(),
        activated_at timestamptz,
        events_replayed bigint
      )`);
    await queryRunner.query(`create unique index projection_generations_one_active on projection_generations (state) where state = 'active'`);
    for (const table of ['village_households', 'enrollment_state_daily', 'service_states', 'training_daily']) await queryRunner.query(`drop table if exists ${table}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table projection_generations');
  }
}
