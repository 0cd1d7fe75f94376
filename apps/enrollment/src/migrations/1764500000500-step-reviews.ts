import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervisor review of enrollment steps: the current verdict on the step row (what GET shows and
 * what a repeated verdict is checked against), every verdict in step_reviews (who decided what, when).
 */
export class StepReviews1764500000500 implements MigrationInterface {
  name = 'StepReviews1764500000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      alter table enrollment_steps
        add column review_verdict text check (review_verdict in ('verified', 'returned')),
        add column review_reason text,
        add column reviewed_at timestamptz,
        add column reviewed_by text`);
    await queryRunner.query(`
      create table enrollment_step_reviews (
        id bigserial primary key,
        enrollment_id uuid not null references enrollments(id),
        step_id bigint not null references enrollment_steps(id),
        step_number integer not null check (step_number >= 1),
        verdict text not null check (verdict in ('verified', 'returned')),
        reason text check (reason is null or char_length(reason) between 1 and 300),
        reviewed_at timestamptz not null default now(),
        reviewed_by text not null
      )`);
    await queryRunner.query('create index enrollment_step_reviews_step on enrollment_step_reviews (step_id, id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table enrollment_step_reviews');
    await queryRunner.query('alter table enrollment_steps drop column review_verdict, drop column review_reason, drop column reviewed_at, drop column reviewed_by');
  }
}
