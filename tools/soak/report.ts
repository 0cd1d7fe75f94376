import type { RssTrend } from './memory';
import { FAULT_TITLES, type FaultName } from './schedule';

/** What the soak saw of one kind of fault. */
export interface FaultTally {
  fault: FaultName;
  injected: number;
  /** Injections that could not be carried out (e.g. a failpoint that never fired): listed, and a failure. */
  failed: number;
  /** Answers other than 200 the phones got while it lasted (expected: retried). */
  errorsDuring: number;
  /** Households whose upload overlapped it, and what reporting made of them. */
  households: number;
  lost: number;
  countedTwice: number;
}

/** The end-of-run comparison of what the phones were told with what reporting counts. */
export interface Exactness {
  householdsAcknowledged: number;
  /** Events the sources committed (outboxes of the projected streams) and those the projections applied. */
  eventsWritten: number;
  eventsApplied: number;
  /** Counts the projections hold beyond / short of a from-scratch recount of the source tables. */
  countsDuplicated: number;
  countsMissing: number;
  /** Facts of acknowledged households missing from / beyond what reporting holds (each household once). */
  householdsLost: number;
  householdsCountedTwice: number;
  /** The same for households uploaded while no fault was active. */
  quietLost: number;
  quietCountedTwice: number;
  quietHouseholds: number;
}

export interface SoakOutcome {
  startedAt: string;
  minutes: number;
  seed: number;
  phones: number;
  /** The runtime settings the services ran with (heap cap, allocator), so runs compare like with like. */
  serviceSettings: string;
  faults: FaultTally[];
  /** 5xx answers (and refused connections) outside every fault window, with a few examples. */
  unexpectedErrors: number;
  unexpectedExamples: string[];
  exactness: Exactness;
  memory: RssTrend[];
  /** Anything that stopped a check from completing (a phone that gave up, a settle deadline). */
  problems: string[];
}

export interface MemoryLimits {
  maxSlopeMbPerHour: number;
  /** Below this many judged minutes a slope is noise (GC sawtooth): shown, not judged. */
  minJudgedMinutes: number;
  /**
   * Runs shorter than this show the slope without a verdict: a process's RSS swings 30-40 MB as
   * V8 grows and shrinks its reserved heap, which a line through 30 to 45 minutes reads as up to
   * +-40 MB/h (docs/reliability.md, "60-minute run").
   */
  minRunMinutes: number;
}

export type MemoryVerdict = 'flat' | 'RISING' | 'too short to judge';

export function memoryVerdict(trend: RssTrend, limits: MemoryLimits, runMinutes: number): MemoryVerdict {
  if (runMinutes < limits.minRunMinutes || trend.judgedMinutes < limits.minJudgedMinutes) return 'too short to judge';
  return trend.slopeMbPerHour > limits.maxSlopeMbPerHour ? 'RISING' : 'flat';
}

/**
 * Two views of one loss: the platform's (events not applied, counts short of the recount) and the
 * phones' (acknowledged households whose facts are short). The larger one is reported, never
 * their sum (one lost visit shows in both). A household uploaded across two faults appears in
 * both rows of the table, so the rows are not summed either.
 */
export function totalLost(outcome: SoakOutcome): number {
  const { exactness } = outcome;
  return Math.max(exactness.eventsWritten - exactness.eventsApplied + exactness.countsMissing, exactness.householdsLost);
}

export function totalCountedTwice(outcome: SoakOutcome): number {
  return Math.max(outcome.exactness.countsDuplicated, outcome.exactness.householdsCountedTwice);
}

/** Why the run fails (empty: it passes). The exit code follows it. */
export function failures(outcome: SoakOutcome, limits: MemoryLimits): string[] {
  const reasons: string[] = [];
  const lost = totalLost(outcome);
  const twice = totalCountedTwice(outcome);
  if (lost > 0) reasons.push(`${lost} lost`);
  if (twice > 0) reasons.push(`${twice} counted twice`);
  if (outcome.unexpectedErrors > 0) reasons.push(`${outcome.unexpectedErrors} 5xx/refused outside injected faults`);
  const failed = outcome.faults.filter((f) => f.failed > 0);
  if (failed.length > 0) reasons.push(`faults not carried out: ${failed.map((f) => `${f.fault} ×${f.failed}`).join(', ')}`);
  for (const trend of outcome.memory) if (memoryVerdict(trend, limits, outcome.minutes) === 'RISING') reasons.push(`${trend.service} RSS rising ${trend.slopeMbPerHour} MB/h`);
  reasons.push(...outcome.problems);
  return reasons;
}

