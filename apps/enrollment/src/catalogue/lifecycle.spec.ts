import { ageOn, allowedTransitions, initialState, isFinal } from './lifecycle';

const vneid = { states: ['registered', 'issued', 'activated'] };

describe('service lifecycles', () => {
  it('starts at the first state and steps along the happy path', () => {
    expect(initialState(vneid)).toBe('registered');
    expect(allowedTransitions(vneid, 'registered')).toEqual(['issued', 'rejected', 'cancelled']);
    expect(allowedTransitions(vneid, 'issued')).toEqual(['activated', 'rejected', 'cancelled']);
  });

  it('allows nothing from a final state', () => {
    for (const state of ['activated', 'rejected', 'cancelled']) {
      expect(isFinal(vneid, state)).toBe(true);
      expect(allowedTransitions(vneid, state)).toEqual([]);
    }
    expect(isFinal(vneid, 'issued')).toBe(false);
  });

  it('knows nothing of states outside the lifecycle', () => {
    expect(allowedTransitions(vneid, 'delivered')).toEqual([]);
  });
});

describe('age from birth year and month', () => {
  it('counts the birthday month as the birthday (the day is not known)', () => {
    expect(ageOn('2026-07-01', 2012, 7)).toBe(14);
    expect(ageOn('2026-06-30', 2012, 7)).toBe(13);
    expect(ageOn('2026-12-31', 2012, 12)).toBe(14);
    expect(ageOn('2027-01-01', 2013, 1)).toBe(14);
  });
});
