import { faultAt, FAULTS, faultsDuring, planFaults, seededRandom, type FaultWindow } from './schedule';

describe('soak fault schedule', () => {
  const options = { durationMs: 30 * 60000, meanGapMs: 90000, quietStartMs: 60000, quietEndMs: 120000 };

  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(options, seededRandom(42))).toEqual(planFaults(options, seededRandom(42)));
    expect(planFaults(options, seededRandom(42))).not.toEqual(planFaults(options, seededRandom(43)));
  });

  it('keeps the faults between the quiet margins, in order, with gaps of half to one and a half of the mean', () => {
    const plan = planFaults(options, seededRandom(7));
    expect(plan[0].atMs).toBeGreaterThanOrEqual(options.quietStartMs);
    expect(plan[plan.length - 1].atMs).toBeLessThanOrEqual(options.durationMs - options.quietEndMs);
    for (let i = 1; i < plan.length; i += 1) {
      const gap = plan[i].atMs - plan[i - 1].atMs;
      expect(gap).toBeGreaterThanOrEqual(45000 - 1);
      expect(gap).toBeLessThanOrEqual(135000 + 1);
    }
    // 27 minutes of fault time at one fault every 1.5 minutes on average.
    expect(plan.length).toBeGreaterThanOrEqual(12);
    expect(plan.length).toBeLessThanOrEqual(36);
  });

  it('injects every kind once before any kind twice', () => {
    const plan = planFaults(options, seededRandom(3));
    for (let round = 0; round + FAULTS.length <= plan.length; round += FAULTS.length) {
      expect(new Set(plan.slice(round, round + FAULTS.length).map((p) => p.fault)).size).toBe(FAULTS.length);
    }
  });

  it('plans only the chosen kinds, and nothing when the run is all quiet margin', () => {
    expect(new Set(planFaults({ ...options, faults: ['redis-down'] }, seededRandom(1)).map((p) => p.fault))).toEqual(new Set(['redis-down']));
    expect(planFaults({ ...options, durationMs: 60000 }, seededRandom(1))).toEqual([]);
  });

  it('gives uniform numbers in [0, 1)', () => {
    const random = seededRandom(99);
    const draws = Array.from({ length: 10000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('attributes an answer to the fault it happened in, grace included, and households to every fault they went through', () => {
    const windows: FaultWindow[] = [
      { fault: 'postgres-restart', startedAt: 1000, endedAt: 2000 },
      { fault: 'broker-kill', startedAt: 5000, endedAt: 6000 },
    ];
    expect(faultAt(windows, 1500, 100)?.fault).toBe('postgres-restart');
    expect(faultAt(windows, 2100, 100)?.fault).toBe('postgres-restart');
    expect(faultAt(windows, 2101, 100)).toBeUndefined();
    expect(faultAt(windows, 999, 100)).toBeUndefined();
    expect(faultsDuring(windows, 1900, 5500, 0)).toEqual(['postgres-restart', 'broker-kill']);
    expect(faultsDuring(windows, 3000, 4000, 500)).toEqual([]);
    expect(faultsDuring(windows, 2400, 4000, 500)).toEqual(['postgres-restart']);
  });
});
