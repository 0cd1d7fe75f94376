import { lagOf } from './group-positions';

describe('lagOf', () => {
  it('counts the messages after the committed offset', () => {
    expect(lagOf({ topic: 't', partition: 0, low: 0, high: 10, committed: 7 })).toBe(3);
  });

  it('counts everything kept when the group never committed', () => {
    expect(lagOf({ topic: 't', partition: 0, low: 4, high: 10, committed: null })).toBe(6);
  });

  it('does not count messages retention already deleted', () => {
    expect(lagOf({ topic: 't', partition: 0, low: 8, high: 10, committed: 2 })).toBe(2);
  });

  it('is never negative', () => {
    expect(lagOf({ topic: 't', partition: 0, low: 0, high: 5, committed: 5 })).toBe(0);
  });
});
