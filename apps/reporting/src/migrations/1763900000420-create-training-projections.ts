import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Training sessions held and attendance per commune, village, topic, audience and Vietnam day. */
export class CreateTrainingProjections1763900000420 implements MigrationInterface {
  name = 'CreateTrainingProjections1763900000420';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table training_daily (
        commune_code char(5) not null,
        province_code char(2) not null,
        village_id uuid not null,
        topic_code text not null,
        audience text not null,
        day date not null,
        sessions_held integer not null default 0,
        attendees integer not null default 0,
        completed integer not null default 0,
        passed integer not null default 0,
        primary key (commune_code, village_id, topic_code, audience, day)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table training_daily');
  }
}
