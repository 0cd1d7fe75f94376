import { householdDifference } from './households';
import { parseOptions } from './options';
import { failures, memoryVerdict, renderReport, totalCountedTwice, totalLost, type SoakOutcome } from './report';

const limits = { maxSlopeMbPerHour: 20, minJudgedMinutes: 10, minRunMinutes: 40 };

function outcome(overrides: Partial<SoakOutcome> = {}, exactness: Partial<SoakOutcome['exactness']> = {}): SoakOutcome {
  return {
    startedAt: '2026-11-24T01:00:00.000Z',
    minutes: 60,
    seed: 42,
    serviceSettings: 'NODE_OPTIONS=--max-old-space-size=192 MALLOC_ARENA_MAX=2',
    phones: 3,
    faults: [
      { fault: 'broker-kill', injected: 3, failed: 0, errorsDuring: 0, households: 120, lost: 0, countedTwice: 0 },
      { fault: 'postgres-restart', injected: 3, failed: 0, errorsDuring: 57, households: 90, lost: 0, countedTwice: 0 },
    ],
    unexpectedErrors: 0,
    unexpectedExamples: [],
    exactness: {
      householdsAcknowledged: 800,
      eventsWritten: 8000,
      eventsApplied: 8000,
      countsDuplicated: 0,
      countsMissing: 0,
      householdsLost: 0,
      householdsCountedTwice: 0,
      quietLost: 0,
      quietCountedTwice: 0,
      quietHouseholds: 590,
      ...exactness,
    },
    memory: [
      { service: 'household-registry', processes: 4, startMb: 140, endMb: 146, slopeMbPerHour: 3.2, heapUsedSlopeMbPerHour: 0.5, judgedMinutes: 24 },
      { service: 'reporting', processes: 7, startMb: 160, endMb: 171, slopeMbPerHour: 8, heapUsedSlopeMbPerHour: null, judgedMinutes: 21 },
    ],
    problems: [],
    ...overrides,
  };
}

