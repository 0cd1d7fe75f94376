/**
 * Progress of one indicator of a campaign against its target, as communes publish it
 * ("10,033 applications against a target of 10,084 = 99.49%").
 *
 * Rounding rule: the percentage is achieved / target * 100 rounded half up to two decimals,
 * computed in integers (no floating-point drift): 10,033 / 10,084 = 99.4942... -> 99.49.
 */
import { addDays, daysFromTo } from '@dtc/platform';

export interface ProgressInput {
  achieved: number;
  target: number;
  /** Campaign window, inclusive, as YYYY-MM-DD (Vietnam days). */
  startsOn: string;
  endsOn: string;
  /** The day the report is for (YYYY-MM-DD); days after the window count as its last day. */
  asOf: string;
  /**
   * What the window itself added, when `achieved` also counts what came before it (targets
   * counted cumulatively); the run-rate is based on it. Defaults to `achieved`.
   */
  addedInWindow?: number;
}

export interface Progress {
  achieved: number;
  target: number;
  percent: number;
  remaining: number;
  daysElapsed: number;
  daysLeft: number;
  /** Achieved per elapsed day, two decimals. */
  dailyRunRate: number;
  /** Day the target is reached at the current run-rate; null when nothing was achieved yet. */
  projectedCompletion: string | null;
  /** Not reached and not going to be reached by the end of the window at the current rate. */
  atRisk: boolean;
}

/** achieved / target * 100, rounded half up to 2 decimals, in integer arithmetic. */
export function percentOf(achieved: number, target: number): number {
  if (target <= 0) return achieved > 0 ? 100 : 0;
  const hundredths = Math.floor((achieved * 20000 + target) / (2 * target));
  return hundredths / 100;
}

export function progress(input: ProgressInput): Progress {
  // Days counted from the window's first day (0), with the calendar helper's day arithmetic.
  const start = 0;
  const end = daysFromTo(input.startsOn, input.endsOn);
  const asOf = Math.min(Math.max(daysFromTo(input.startsOn, input.asOf), start - 1), end);
  const daysElapsed = Math.max(0, asOf - start + 1);
  const daysLeft = Math.max(0, end - asOf);
  const remaining = Math.max(0, input.target - input.achieved);
  const rate = daysElapsed > 0 ? (input.addedInWindow ?? input.achieved) / daysElapsed : 0;
  let projectedCompletion: string | null = null;
  if (remaining === 0) projectedCompletion = addDays(input.startsOn, asOf);
  else if (rate > 0) projectedCompletion = addDays(input.startsOn, asOf + Math.ceil(remaining / rate));
  return {
    achieved: input.achieved,
    target: input.target,
    percent: percentOf(input.achieved, input.target),
    remaining,
    daysElapsed,
    daysLeft,
    dailyRunRate: Math.round(rate * 100) / 100,
    projectedCompletion,
    atRisk: remaining > 0 && (projectedCompletion === null || projectedCompletion > input.endsOn),
  };
}

/** A target given as a share of a population ("85% of adults"), in whole people, rounded up. */
export function targetFromShare(sharePercent: number, population: number): number {
  return Math.ceil((sharePercent * population) / 100 - 1e-9);
}