function faultVerdict(tally: FaultTally): string {
  if (tally.failed > 0 || tally.lost > 0 || tally.countedTwice > 0) return 'FAIL';
  return tally.injected === 0 ? 'not injected' : 'ok';
}

/** The run as Markdown: the fault table, the memory table and the verdict, to paste into docs/reliability.md. */
export function renderReport(outcome: SoakOutcome, limits: MemoryLimits): string {
  const { exactness } = outcome;
  const faultRows = outcome.faults.map((tally) => [
    FAULT_TITLES[tally.fault],
    String(tally.injected) + (tally.failed ? ` (${tally.failed} failed)` : ''),
    String(tally.errorsDuring),
    String(tally.households),
    String(tally.lost),
    String(tally.countedTwice),
    '–',
    faultVerdict(tally),
  ]);
  const lost = totalLost(outcome);
  const twice = totalCountedTwice(outcome);
  const quietVerdict = exactness.quietLost || exactness.quietCountedTwice || outcome.unexpectedErrors ? 'FAIL' : 'ok';
  const reasons = failures(outcome, limits);
  const lines = [
    `Soak ${outcome.startedAt}: ${outcome.minutes} min, ${outcome.phones} phones, seed ${outcome.seed}; services ran with ${outcome.serviceSettings}.`,
    '',
    table(
      ['fault', 'times injected', 'phone errors during it (retried)', 'households uploaded through it', 'lost', 'counted twice', '5xx outside faults', 'verdict'],
      [
        ...faultRows,
        ['no fault active', '–', '–', String(exactness.quietHouseholds), String(exactness.quietLost), String(exactness.quietCountedTwice), String(outcome.unexpectedErrors), quietVerdict],
        [
          '**whole run** (events, recount)',
          String(sum(outcome.faults.map((f) => f.injected))),
          String(sum(outcome.faults.map((f) => f.errorsDuring))),
          String(exactness.householdsAcknowledged),
          String(lost),
          String(twice),
          String(outcome.unexpectedErrors),
          reasons.length === 0 ? '**PASS**' : '**FAIL**',
        ],
      ],
    ),
    '',
    `Events: ${exactness.eventsWritten} written, ${exactness.eventsApplied} applied by the projections; recount: ${exactness.countsDuplicated} counted beyond it, ${exactness.countsMissing} missing.`,
    '',
    table(
      ['service', 'processes', 'RSS start MB', 'RSS end MB', 'RSS slope MB/h', 'heap used slope MB/h', 'minutes judged', 'verdict'],
      outcome.memory.map((trend) => [
        trend.service,
        String(trend.processes),
        String(trend.startMb),
        String(trend.endMb),
        String(trend.slopeMbPerHour),
        trend.heapUsedSlopeMbPerHour === null ? '–' : String(trend.heapUsedSlopeMbPerHour),
        String(trend.judgedMinutes),
        memoryVerdict(trend, limits, outcome.minutes),
      ]),
    ),
    '',
    `Memory is flat when the RSS slope is at most ${limits.maxSlopeMbPerHour} MB/h over at least ${limits.minJudgedMinutes} judged minutes (each process after its warm-up), in a run of at least ${limits.minRunMinutes} minutes. The heap used slope is the V8 heap's, to tell a leak of JavaScript objects (both rise) from native or allocator growth (only RSS rises).`,
  ];
  if (outcome.unexpectedExamples.length > 0) lines.push('', `5xx outside faults, first ones: ${outcome.unexpectedExamples.join('; ')}`);
  // A run too short to judge memory passes on exactness only, and says so.
  const unjudged = outcome.memory.filter((trend) => memoryVerdict(trend, limits, outcome.minutes) === 'too short to judge').map((trend) => trend.service);
  const pass = unjudged.length === 0 ? 'Verdict: PASS' : `Verdict: PASS on exactness; memory not judged (${unjudged.join(', ')}: too short to judge)`;
  lines.push('', reasons.length === 0 ? pass : `Verdict: FAIL (${reasons.join('; ')})`);
  return `${lines.join('\n')}\n`;
}

export function table(header: string[], rows: string[][]): string {
  const render = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [render(header), render(header.map(() => '---')), ...rows.map(render)].join('\n');
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
