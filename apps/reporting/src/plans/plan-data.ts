import { addDays, daysFromTo, unprocessable, vietnamToday } from '@dtc/platform';
import type { EntityManager } from 'typeorm';
import type { PlanVersion } from './plan-days';
import type { DoneRow } from './plan-progress';

export const MAX_WINDOW_DAYS = 366;

/** The report window: Vietnam days, inclusive; by default the last 7 days up to today. */
export function reportWindow(from: string | undefined, to: string | undefined): { from: string; to: string; today: string } {
  const today = vietnamToday();
  const end = to ?? (from ? [addDays(from, 6), today].sort()[0] : today);
  const start = from ?? addDays(end, -6);
  if (start > end) throw unprocessable('from', 'must not be after to');
  if (daysFromTo(start, end) + 1 > MAX_WINDOW_DAYS) throw unprocessable('to', `the window may span at most ${MAX_WINDOW_DAYS} days`);
  return { from: start, to: end, today };
}

export async function loadPlans(tx: EntityManager, communeCode: string): Promise<PlanVersion[]> {
  return tx.query(
    `select plan_id as "planId", version, kind, team_id as "teamId", to_char(starts_on, 'YYYY-MM-DD') as "startsOn", to_char(ends_on, 'YYYY-MM-DD') as "endsOn",
            households_per_day as "householdsPerDay", enrollments_per_day as "enrollmentsPerDay", to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "occurredAt"
     from plan_versions where commune_code = $1 order by plan_id, version`,
    [communeCode],
  );
}

/**
 * Work done in the window per team, member, village and day: households visited for the first
 * time (field facts), and enrollments opened per service. Verified-only counts verified visits
 * and verified opening steps instead.
 */
export async function loadDone(tx: EntityManager, communeCode: string, from: string, to: string, verifiedOnly: boolean): Promise<DoneRow[]> {
  const households = verifiedOnly
    ? `select team_id, member_id, village_id, day, null::text as service_code, sum(value)::int as value from work_daily
       where commune_code = $1 and measure = 'visits_verified' and day between $2 and $3 group by team_id, member_id, village_id, day`
    : `select team_id, member_id, village_id, day, null::text as service_code, sum(value)::int as value from field_daily
       where commune_code = $1 and measure = 'households_visited' and day between $2 and $3 group by team_id, member_id, village_id, day`;
  const enrollments = `select team_id, member_id, village_id, day, service_code, sum(value)::int as value from work_daily
       where commune_code = $1 and measure = $4 and day between $2 and $3 group by team_id, member_id, village_id, day, service_code`;
  const rows: Array<{ team_id: string; member_id: string; village_id: string; day: string; service_code: string | null; value: number }> = await tx.query(
    `select team_id::text, member_id::text, village_id::text, to_char(day, 'YYYY-MM-DD') as day, service_code, value from (${households}) h where value <> 0
     union all
     select team_id::text, member_id::text, village_id::text, to_char(day, 'YYYY-MM-DD') as day, service_code, value from (${enrollments}) e where value <> 0`,
    [communeCode, from, to, verifiedOnly ? 'enrollments_opened_verified' : 'enrollments_opened'],
  );
  return rows.map((r) => ({ teamId: r.team_id, memberId: r.member_id, villageId: r.village_id, day: r.day, serviceCode: r.service_code, value: r.value }));
}

export async function loadTeamNames(tx: EntityManager, communeCode: string): Promise<Map<string, string | null>> {
  const rows: Array<{ team_id: string; team_name: string | null }> = await tx.query('select team_id::text, team_name from teams where commune_code = $1', [communeCode]);
  return new Map(rows.map((r) => [r.team_id, r.team_name]));
}

/** Village names of a commune: the village projection, or else the name households carried. */
export async function loadVillages(tx: EntityManager, communeCode: string): Promise<Map<string, { code: string | null; name: string }>> {
  const rows: Array<{ village_id: string; village_code: string | null; village_name: string }> = await tx.query(
    'select village_id::text, village_code, village_name from villages where commune_code = $1',
    [communeCode],
  );
  return new Map(rows.map((r) => [r.village_id, { code: r.village_code, name: r.village_name }]));
}
