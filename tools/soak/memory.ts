import { readFileSync } from 'node:fs';

/** One memory reading of one service process. */
export interface RssSample {
  service: string;
  pid: number;
  at: number;
  rssBytes: number;
  /** V8 heap in use (its /metrics), when the process answered: tells a JS leak from native growth. */
  heapUsedBytes?: number;
  /** V8 heap reserved (RSS follows it as V8 grows and shrinks it) and memory outside it (Buffers). */
  heapTotalBytes?: number;
  externalBytes?: number;
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
}

/** A gauge from a service's Prometheus text (prom-client's default metrics: heap, external memory), or undefined. */
export function parseGauge(metrics: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(metrics);
  return match && Number.isFinite(Number(match[1])) ? Number(match[1]) : undefined;
}

/**
 * RSS slope per service. A service restarted by a fault starts low again, which a single line
 * fit would read as memory going down (or, restarted early, up): each process gets its own
 * intercept and they share one slope (pooled within-process least squares). The first
 * `warmupMs` of every process are left out (heap and JIT growing to their working size).
 */
export function rssTrends(samples: readonly RssSample[], warmupMs: number): RssTrend[] {
  const services = [...new Set(samples.map((sample) => sample.service))];
  return services.map((service) => {
    const own = samples.filter((sample) => sample.service === service).sort((a, b) => a.at - b.at);
    const byProcess = new Map<number, RssSample[]>();
    for (const sample of own) byProcess.set(sample.pid, [...(byProcess.get(sample.pid) ?? []), sample]);
    const segments = [...byProcess.values()].map((list) => list.filter((sample) => sample.at - list[0].at >= warmupMs));
    const mb = (bytes: number) => bytes / 1048576;
    const slope = (read: (sample: RssSample) => number | undefined) => {
      const series = segments.map((list) =>
        list.flatMap((sample): Array<[number, number]> => {
          const bytes = read(sample);
          return bytes === undefined ? [] : [[sample.at / 3600000, mb(bytes)]];
        }),
      );
      return round(pooledSlope(series));
    };
    return {
      service,
      processes: byProcess.size,
      startMb: round(mb(own[0].rssBytes)),
      endMb: round(mb(own[own.length - 1].rssBytes)),
      slopeMbPerHour: slope((sample) => sample.rssBytes),
      heapUsedSlopeMbPerHour: own.some((sample) => sample.heapUsedBytes !== undefined) ? slope((sample) => sample.heapUsedBytes) : null,
      judgedMinutes: round(segments.reduce((sum, list) => sum + (list.length > 1 ? (list[list.length - 1].at - list[0].at) / 60000 : 0), 0)),
    };
  });
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
