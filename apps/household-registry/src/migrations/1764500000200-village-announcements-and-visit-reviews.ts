import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Village events and supervisor review of visits (issue 17).
 * Villages added before the registry published village events start unannounced; the registry
 * announces them once when it starts, after their commune (CommunesService.announceUnannouncedVillages).
 * A visit keeps its current review on the row (work lists read review_status/review_reason) and
 * every review, re-reviews included, in visit_reviews.
 */
export class VillageAnnouncementsAndVisitReviews1764500000200 implements MigrationInterface {
  name = 'VillageAnnouncementsAndVisitReviews1764500000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table villages add column announced_at timestamptz');
    await queryRunner.query(`
      alter table visits
        add column review_status text check (review_status in ('verified', 'returned')),
        add column review_reason text,
        add column reviewed_at timestamptz`);
    await queryRunner.query(`
      create table visit_reviews (
        id uuid primary key,
        visit_id uuid not null references visits(id),
        commune_code char(5) not null,
        verdict text not null check (verdict in ('verified', 'returned')),
        reason text,
        reviewed_by text not null,
        reviewed_at timestamptz not null
      )`);
    await queryRunner.query('create index visit_reviews_visit on visit_reviews (visit_id, reviewed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table visit_reviews');
    await queryRunner.query('alter table visits drop column review_status, drop column review_reason, drop column reviewed_at');
    await queryRunner.query('alter table villages drop column announced_at');
  }
}
