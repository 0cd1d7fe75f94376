import { daysFromTo } from '@dtc/platform';

/** A plan spans at most a leap year of Vietnam days (both ends included). */
export const MAX_PLAN_DAYS = 366;

export interface EnrollmentTarget {
  serviceCode: string;
  perDay: number;
}

/** What a plan says at one version: the state PlanPublishedV1 carries in full. */
export interface PlanState {
  teamId: string;
  startsOn: string;
  endsOn: string;
  villageIds: string[];
  householdIds: string[];
  householdsPerDay: number;
  enrollmentsPerDay: EnrollmentTarget[];
}

export interface FieldProblem {
  field: string;
  reason: string;
}

/** Lists kept in one order, so two states that say the same compare equal and events are stable. */
export function normalisePlanState(state: PlanState): PlanState {
  return {
    teamId: state.teamId,
    startsOn: state.startsOn,
    endsOn: state.endsOn,
    villageIds: [...state.villageIds].sort(),
    householdIds: [...state.householdIds].sort(),
    householdsPerDay: state.householdsPerDay,
    enrollmentsPerDay: [...state.enrollmentsPerDay].map((t) => ({ serviceCode: t.serviceCode, perDay: t.perDay })).sort((a, b) => a.serviceCode.localeCompare(b.serviceCode)),
  };
}

/** Rules of a plan's content that need no database: its window, that it covers someone, one target per service. */
export function planStateProblem(state: PlanState): FieldProblem | undefined {
  if (state.endsOn < state.startsOn) return { field: 'endsOn', reason: 'must not be before startsOn' };
  if (daysFromTo(state.startsOn, state.endsOn) + 1 > MAX_PLAN_DAYS) return { field: 'endsOn', reason: `a plan lasts at most ${MAX_PLAN_DAYS} days` };
  if (state.villageIds.length === 0 && state.householdIds.length === 0) return { field: 'villageIds', reason: 'a plan covers at least one village or listed household' };
  const seen = new Set<string>();
  for (const target of state.enrollmentsPerDay) {
    if (seen.has(target.serviceCode)) return { field: 'enrollmentsPerDay', reason: `serviceCode ${target.serviceCode} is listed twice` };
    seen.add(target.serviceCode);
  }
  return undefined;
}

/** The team must cover the whole plan: active from its first day to its last (an open end covers any). */
export function teamCoverProblem(team: { activeFrom: string; activeTo: string | null }, state: Pick<PlanState, 'startsOn' | 'endsOn'>): FieldProblem | undefined {
  if (team.activeFrom > state.startsOn || (team.activeTo !== null && team.activeTo < state.endsOn)) {
    return { field: 'teamId', reason: `the team is active ${team.activeFrom} to ${team.activeTo ?? 'open-ended'}, not over the whole plan (${state.startsOn} to ${state.endsOn})` };
  }
  return undefined;
}

/** Names of the fields that differ between two states (normalised first). */
export function changedPlanFields(before: PlanState, after: PlanState): Array<keyof PlanState> {
  const a = normalisePlanState(before);
  const b = normalisePlanState(after);
  return (Object.keys(b) as Array<keyof PlanState>).filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

export type PlanStatus = 'active' | 'withdrawn';

export type PlanUpdateDecision =
  | { kind: 'stale'; currentVersion: number }
  | { kind: 'withdrawn' }
  | { kind: 'unchanged' }
  | { kind: 'changed'; version: number; change: 'changed' | 'reassigned'; fields: Array<keyof PlanState>; previousTeamId?: string };

/**
 * What an edit of a plan does: a stale version (someone changed it since the admin loaded it) is
 * refused with the current version; a withdrawn plan stays withdrawn; sending what it already says
 * changes nothing; anything else is the next version, a reassignment when the team changed.
 */
export function decidePlanUpdate(current: { version: number; status: PlanStatus; state: PlanState }, sentVersion: number, next: PlanState): PlanUpdateDecision {
  if (sentVersion !== current.version) return { kind: 'stale', currentVersion: current.version };
  if (current.status === 'withdrawn') return { kind: 'withdrawn' };
  const fields = changedPlanFields(current.state, next);
  if (fields.length === 0) return { kind: 'unchanged' };
  const reassigned = current.state.teamId !== next.teamId;
  return { kind: 'changed', version: current.version + 1, change: reassigned ? 'reassigned' : 'changed', fields, ...(reassigned ? { previousTeamId: current.state.teamId } : {}) };
}

export type PlanWithdrawDecision = { kind: 'stale'; currentVersion: number } | { kind: 'withdrawn' } | { kind: 'withdraw'; version: number };

export function decidePlanWithdrawal(current: { version: number; status: PlanStatus }, sentVersion: number): PlanWithdrawDecision {
  if (sentVersion !== current.version) return { kind: 'stale', currentVersion: current.version };
  if (current.status === 'withdrawn') return { kind: 'withdrawn' };
  return { kind: 'withdraw', version: current.version + 1 };
}

