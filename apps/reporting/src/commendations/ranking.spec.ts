import { percentOfPlan, rankByFigures } from './ranking';

describe('commendation ranking', () => {
  it('ranks by households, then enrollments opened, then completed; ties share a rank; nothing done is not ranked', () => {
    const entries = [
      { id: 'c', householdsVisited: 10, enrollmentsOpened: 5, enrollmentsCompleted: 1 },
      { id: 'a', householdsVisited: 10, enrollmentsOpened: 5, enrollmentsCompleted: 1 },
      { id: 'b', householdsVisited: 10, enrollmentsOpened: 7, enrollmentsCompleted: 0 },
      { id: 'd', householdsVisited: 2, enrollmentsOpened: 0, enrollmentsCompleted: 9 },
      { id: 'e', householdsVisited: 0, enrollmentsOpened: 0, enrollmentsCompleted: 0 },
    ];
    expect(rankByFigures(entries, 10).map((e) => [e.id, e.rank])).toEqual([['b', 1], ['a', 2], ['c', 2], ['d', 4]]);
    expect(rankByFigures(entries, 2).map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('gives the share of the plan with one decimal, null without a plan', () => {
    expect(percentOfPlan(142, 150)).toBe(94.7);
    expect(percentOfPlan(3, 0)).toBeNull();
    expect(percentOfPlan(3, null)).toBeNull();
  });
});
