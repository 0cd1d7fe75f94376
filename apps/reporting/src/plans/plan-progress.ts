import { NO_ID } from '../projections/buckets';
import { daysOf, paceOf, plannedByTeamDay, type Pace, type PlanVersion } from './plan-days';

export const GROUP_BY = ['team', 'member', 'village', 'day'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** One count of work done: households (serviceCode null) or enrollments of a service. */
export interface DoneRow {
  teamId: string;
  memberId: string;
  villageId: string;
  day: string;
  serviceCode: string | null;
  value: number;
}

export interface PlanProgressInput {
  from: string;
  to: string;
  today: string;
  groupBy: GroupBy;
  plans: PlanVersion[];
  done: DoneRow[];
  teamNames: Map<string, string | null>;
  villages: Map<string, { code: string | null; name: string }>;
}

export interface ProgressDay {
  day: string;
  households: { planned: number | null; done: number };
  enrollments: Array<{ serviceCode: string; planned: number | null; done: number }>;
}

export interface ProgressGroup {
  teamId?: string | null;
  teamName?: string | null;
  memberId?: string | null;
  villageId?: string;
  villageCode?: string | null;
  villageName?: string | null;
  day?: string;
  days: ProgressDay[];
  households: Pace;
  enrollments: Array<Pace & { serviceCode: string }>;
}

const idOrNull = (id: string) => (id === NO_ID ? null : id);

/**
 * Planned against done for each group and day. Plans are team-level (householdsPerDay is for the
 * whole team), so planned figures are given for team and day groups only; member and village
 * groups carry what was done, and planned is null there (never an invented split).
 */
export function planProgress(input: PlanProgressInput): ProgressGroup[] {
  const days = daysOf(input.from, input.to);
  const planned = plannedByTeamDay(input.plans, input.from, input.to);
  const services = new Set<string>();
  for (const team of planned.values()) for (const target of team.values()) for (const [code, n] of target.enrollments) if (n > 0) services.add(code);
  for (const row of input.done) if (row.serviceCode) services.add(row.serviceCode);
  const serviceCodes = [...services].sort();

  const keyOf = (row: { teamId: string; memberId: string; villageId: string; day: string }): string => {
    switch (input.groupBy) {
      case 'team': return row.teamId;
      case 'member': return `${row.memberId}|${row.teamId}`;
      case 'village': return row.villageId;
      case 'day': return row.day;
    }
  };
  const groups = new Map<string, { sample: { teamId: string; memberId: string; villageId: string; day: string }; done: Map<string, number> }>();
  const group = (sample: { teamId: string; memberId: string; villageId: string; day: string }) => {
    const key = keyOf(sample);
    const existing = groups.get(key) ?? { sample, done: new Map<string, number>() };
    groups.set(key, existing);
    return existing;
  };
  for (const row of input.done) {
    const g = group(row);
    const cell = `${row.day}|${row.serviceCode ?? ''}`;
    g.done.set(cell, (g.done.get(cell) ?? 0) + row.value);
  }
  if (input.groupBy === 'team') for (const teamId of planned.keys()) group({ teamId, memberId: NO_ID, villageId: NO_ID, day: input.from });
  if (input.groupBy === 'day') for (const day of days) group({ teamId: NO_ID, memberId: NO_ID, villageId: NO_ID, day });

  const plannedOn = (sample: { teamId: string; day: string }, day: string, serviceCode: string | null): number | null => {
    if (input.groupBy === 'member' || input.groupBy === 'village') return null;
    if (input.groupBy === 'day' && day !== sample.day) return null;
    const teams = input.groupBy === 'team' ? [planned.get(sample.teamId)] : [...planned.values()];
    return teams.reduce((sum, team) => {
      const target = team?.get(day);
      return sum + (target ? (serviceCode === null ? target.households : (target.enrollments.get(serviceCode) ?? 0)) : 0);
    }, 0);
  };

  const result: ProgressGroup[] = [];
  for (const { sample, done } of groups.values()) {
    const groupDays = input.groupBy === 'day' ? [sample.day] : days;
    const doneOn = (day: string, serviceCode: string | null) => done.get(`${day}|${serviceCode ?? ''}`) ?? 0;
    const households = groupDays.map((day) => ({ planned: plannedOn(sample, day, null), done: doneOn(day, null) }));
    const identity: Partial<ProgressGroup> =
      input.groupBy === 'team'
        ? { teamId: idOrNull(sample.teamId), teamName: input.teamNames.get(sample.teamId) ?? null }
        : input.groupBy === 'member'
          ? { memberId: idOrNull(sample.memberId), teamId: idOrNull(sample.teamId), teamName: input.teamNames.get(sample.teamId) ?? null }
          : input.groupBy === 'village'
            ? { villageId: sample.villageId, villageCode: input.villages.get(sample.villageId)?.code ?? null, villageName: input.villages.get(sample.villageId)?.name ?? null }
            : { day: sample.day };
    result.push({
      ...identity,
      days: groupDays.map((day, i) => ({
        day,
        households: households[i],
        enrollments: serviceCodes.map((serviceCode) => ({ serviceCode, planned: plannedOn(sample, day, serviceCode), done: doneOn(day, serviceCode) })),
      })),
      households: paceOf(groupDays, households.map((h) => h.planned), households.map((h) => h.done), input.today),
      enrollments: serviceCodes.map((serviceCode) => ({
        serviceCode,
        ...paceOf(groupDays, groupDays.map((day) => plannedOn(sample, day, serviceCode)), groupDays.map((day) => doneOn(day, serviceCode)), input.today),
      })),
    });
  }
  const order = (g: ProgressGroup) => g.day ?? g.teamName ?? g.villageName ?? `~${g.teamId ?? ''}${g.memberId ?? ''}${g.villageId ?? ''}`;
  return result.sort((a, b) => order(a).localeCompare(order(b)) || `${a.teamId}${a.memberId}${a.villageId}`.localeCompare(`${b.teamId}${b.memberId}${b.villageId}`));
}
