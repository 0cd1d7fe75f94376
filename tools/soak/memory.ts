import { readFileSync } from 'node:fs';

/** One memory reading of one service process. */
export interface RssSample {
  service: string;
  pid: number;
  at: number;
  rssBytes: number;
  /** V8 heap in use (its /metrics), when the process answered: tells a JS leak from native growth. */
  heapUsedBytes?: number;
  /** V8 heap reserved and memory held outside it (Buffers), from the same answer: where RSS went. */
  heapTotalBytes?: number;
  externalBytes?: number;
}

/** A fault as memory sees it: from injection until every instance answered healthy again. */
export interface FaultSpan {
  fault: string;
  startedAt: number;
  endedAt: number;
}

/** How RSS moved across the injections of one kind of fault, for one service. */
export interface FaultStep {
  fault: string;
  /** Injections with readings on both sides (an instance living across it, no other fault near). */
  measured: number;
  /** Median over those of (RSS after it settled) - (RSS before it), MB, instances' median per injection: a leak per fault steps every time. */
  medianMb: number;
  maxMb: number;
}

export interface TrendOptions {
  /** Left out at the start of every process (heap and JIT growing to their working size). */
  warmupMs: number;
  windows?: readonly FaultSpan[];
  /** After a fault's end, this long still belongs to it (retries drained, pools refilled). */
  settleMs?: number;
  /** A stretch without faults shorter than this is not fitted (a GC sawtooth, not a trend). */
  minStretchMs?: number;
  /** Readings compared on each side of an injection. */
  stepSpanMs?: number;
}

