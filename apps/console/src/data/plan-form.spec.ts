import { planFieldsOf, planFormOf, type PlanView } from './plan-form';

const plan: PlanView = {
  id: 'p1',
  communeCode: '16279',
  teamId: 't1',
  startsOn: '2026-12-01',
  endsOn: '2026-12-31',
  villageIds: ['v1'],
  householdIds: ['h9'],
  householdsPerDay: 25,
  enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }],
  version: 3,
  status: 'active',
  createdAt: '2026-11-30T02:00:00.000Z',
  updatedAt: '2026-12-01T02:00:00.000Z',
};

describe('micro-plan form', () => {
  it('reads a plan into the form and writes the same fields back', () => {
    const form = planFormOf(plan);
    expect(form.householdsPerDay).toBe('25');
    expect(planFieldsOf(form)).toEqual({ teamId: 't1', startsOn: '2026-12-01', endsOn: '2026-12-31', villageIds: ['v1'], householdIds: ['h9'], householdsPerDay: 25, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }] });
  });

  it('leaves blank service rows out and keeps one target per service (the last typed)', () => {
    const form = { ...planFormOf(plan), enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: '40' }, { serviceCode: 'ehealth_book', perDay: ' ' }, { serviceCode: 'vneid_level2', perDay: '45' }] };
    expect(planFieldsOf(form).enrollmentsPerDay).toEqual([{ serviceCode: 'vneid_level2', perDay: 45 }]);
  });

  it('sends a figure that is not a whole number for the service to refuse by name', () => {
    expect(planFieldsOf({ ...planFormOf(plan), householdsPerDay: '2,5' }).householdsPerDay).toBeNaN();
  });
});
