import { addDays, daysFromTo, vietnamDay } from '@dtc/platform';

/** One stored version of a plan (plan_versions). */
export interface PlanVersion {
  planId: string;
  version: number;
  kind: 'published' | 'withdrawn';
  teamId: string;
  startsOn: string | null;
  endsOn: string | null;
  householdsPerDay: number;
  enrollmentsPerDay: Array<{ serviceCode: string; perDay: number }>;
  occurredAt: string;
}

/** What one team is planned to do on one Vietnam day (the sum of its plans active that day). */
export interface DayTarget {
  households: number;
  enrollments: Map<string, number>;
}

/** A version's reach: the days it applies on (inclusive), before its own start/end dates. */
export interface Segment {
  version: PlanVersion;
  from: string;
  /** Last day, or null while no later version or withdrawal has replaced it. */
  until: string | null;
}

/**
 * Which days each version of one plan applies on: a version takes over from the Vietnam day it
 * was published (the first version from its startsOn, so a plan published late still counts from
 * its first day) until the day before the next version or the withdrawal takes over.
 */
export function segmentsOf(versions: PlanVersion[]): Segment[] {
  const ordered = [...versions].sort((a, b) => a.version - b.version || (a.kind === b.kind ? 0 : a.kind === 'published' ? -1 : 1));
  const segments: Segment[] = [];
  let first = true;
  ordered.forEach((version, i) => {
    if (version.kind !== 'published') return;
    const from = first ? version.startsOn! : vietnamDay(version.occurredAt);
    first = false;
    const next = ordered[i + 1];
    segments.push({ version, from, until: next ? addDays(vietnamDay(next.occurredAt), -1) : null });
  });
  return segments;
}

/** Days of an inclusive range, in order. */
export function daysOf(from: string, to: string): string[] {
  const count = daysFromTo(from, to) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(from, i));
}

/**
 * Per team and day of [from, to]: the sum of the targets of the plan versions active on that
 * day (a day counts when inside the version's reach and its own startsOn..endsOn).
 */
export function plannedByTeamDay(versions: PlanVersion[], from: string, to: string): Map<string, Map<string, DayTarget>> {
  const byPlan = new Map<string, PlanVersion[]>();
  for (const v of versions) byPlan.set(v.planId, [...(byPlan.get(v.planId) ?? []), v]);
  const result = new Map<string, Map<string, DayTarget>>();
  for (const plan of byPlan.values()) {
    for (const { version, from: reach, until } of segmentsOf(plan)) {
      const first = [from, reach, version.startsOn!].sort().at(-1)!;
      const last = [to, until ?? to, version.endsOn!].sort()[0];
      for (const day of daysOf(first, last)) {
        const team = result.get(version.teamId) ?? new Map<string, DayTarget>();
        const target = team.get(day) ?? { households: 0, enrollments: new Map<string, number>() };
        target.households += version.householdsPerDay;
        for (const e of version.enrollmentsPerDay) target.enrollments.set(e.serviceCode, (target.enrollments.get(e.serviceCode) ?? 0) + e.perDay);
        team.set(day, target);
        result.set(version.teamId, team);
      }
    }
  }
  return result;
}

export interface Pace {
  planned: number | null;
  done: number;
  /** Planned and done over the days up to today (inclusive). */
  plannedSoFar: number | null;
  doneSoFar: number;
  behindPlan: boolean | null;
  /** Done per day over the days of the window up to today. */
  runRate: number | null;
  /** Per day needed on the planned days after today to meet the window's plan; null when none are left. */
  requiredRate: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Pace of one figure over a window of days: `planned` per day (null when the figure has no
 * plan at this level) and `done` per day, aligned with `days`.
 */
export function paceOf(days: string[], planned: Array<number | null>, done: number[], today: string): Pace {
  const past = days.map((day) => day <= today);
  const elapsed = past.filter(Boolean).length;
  const hasPlan = planned.some((p) => p !== null);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const plannedTotal = hasPlan ? sum(planned.map((p) => p ?? 0)) : null;
  const plannedSoFar = hasPlan ? sum(planned.map((p, i) => (past[i] ? (p ?? 0) : 0))) : null;
  const doneTotal = sum(done);
  const doneSoFar = sum(done.filter((_, i) => past[i]));
  const plannedDaysLeft = planned.filter((p, i) => !past[i] && (p ?? 0) > 0).length;
  return {
    planned: plannedTotal,
    done: doneTotal,
    plannedSoFar,
    doneSoFar,
    behindPlan: plannedSoFar === null ? null : doneSoFar < plannedSoFar,
    runRate: elapsed > 0 ? round2(doneSoFar / elapsed) : null,
    requiredRate: plannedTotal === null || plannedDaysLeft === 0 ? null : round2(Math.max(0, plannedTotal - doneTotal) / plannedDaysLeft),
  };
}
