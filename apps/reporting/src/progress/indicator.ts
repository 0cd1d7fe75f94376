/** One row of the indicator catalogue (reporting's `indicators` table). */
export interface Indicator {
  code: string;
  labelVi: string;
  labelEn: string;
  definition: string;
  unit: 'people' | 'households' | 'organisations' | 'sessions' | 'percent';
  source: 'enrollment' | 'field' | 'training' | 'external';
  serviceCode: string | null;
  state: string | null;
  /** enrollment: only steps with this detail of the service (e.g. public_service_app "iHanoi") */
  detail: string | null;
  measure: string | null;
  topicCode: string | null;
  defaultPopulation: Population | null;
}

export const POPULATIONS = ['eligible_residents', 'adults', 'residents', 'households', 'organisations'] as const;
export type Population = (typeof POPULATIONS)[number];

export const INDICATOR_COLUMNS = `code, label_vi as "labelVi", label_en as "labelEn", definition, unit, source, service_code as "serviceCode", state, detail, measure,
  topic_code as "topicCode", default_population as "defaultPopulation"`;

/** Ages that define the populations targets are shares of: 14+ (ID card, VNeID level 2), 18+ (adults). */
export const ELIGIBLE_AGE = 14;
export const ADULT_AGE = 18;

/**
 * Last birth month (year * 12 + month - 1) of people aged `age` or more on `day` (YYYY-MM-DD).
 * Events carry birth year and month only, so the birthday month counts as reached: someone born
 * in August 2012 is 14 on any day of August 2026.
 */
export function lastBirthMonthForAge(day: string, age: number): number {
  const [year, month] = day.split('-').map(Number);
  return (year - age) * 12 + month - 1;
}
