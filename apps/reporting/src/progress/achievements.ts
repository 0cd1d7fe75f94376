import type { EntityManager } from 'typeorm';
import type { Indicator } from './indicator';

export type Dimension = 'commune' | 'village' | 'team' | 'member' | 'day';
export interface Scope {
  communeCode?: string;
  provinceCode?: string;
}
/** Inclusive Vietnam days; `from` null means since the beginning. */
export interface DayWindow {
  from: string | null;
  to: string;
}
export type AchievementRow = Partial<Record<Dimension, string>> & { value: number };

const COLUMNS: Record<Dimension, string> = { commune: 'commune_code', village: 'village_id', team: 'team_id', member: 'member_id', day: 'day' };
export const TRAINING_MEASURES: readonly string[] = ['sessions_held', 'attendees', 'completed', 'passed'];

function source(indicator: Indicator): { table: string; value: string; filter: string; params: unknown[]; dimensions: Dimension[] } | null {
  switch (indicator.source) {
    case 'enrollment':
      return { table: 'enrollment_state_daily', value: 'sum(entered)', filter: 'service_code = $1 and state = $2', params: [indicator.serviceCode, indicator.state], dimensions: ['commune', 'village', 'team', 'member', 'day'] };
    case 'field':
      return { table: 'field_daily', value: 'sum(value)', filter: 'measure = $1 and $2::text is null', params: [indicator.measure, null], dimensions: ['commune', 'village', 'team', 'member', 'day'] };
    case 'training':
      if (!indicator.measure || !TRAINING_MEASURES.includes(indicator.measure)) return null;
      return { table: 'training_daily', value: `sum(${indicator.measure})`, filter: '($1::text is null or topic_code = $1) and $2::text is null', params: [indicator.topicCode, null], dimensions: ['commune', 'village', 'day'] };
    default:
      return null;
  }
}

/** Whether an indicator can be broken down by a dimension (training has no team or member). */
export function supports(indicator: Indicator, dimension: Dimension): boolean {
  return source(indicator)?.dimensions.includes(dimension) ?? false;
}

/**
 * What was achieved for an indicator in a scope and window, grouped by the given dimensions,
 * counted on the day things happened on the ground.
 */
export async function achievements(tx: EntityManager, indicator: Indicator, scope: Scope, window: DayWindow, dimensions: Dimension[]): Promise<AchievementRow[]> {
  const from = source(indicator);
  if (!from || dimensions.some((d) => !from.dimensions.includes(d))) return [];
  const groups = dimensions.map((d) => (d === 'day' ? `to_char(day, 'YYYY-MM-DD') as day` : `${COLUMNS[d]}::text as ${d}`));
  const sql = `select ${[...groups, `coalesce(${from.value}, 0)::int as value`].join(', ')}
    from ${from.table}
    where ${from.filter}
      and ($3::text is null or commune_code = $3) and ($4::text is null or province_code = $4)
      and ($5::date is null or day >= $5) and day <= $6
    ${dimensions.length ? `group by ${dimensions.map((d) => COLUMNS[d]).join(', ')}` : ''}`;
  return tx.query(sql, [...from.params, scope.communeCode ?? null, scope.provinceCode ?? null, window.from, window.to]);
}

/** Latest externally reported value per commune for a period inside the window (months YYYY-MM). */
export async function reportedValues(tx: EntityManager, indicator: Indicator, scope: Scope, window: DayWindow): Promise<Array<{ commune: string; value: number; period: string }>> {
  const rows: Array<{ commune: string; value: string; period: string }> = await tx.query(
    `select distinct on (commune_code) commune_code as commune, value, period
     from indicator_values
     where indicator_code = $1 and ($2::text is null or commune_code = $2) and ($3::text is null or province_code = $3)
       and ($4::text is null or period >= $4) and period <= $5
     order by commune_code, period desc`,
    [indicator.code, scope.communeCode ?? null, scope.provinceCode ?? null, window.from?.slice(0, 7) ?? null, window.to.slice(0, 7)],
  );
  return rows.map((row) => ({ commune: row.commune, value: Number(row.value), period: row.period }));
}