/** Resident set size of a live process (Linux /proc), or undefined when it is gone. */
export function readRss(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface RssTrend {
  service: string;
  /** Processes seen (a crash fault replaces one: its successor is a new process). */
  processes: number;
  startMb: number;
  endMb: number;
  /** Least-squares slope in MB per hour over the samples judged (each process after its warm-up). */
  slopeMbPerHour: number;
  /** The same fit of the V8 heap in use (a sawtooth between collections), null without readings. */
  heapUsedSlopeMbPerHour: number | null;
  /** How long the judged samples span, in minutes (summed over the processes). */
  judgedMinutes: number;
  /**
   * The same fit over the stretches with no fault active or settling, each stretch with its own
   * intercept: growth under steady load, where a leak per request shows. A fault's step is left to `faultSteps`.
   */
  quietSlopeMbPerHour: number;
  quietMinutes: number;
  faultSteps: FaultStep[];
}

/** A gauge from a service's Prometheus text (prom-client's default metrics: heap, external memory), or undefined. */
export function parseGauge(metrics: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(metrics);
  return match && Number.isFinite(Number(match[1])) ? Number(match[1]) : undefined;
}

/**
 * RSS trend per service. A service restarted by a fault starts low again, which a single line
 * fit would read as memory going down (or, restarted early, up): each process gets its own
 * intercept and they share one slope (pooled within-process least squares). The first
 * `warmupMs` of every process are left out (heap and JIT growing to their working size).
 *
 * A fault makes a burst (retries, reconnecting pools, buffered batches) whose high-water mark the
 * allocator may keep: RSS steps once and holds, which a whole-run line reads as a climb. So the
 * trend also gives the slope between faults (a leak under steady load) and, per kind of fault,
 * the median step across its injections (a leak per fault steps at every one of them).
 */
export function rssTrends(samples: readonly RssSample[], options: TrendOptions): RssTrend[] {
  const { warmupMs, windows = [], settleMs = 60000, minStretchMs = 2 * 60000, stepSpanMs = 2 * 60000 } = options;
  const quiet = (at: number) => !windows.some((window) => at >= window.startedAt && at <= window.endedAt + settleMs);
  const services = [...new Set(samples.map((sample) => sample.service))];
  return services.map((service) => {
    const own = samples.filter((sample) => sample.service === service).sort((a, b) => a.at - b.at);
    const byProcess = new Map<number, RssSample[]>();
    for (const sample of own) byProcess.set(sample.pid, [...(byProcess.get(sample.pid) ?? []), sample]);
    const segments = [...byProcess.values()].map((list) => list.filter((sample) => sample.at - list[0].at >= warmupMs));
    const stretches = segments.flatMap((list) => quietStretches(list, quiet)).filter((list) => spanMs(list) >= minStretchMs);
    const slope = (series: RssSample[][], read: (sample: RssSample) => number | undefined) =>
      round(
        pooledSlope(
          series.map((list) =>
            list.flatMap((sample): Array<[number, number]> => {
              const bytes = read(sample);
              return bytes === undefined ? [] : [[sample.at / 3600000, toMb(bytes)]];
            }),
          ),
        ),
      );
    return {
      service,
      processes: byProcess.size,
      startMb: round(toMb(own[0].rssBytes)),
      endMb: round(toMb(own[own.length - 1].rssBytes)),
      slopeMbPerHour: slope(segments, (sample) => sample.rssBytes),
      heapUsedSlopeMbPerHour: own.some((sample) => sample.heapUsedBytes !== undefined) ? slope(segments, (sample) => sample.heapUsedBytes) : null,
      judgedMinutes: minutes(segments),
      quietSlopeMbPerHour: slope(stretches, (sample) => sample.rssBytes),
      quietMinutes: minutes(stretches),
      faultSteps: faultSteps(segments, windows, quiet, settleMs, stepSpanMs),
    };
  });
}

/** A process's readings cut at every fault: the runs of consecutive readings outside them. */
function quietStretches(list: readonly RssSample[], quiet: (at: number) => boolean): RssSample[][] {
  const stretches: RssSample[][] = [[]];
  for (const sample of list) {
    if (quiet(sample.at)) stretches[stretches.length - 1].push(sample);
    else if (stretches[stretches.length - 1].length > 0) stretches.push([]);
  }
  return stretches.filter((stretch) => stretch.length > 0);
}

function faultSteps(segments: readonly RssSample[][], windows: readonly FaultSpan[], quiet: (at: number) => boolean, settleMs: number, stepSpanMs: number): FaultStep[] {
  const kinds = [...new Set(windows.map((window) => window.fault))];
  return kinds.flatMap((fault) => {
    const steps = windows
      .filter((window) => window.fault === fault)
      .flatMap((window) => {
        const byProcess = segments.flatMap((list) => {
          const before = list.filter((sample) => quiet(sample.at) && sample.at >= window.startedAt - stepSpanMs && sample.at < window.startedAt);
          const after = list.filter((sample) => quiet(sample.at) && sample.at > window.endedAt + settleMs && sample.at <= window.endedAt + settleMs + stepSpanMs);
          // Three readings a side: one reading is a point on the GC sawtooth, not a level.
          return before.length >= 3 && after.length >= 3 ? [toMb(median(after.map((s) => s.rssBytes)) - median(before.map((s) => s.rssBytes)))] : [];
        });
        // One step per injection (the median of the instances living across it), so that two
        // replicas stepping at the same injection do not count as two injections.
        return byProcess.length === 0 ? [] : [median(byProcess)];
      });
    return steps.length === 0 ? [] : [{ fault, measured: steps.length, medianMb: round(median(steps)), maxMb: round(Math.max(...steps)) }];
  });
}

function spanMs(list: readonly RssSample[]): number {
  return list.length > 1 ? list[list.length - 1].at - list[0].at : 0;
}

function minutes(series: readonly RssSample[][]): number {
  return round(series.reduce((sum, list) => sum + spanMs(list), 0) / 60000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function toMb(bytes: number): number {
  return bytes / 1048576;
}

/** Least-squares slope shared by several series, each with its own intercept; 0 when nothing varies in x. */
export function pooledSlope(series: ReadonlyArray<ReadonlyArray<[x: number, y: number]>>): number {
  let covariance = 0;
  let variance = 0;
  for (const points of series) {
    if (points.length < 2) continue;
    const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
    const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
    for (const [x, y] of points) {
      covariance += (x - meanX) * (y - meanY);
      variance += (x - meanX) ** 2;
    }
  }
  return variance === 0 ? 0 : covariance / variance;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
