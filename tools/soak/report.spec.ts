import { householdDifference } from './households';
import { parseOptions } from './options';
import { failures, memoryVerdict, renderReport, totalCountedTwice, totalLost, type SoakOutcome } from './report';

const limits = { maxSlopeMbPerHour: 20, minJudgedMinutes: 10, maxFaultStepMb: 5 };

function outcome(overrides: Partial<SoakOutcome> = {}, exactness: Partial<SoakOutcome['exactness']> = {}): SoakOutcome {
  return {
    startedAt: '2026-11-24T01:00:00.000Z',
    minutes: 30,
    seed: 42,
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
      {
        service: 'household-registry',
        processes: 4,
        startMb: 140,
        endMb: 146,
        slopeMbPerHour: 23.2,
        heapUsedSlopeMbPerHour: 0.5,
        judgedMinutes: 24,
        quietSlopeMbPerHour: 3.2,
        quietMinutes: 16,
        faultSteps: [{ fault: 'broker-kill', measured: 3, medianMb: 0.4, maxMb: 9 }],
      },
      { service: 'reporting', processes: 7, startMb: 160, endMb: 171, slopeMbPerHour: 8, heapUsedSlopeMbPerHour: null, judgedMinutes: 21, quietSlopeMbPerHour: -2, quietMinutes: 12, faultSteps: [] },
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
    expect(report).toContain('| fault | times injected | phone errors during it (retried) | households uploaded through it | lost | counted twice | 5xx outside faults | verdict |');
    expect(report).toContain('| Postgres stopped (immediate), started | 3 | 57 | 90 | 0 | 0 | – | ok |');
    expect(report).toContain('| no fault active | – | – | 590 | 0 | 0 | 0 | ok |');
    expect(report).toContain('| **whole run** (events, recount) | 6 | 57 | 800 | 0 | 0 | 0 | **PASS** |');
    // A whole-run slope above the limit made of one step that held is flat: the slope between faults is 3.2.
    expect(report).toContain('| household-registry | 4 | 140 | 146 | 23.2 | 0.5 | 24 | 3.2 | 16 | flat |');
    expect(report).toContain('| reporting | 7 | 160 | 171 | 8 | – | 21 | -2 | 12 | flat |');
    expect(report).toContain('| RSS step at the fault, MB: median (largest, injections) | household-registry | reporting |');
    expect(report).toContain('| Kafka broker killed (SIGKILL), restarted | +0.4 (+9, 3) | – |');
    expect(report).toContain('| Postgres stopped (immediate), started | – | – |');
    expect(report).toContain('Verdict: PASS');
  });

  it('fails on lost events, double counts, 5xx outside faults, faults not carried out, rising memory and problems', () => {
    const bad = outcome(
      {
        faults: [{ fault: 'relay-crash-after-ack', injected: 1, failed: 1, errorsDuring: 3, households: 10, lost: 2, countedTwice: 1 }],
        unexpectedErrors: 2,
        unexpectedExamples: ['2026-11-24T01:10:00.000Z household-registry 500'],
        memory: [
          { service: 'enrollment', processes: 1, startMb: 120, endMb: 200, slopeMbPerHour: 160, heapUsedSlopeMbPerHour: 0.5, judgedMinutes: 28, quietSlopeMbPerHour: 150, quietMinutes: 20, faultSteps: [] },
          {
            service: 'reporting',
            processes: 1,
            startMb: 120,
            endMb: 150,
            slopeMbPerHour: 60,
            heapUsedSlopeMbPerHour: 0.5,
            judgedMinutes: 28,
            quietSlopeMbPerHour: 1,
            quietMinutes: 20,
            faultSteps: [
              { fault: 'relay-crash-after-ack', measured: 1, medianMb: 30, maxMb: 30 },
              { fault: 'redis-down', measured: 2, medianMb: 6, maxMb: 7 },
            ],
          },
        ],
        problems: ['a phone gave up: x'],
      },
      { eventsApplied: 7998, countsDuplicated: 1, householdsLost: 2, householdsCountedTwice: 1 },
    );
    expect(failures(bad, limits)).toEqual([
      '2 lost',
      '1 counted twice',
      '2 5xx/refused outside injected faults',
      'faults not carried out: relay-crash-after-ack ×1',
      'enrollment RSS rising 150 MB/h between faults',
      // One injection is a high-water mark, not a pattern; two that both step are.
      'reporting RSS steps up at redis-down (median +6 MB)',
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

  it('does not judge memory over too short a time between faults', () => {
    const trend = { service: 'reporting', processes: 1, startMb: 100, endMb: 130, slopeMbPerHour: 600, heapUsedSlopeMbPerHour: 0.5, judgedMinutes: 30, quietSlopeMbPerHour: 600, quietMinutes: 2, faultSteps: [] };
    expect(memoryVerdict(trend, limits)).toBe('too short to judge');
    expect(memoryVerdict({ ...trend, quietMinutes: 10 }, limits)).toBe('RISING');
    expect(memoryVerdict({ ...trend, quietMinutes: 10, quietSlopeMbPerHour: 20 }, limits)).toBe('flat');
    expect(memoryVerdict({ ...trend, quietMinutes: 10, quietSlopeMbPerHour: 20, faultSteps: [{ fault: 'rebalance', measured: 4, medianMb: 5.1, maxMb: 6 }] }, limits)).toBe('STEPS AT FAULTS');
    expect(failures(outcome({ memory: [trend] }), limits)).toEqual([]);
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
  it('has defaults for a 30-minute run and takes every option', () => {
    expect(parseOptions([], 7)).toMatchObject({ minutes: 30, phones: 3, seed: 7, faultEverySeconds: 90, maxRssSlopeMbPerHour: 20, maxFaultStepMb: 5, keep: false, report: undefined });
    expect(parseOptions(['--max-fault-step', '8'], 7).maxFaultStepMb).toBe(8);
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
