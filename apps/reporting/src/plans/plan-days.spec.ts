import { paceOf, plannedByTeamDay, segmentsOf, type PlanVersion } from './plan-days';

const TEAM_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const TEAM_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const version = (v: number, over: Partial<PlanVersion> = {}): PlanVersion => ({
  planId: 'p1',
  version: v,
  kind: 'published',
  teamId: TEAM_A,
  startsOn: '2026-07-21',
  endsOn: '2026-07-31',
  householdsPerDay: 10,
  enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 4 }],
  occurredAt: '2026-07-18T03:00:00.000Z',
  ...over,
});

describe('plan days', () => {
  it('applies the first version from its startsOn, even when published late', () => {
    const planned = plannedByTeamDay([version(1, { occurredAt: '2026-07-23T03:00:00.000Z' })], '2026-07-20', '2026-07-22');
    expect([...planned.get(TEAM_A)!.keys()]).toEqual(['2026-07-21', '2026-07-22']);
  });

  it('hands over to the next version on the Vietnam day it was published (late evening UTC is the next day in Vietnam)', () => {
    // 18:00 UTC on the 24th is 01:00 on the 25th in Vietnam.
    const versions = [version(1), version(2, { householdsPerDay: 20, teamId: TEAM_B, occurredAt: '2026-07-24T18:00:00.000Z' })];
    expect(segmentsOf(versions).map((s) => [s.from, s.until])).toEqual([['2026-07-21', '2026-07-24'], ['2026-07-25', null]]);
    const planned = plannedByTeamDay(versions, '2026-07-23', '2026-07-26');
    expect([...planned.get(TEAM_A)!.entries()].map(([day, t]) => [day, t.households])).toEqual([['2026-07-23', 10], ['2026-07-24', 10]]);
    expect([...planned.get(TEAM_B)!.entries()].map(([day, t]) => [day, t.households, t.enrollments.get('vneid_level2')])).toEqual([['2026-07-25', 20, 4], ['2026-07-26', 20, 4]]);
  });

  it('stops counting from the day of the withdrawal, and never past endsOn', () => {
    const versions = [version(1, { endsOn: '2026-07-30' }), { ...version(2), kind: 'withdrawn' as const, occurredAt: '2026-07-27T02:00:00.000Z' }];
    expect([...plannedByTeamDay(versions, '2026-07-25', '2026-08-05').get(TEAM_A)!.keys()]).toEqual(['2026-07-25', '2026-07-26']);
    expect([...plannedByTeamDay([version(1, { endsOn: '2026-07-22' })], '2026-07-01', '2026-08-05').get(TEAM_A)!.keys()]).toEqual(['2026-07-21', '2026-07-22']);
  });

  it('sums two plans of one team on the same day', () => {
    const planned = plannedByTeamDay([version(1), version(1, { planId: 'p2', householdsPerDay: 5, enrollmentsPerDay: [] })], '2026-07-22', '2026-07-22');
    expect(planned.get(TEAM_A)!.get('2026-07-22')!.households).toBe(15);
  });

  it('computes behind plan, run rate and required rate from the days up to today', () => {
    const days = ['2026-07-21', '2026-07-22', '2026-07-23', '2026-07-24'];
    const pace = paceOf(days, [10, 10, 10, 10], [8, 7, 0, 0], '2026-07-22');
    expect(pace).toEqual({ planned: 40, done: 15, plannedSoFar: 20, doneSoFar: 15, behindPlan: true, runRate: 7.5, requiredRate: 12.5 });
    expect(paceOf(days, [null, null, null, null], [1, 2, 0, 0], '2026-07-22')).toMatchObject({ planned: null, behindPlan: null, runRate: 1.5, requiredRate: null });
    // The window is over: nothing left to plan for.
    expect(paceOf(days, [10, 10, 10, 10], [10, 10, 10, 12], '2026-08-01')).toMatchObject({ behindPlan: false, runRate: 10.5, requiredRate: null });
  });
});
