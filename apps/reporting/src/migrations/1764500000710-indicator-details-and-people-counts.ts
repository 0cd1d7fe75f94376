import type { MigrationInterface, QueryRunner } from 'typeorm';

type Seed = [code: string, labelVi: string, labelEn: string, definition: string, unit: string, measure: string, population: string];

const INDICATORS: Seed[] = [
  [
    'residents_supported_directly',
    'Người dân được hỗ trợ trực tiếp',
    'Residents supported directly',
    'Distinct residents with at least one enrollment step (opened or moved to another state, any service) on a day of the period, counted once on the first such day',
    'people',
    'residents_supported_directly',
    'residents',
  ],
  [
    'households_done',
    'Hộ đã hoàn thành (CCCD và VNeID mức 2)',
    'Households done (ID card and VNeID level 2)',
    'Households with at least one living member aged 14+ on the report day where every such member has a chip ID card enrollment not rejected or cancelled and a VNeID level-2 enrollment in state "activated"; counted on the day the last of them got there',
    'households',
    'households_done',
    'households',
  ],
];

/**
 * Indicators narrowed to a detail of their service (e.g. the public-service app "iHanoi" rather
 * than any app), and two national indicators that count people and households rather than
 * state entries.
 */
export class IndicatorDetailsAndPeopleCounts1764500000710 implements MigrationInterface {
  name = 'IndicatorDetailsAndPeopleCounts1764500000710';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table indicators add column detail text check (detail is null or length(detail) between 1 and 120)');
    for (const [code, labelVi, labelEn, definition, unit, measure, population] of INDICATORS) {
      await queryRunner.query(
        `insert into indicators (code, label_vi, label_en, definition, unit, source, measure, default_population) values ($1, $2, $3, $4, $5, 'enrollment', $6, $7)
         on conflict (code) do nothing`,
        [code, labelVi, labelEn, definition, unit, measure, population],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('delete from indicators where code = any($1) and created_by = $2', [INDICATORS.map(([code]) => code), 'migration']);
    await queryRunner.query('alter table indicators drop column detail');
  }
}
