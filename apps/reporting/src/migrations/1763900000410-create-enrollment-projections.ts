import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrollment figures kept current from enrollment events: how many enrollments entered each
 * state, per commune, village, service, team, member and day (the day it happened in Vietnam,
 * not when the event arrived), and the order of each service's states as events reveal it.
 */
export class CreateEnrollmentProjections1763900000410 implements MigrationInterface {
  name = 'CreateEnrollmentProjections1763900000410';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table enrollment_state_daily (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        service_code text not null,
        team_id uuid not null,
        member_id uuid not null,
        day date not null,
        state text not null,
        entered integer not null default 0,
        primary key (commune_code, village_id, service_code, team_id, member_id, day, state)
      )`);
    await queryRunner.query('create index enrollment_state_daily_service on enrollment_state_daily (commune_code, service_code, day)');
    await queryRunner.query(`
      create table service_states (
        service_code text not null,
        state text not null,
        position integer not null,
        primary key (service_code, state)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table service_states');
    await queryRunner.query('drop table enrollment_state_daily');
  }
}
