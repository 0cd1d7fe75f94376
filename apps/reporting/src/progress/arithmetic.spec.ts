import { percentOf, progress, targetFromShare } from './arithmetic';

describe('campaign progress', () => {
  it('reproduces the published figure: 10,033 of 10,084 = 99.49%', () => {
    expect(percentOf(10033, 10084)).toBe(99.49);
  });

  it('rounds half up to two decimals without floating-point drift', () => {
    expect(percentOf(1046, 2163)).toBe(48.36);
    expect(percentOf(6549, 10085)).toBe(64.94);
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(2163, 2163)).toBe(100);
    expect(percentOf(5, 0)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('computes the run-rate, the projected completion and the at-risk flag', () => {
    // 21 Jul - 2 Aug (13 days); on 27 Jul (7 days elapsed) 7,000 of 10,084.
    const onTrack = progress({ achieved: 7000, target: 10084, startsOn: '2026-07-21', endsOn: '2026-08-02', asOf: '2026-07-27' });
    expect(onTrack).toMatchObject({ daysElapsed: 7, daysLeft: 6, remaining: 3084, dailyRunRate: 1000, projectedCompletion: '2026-07-31', atRisk: false, percent: 69.42 });
    const lagging = progress({ achieved: 3000, target: 10084, startsOn: '2026-07-21', endsOn: '2026-08-02', asOf: '2026-07-27' });
    expect(lagging.projectedCompletion).toBe('2026-08-13');
    expect(lagging.atRisk).toBe(true);
    const notStarted = progress({ achieved: 0, target: 100, startsOn: '2026-07-21', endsOn: '2026-08-02', asOf: '2026-07-21' });
    expect(notStarted).toMatchObject({ projectedCompletion: null, atRisk: true, dailyRunRate: 0 });
    const done = progress({ achieved: 2163, target: 2163, startsOn: '2026-07-21', endsOn: '2026-08-02', asOf: '2026-09-01' });
    expect(done).toMatchObject({ percent: 100, remaining: 0, atRisk: false, daysLeft: 0, daysElapsed: 13, projectedCompletion: '2026-08-02' });
  });

  it('turns a share of a population into a whole-person target, rounding up', () => {
    expect(targetFromShare(100, 10084)).toBe(10084);
    expect(targetFromShare(85, 2163)).toBe(1839);
    expect(targetFromShare(50, 3)).toBe(2);
  });
});