describe('soak verdict and table', () => {
  it('passes a clean run and renders the fault and memory tables as Markdown', () => {
    const clean = outcome();
    expect(failures(clean, limits)).toEqual([]);
    const report = renderReport(clean, limits);
    expect(report).toContain('seed 42; services ran with NODE_OPTIONS=--max-old-space-size=192 MALLOC_ARENA_MAX=2.');
    expect(report).toContain('| fault | times injected | phone errors during it (retried) | households uploaded through it | lost | counted twice | 5xx outside faults | verdict |');
    expect(report).toContain('| Postgres stopped (immediate), started | 3 | 57 | 90 | 0 | 0 | – | ok |');
    expect(report).toContain('| no fault active | – | – | 590 | 0 | 0 | 0 | ok |');
    expect(report).toContain('| **whole run** (events, recount) | 6 | 57 | 800 | 0 | 0 | 0 | **PASS** |');
    expect(report).toContain('| household-registry | 4 | 140 | 146 | 3.2 | 0.5 | 24 | flat |');
    expect(report).toContain('| reporting | 7 | 160 | 171 | 8 | – | 21 | flat |');
    expect(report).toContain('Verdict: PASS');
  });

  it('fails on lost events, double counts, 5xx outside faults, faults not carried out, rising memory and problems', () => {
    const bad = outcome(
      {
        faults: [{ fault: 'relay-crash-after-ack', injected: 1, failed: 1, errorsDuring: 3, households: 10, lost: 2, countedTwice: 1 }],
        unexpectedErrors: 2,
        unexpectedExamples: ['2026-11-24T01:10:00.000Z household-registry 500'],
        memory: [{ service: 'enrollment', processes: 1, startMb: 120, endMb: 200, slopeMbPerHour: 160, heapUsedSlopeMbPerHour: 0.5, judgedMinutes: 28 }],
        problems: ['a phone gave up: x'],
      },
      { eventsApplied: 7998, countsDuplicated: 1, householdsLost: 2, householdsCountedTwice: 1 },
    );
    expect(failures(bad, limits)).toEqual([
      '2 lost',
      '1 counted twice',
      '2 5xx/refused outside injected faults',
      'faults not carried out: relay-crash-after-ack ×1',
      'enrollment RSS rising 160 MB/h',
      'a phone gave up: x',
    ]);
    const report = renderReport(bad, limits);
    expect(report).toContain('| outbox relay killed after the Kafka ack | 1 (1 failed) | 3 | 10 | 2 | 1 | – | FAIL |');
    expect(report).toContain('| no fault active | – | – | 590 | 0 | 0 | 2 | FAIL |');
    expect(report).toContain('household-registry 500');
    expect(report).toMatch(/Verdict: FAIL \(2 lost; 1 counted twice;/);
  });

  it('reports the larger of the platform and phone views of a loss, never their sum', () => {
    expect(totalLost(outcome({}, { eventsApplied: 7997, countsMissing: 1, householdsLost: 2 }))).toBe(4);
    expect(totalLost(outcome({}, { householdsLost: 5 }))).toBe(5);
    expect(totalCountedTwice(outcome({}, { countsDuplicated: 2, householdsCountedTwice: 1 }))).toBe(2);
  });

  it('does not judge memory over too short a window', () => {
    const trend = { service: 'reporting', processes: 1, startMb: 100, endMb: 130, slopeMbPerHour: 600, heapUsedSlopeMbPerHour: 0.5, judgedMinutes: 2 };
    expect(memoryVerdict(trend, limits, 60)).toBe('too short to judge');
    expect(memoryVerdict({ ...trend, judgedMinutes: 10 }, limits, 60)).toBe('RISING');
    expect(memoryVerdict({ ...trend, judgedMinutes: 10, slopeMbPerHour: 20 }, limits, 60)).toBe('flat');
    expect(failures(outcome({ memory: [trend] }), limits)).toEqual([]);
    // Half an hour of RSS swinging with the reserved heap is not enough to call a slope.
    const rising = { ...trend, judgedMinutes: 50 };
    expect(memoryVerdict(rising, limits, 30)).toBe('too short to judge');
    expect(failures(outcome({ minutes: 30, memory: [rising] }), limits)).toEqual([]);
    const short = renderReport(outcome({ minutes: 30, memory: [rising] }), limits);
    expect(short).toContain('| reporting | 1 | 100 | 130 | 600 | 0.5 | 50 | too short to judge |');
    expect(short).toContain('Verdict: PASS on exactness; memory not judged (reporting: too short to judge)');
    expect(short).not.toMatch(/Verdict: PASS$/m);
  });
});

describe('soak household comparison', () => {
  it('finds nothing missing for a household reporting holds in full', () => {
    expect(householdDifference({ visits: 2, livingResidents: 2, enrollmentState: 'issued' })).toEqual({ lost: 0, countedTwice: 0 });
  });

  it('counts missing facts as lost and extra ones as counted twice', () => {
    expect(householdDifference({ livingResidents: 0 })).toEqual({ lost: 1 + 2 + 2 + 1, countedTwice: 0 });
    expect(householdDifference({ visits: 1, livingResidents: 2, enrollmentState: 'submitted' })).toEqual({ lost: 2, countedTwice: 0 });
    expect(householdDifference({ visits: 4, livingResidents: 3, enrollmentState: 'issued' })).toEqual({ lost: 0, countedTwice: 3 });
  });
});

describe('soak options', () => {
  it('has defaults for a 60-minute run and takes every option', () => {
    expect(parseOptions([], 7)).toMatchObject({ minutes: 60, phones: 3, seed: 7, faultEverySeconds: 90, keep: false, report: undefined });
    expect(parseOptions(['--minutes', '3', '--phones', '2', '--seed', '42', '--faults', 'redis-down,rebalance', '--report', 'docs/soak-latest.md', '--keep'], 7)).toMatchObject({
      minutes: 3,
      phones: 2,
      seed: 42,
      faults: ['redis-down', 'rebalance'],
      report: 'docs/soak-latest.md',
      keep: true,
    });
  });

  it('refuses bad values with the option and the reason', () => {
    expect(() => parseOptions(['--minutes', '0'], 1)).toThrow('--minutes takes a number of at least 1, not "0"');
    expect(() => parseOptions(['--phones', '1.5'], 1)).toThrow('--phones takes an integer');
    expect(() => parseOptions(['--minutes'], 1)).toThrow('--minutes needs a value');
    expect(() => parseOptions(['--faults', 'meteor'], 1)).toThrow('--faults: unknown meteor');
  });
});
