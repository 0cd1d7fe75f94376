import { changedPlanFields, decidePlanUpdate, decidePlanWithdrawal, normalisePlanState, planStateProblem, teamCoverProblem, type PlanState } from './plan-rules';

const TEAM_A = '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809';
const TEAM_B = 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
const V1 = '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e';
const V2 = '7d2e3c8f-7b1a-4dac-9e4f-3a2b1c0d9e8f';

const plan = (patch: Partial<PlanState> = {}): PlanState => ({
  teamId: TEAM_A,
  startsOn: '2026-07-21',
  endsOn: '2026-08-31',
  villageIds: [V1],
  householdIds: [],
  householdsPerDay: 25,
  enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }],
  ...patch,
});

describe('plan rules', () => {
  it('accepts a plan of one day, and one of 366 days (a leap year) but not 367', () => {
    expect(planStateProblem(plan({ startsOn: '2026-07-21', endsOn: '2026-07-21' }))).toBeUndefined();
    expect(planStateProblem(plan({ startsOn: '2028-01-01', endsOn: '2028-12-31' }))).toBeUndefined();
    expect(planStateProblem(plan({ startsOn: '2026-01-01', endsOn: '2027-01-02' }))).toEqual({ field: 'endsOn', reason: 'a plan lasts at most 366 days' });
  });

  it('refuses a plan that ends before it starts, covers nobody, or targets one service twice', () => {
    expect(planStateProblem(plan({ endsOn: '2026-07-20' }))?.field).toBe('endsOn');
    expect(planStateProblem(plan({ villageIds: [], householdIds: [] }))?.field).toBe('villageIds');
    expect(planStateProblem(plan({ villageIds: [], householdIds: ['0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11'] }))).toBeUndefined();
    expect(
      planStateProblem(
        plan({
          enrollmentsPerDay: [
            { serviceCode: 'cccd', perDay: 1 },
            { serviceCode: 'cccd', perDay: 2 },
          ],
        }),
      ),
    ).toEqual({ field: 'enrollmentsPerDay', reason: 'serviceCode cccd is listed twice' });
  });

  it('needs the team active over the whole plan (an open-ended team covers any end)', () => {
    expect(teamCoverProblem({ activeFrom: '2026-07-01', activeTo: null }, plan())).toBeUndefined();
    expect(teamCoverProblem({ activeFrom: '2026-07-21', activeTo: '2026-08-31' }, plan())).toBeUndefined();
    expect(teamCoverProblem({ activeFrom: '2026-07-22', activeTo: null }, plan())?.field).toBe('teamId');
    expect(teamCoverProblem({ activeFrom: '2026-07-01', activeTo: '2026-08-30' }, plan())?.field).toBe('teamId');
  });

  it('compares states whatever the order of their lists', () => {
    expect(changedPlanFields(plan({ villageIds: [V1, V2] }), plan({ villageIds: [V2, V1] }))).toEqual([]);
    expect(changedPlanFields(plan(), plan({ householdsPerDay: 30, endsOn: '2026-09-15' }))).toEqual(['endsOn', 'householdsPerDay']);
    expect(normalisePlanState(plan({ villageIds: [V2, V1] })).villageIds).toEqual([V1, V2]);
  });

  describe('an edit', () => {
    const current = { version: 3, status: 'active' as const, state: plan() };

    it('with a stale version is refused with the current one', () => {
      expect(decidePlanUpdate(current, 2, plan({ householdsPerDay: 30 }))).toEqual({ kind: 'stale', currentVersion: 3 });
    });

    it('of a withdrawn plan is refused', () => {
      expect(decidePlanUpdate({ ...current, status: 'withdrawn' }, 3, plan({ householdsPerDay: 30 }))).toEqual({ kind: 'withdrawn' });
    });

    it('that says what the plan already says changes nothing', () => {
      expect(decidePlanUpdate(current, 3, plan())).toEqual({ kind: 'unchanged' });
    });

    it('is the next version; a new team is a reassignment naming the previous one', () => {
      expect(decidePlanUpdate(current, 3, plan({ householdsPerDay: 30 }))).toEqual({ kind: 'changed', version: 4, change: 'changed', fields: ['householdsPerDay'] });
      expect(decidePlanUpdate(current, 3, plan({ teamId: TEAM_B }))).toEqual({ kind: 'changed', version: 4, change: 'reassigned', fields: ['teamId'], previousTeamId: TEAM_A });
    });
  });

  it('withdraws the version the admin saw, once', () => {
    expect(decidePlanWithdrawal({ version: 2, status: 'active' }, 2)).toEqual({ kind: 'withdraw', version: 3 });
    expect(decidePlanWithdrawal({ version: 2, status: 'active' }, 1)).toEqual({ kind: 'stale', currentVersion: 2 });
    expect(decidePlanWithdrawal({ version: 3, status: 'withdrawn' }, 3)).toEqual({ kind: 'withdrawn' });
  });
});
