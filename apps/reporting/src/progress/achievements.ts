import type { EntityManager } from 'typeorm';
import { ELIGIBLE_AGE, lastBirthMonthForAge, type Indicator } from './indicator';

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
/** Enrollment indicators that count people or households rather than state entries (no service, state or detail). */
export const ENROLLMENT_MEASURES: readonly string[] = ['residents_supported_directly', 'households_done'];

/** Placeholders $1..$4 are the scope (commune, province) and window (from, to); a source's own parameters follow from $5. */
interface Source {
  /** A table, or a parenthesised query over the scope and window, with the dimension columns and `day`. */
  table: string;
  value: string;
  filter: string;
  params: unknown[];
  dimensions: Dimension[];
  /** The source already applied the scope and window (distinct counts decide the day themselves). */
  windowed?: boolean;
}

const SCOPED = '($1::text is null or commune_code = $1) and ($2::text is null or province_code = $2)';
const WINDOWED = '($3::date is null or day >= $3) and day <= $4';

/**
 * Residents with at least one enrollment step in the window, each once: on the first day of the
 * window they were supported, in the village of their latest step.
 */
const RESIDENTS_SUPPORTED = `(select resident_id, min(day) as day, (array_agg(commune_code order by day desc))[1] as commune_code,
    (array_agg(village_id order by day desc))[1] as village_id
  from resident_support_daily where ${SCOPED} and ${WINDOWED} group by resident_id) supported`;

/**
 * Households done on the last day counted ($4): every living member aged 14+ that day ($5 is
 * the last birth month that qualifies) has a chip ID card enrollment opened by then and not
 * rejected or cancelled by then, and a VNeID level-2 enrollment activated by then. A household
 * counts on the day its last such member got there; one without eligible members never counts.
 */
const HOUSEHOLDS_DONE = `(select household_id, commune_code, village_id, day from (
    select m.household_id, (array_agg(m.commune_code))[1] as commune_code, (array_agg(m.village_id))[1] as village_id,
           max(m.done_day) as day, bool_and(m.done_day is not null) as done
    from (select r.household_id, r.commune_code, r.village_id,
                 case when c.day is null or v.day is null then null else greatest(c.day, v.day) end as done_day
          from resident_facts r
          left join lateral (select min(x.opened_day) as day from resident_enrollments x
                             where x.resident_id = r.resident_id and x.service_code = 'cccd' and x.opened_day <= $4
                               and not (x.state in ('rejected', 'cancelled') and x.state_day <= $4)) c on true
          left join lateral (select min(x.state_day) as day from resident_enrollments x
                             where x.resident_id = r.resident_id and x.service_code = 'vneid_level2' and x.state = 'activated' and x.state_day <= $4) v on true
          where r.living and r.birth_month <= $5 and ${SCOPED.replace(/commune_code/g, 'r.commune_code').replace(/province_code/g, 'r.province_code')}) m
    group by m.household_id) households
  where done and ($3::date is null or day >= $3) and day <= $4) done_households`;

function source(indicator: Indicator, window: DayWindow): Source | null {
  switch (indicator.source) {
    case 'enrollment':
      if (indicator.measure === 'residents_supported_directly') return { table: RESIDENTS_SUPPORTED, value: 'count(*)', filter: 'true', params: [], dimensions: ['commune', 'village', 'day'], windowed: true };
      if (indicator.measure === 'households_done') return { table: HOUSEHOLDS_DONE, value: 'count(*)', filter: 'true', params: [lastBirthMonthForAge(window.to, ELIGIBLE_AGE)], dimensions: ['commune', 'village', 'day'], windowed: true };
      if (indicator.detail) {
        return { table: 'enrollment_detail_daily', value: 'sum(entered)', filter: 'service_code = $5 and state = $6 and detail = $7', params: [indicator.serviceCode, indicator.state, indicator.detail], dimensions: ['commune', 'village', 'team', 'member', 'day'] };
      }
      return { table: 'enrollment_state_daily', value: 'sum(entered)', filter: 'service_code = $5 and state = $6', params: [indicator.serviceCode, indicator.state], dimensions: ['commune', 'village', 'team', 'member', 'day'] };
    case 'field':
      return { table: 'field_daily', value: 'sum(value)', filter: 'measure = $5', params: [indicator.measure], dimensions: ['commune', 'village', 'team', 'member', 'day'] };
    case 'training':
      if (!indicator.measure || !TRAINING_MEASURES.includes(indicator.measure)) return null;
      return { table: 'training_daily', value: `sum(${indicator.measure})`, filter: '($5::text is null or topic_code = $5)', params: [indicator.topicCode], dimensions: ['commune', 'village', 'day'] };
    default:
      return null;
  }
}

/** Whether an indicator can be broken down by a dimension (training and people counts have no team or member). */
export function supports(indicator: Indicator, dimension: Dimension): boolean {
  return source(indicator, { from: null, to: '2000-01-01' })?.dimensions.includes(dimension) ?? false;
}

/**
 * What was achieved for an indicator in a scope and window, grouped by the given dimensions,
 * counted on the day things happened on the ground.
 */
export async function achievements(tx: EntityManager, indicator: Indicator, scope: Scope, window: DayWindow, dimensions: Dimension[]): Promise<AchievementRow[]> {
  const from = source(indicator, window);
  if (!from || dimensions.some((d) => !from.dimensions.includes(d))) return [];
  const groups = dimensions.map((d) => (d === 'day' ? `to_char(day, 'YYYY-MM-DD') as day` : `${COLUMNS[d]}::text as ${d}`));
  const sql = `select ${[...groups, `coalesce(${from.value}, 0)::int as value`].join(', ')}
    from ${from.table}
    where ${from.filter}${from.windowed ? '' : ` and ${SCOPED} and ${WINDOWED}`}
    ${dimensions.length ? `group by ${dimensions.map((d) => COLUMNS[d]).join(', ')}` : ''}`;
  return tx.query(sql, [scope.communeCode ?? null, scope.provinceCode ?? null, window.from, window.to, ...from.params]);
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
