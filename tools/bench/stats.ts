/** Figures the benchmark computes from raw samples and from Prometheus histograms. */

/** Nearest-rank percentile of raw samples (p in 0..100); NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export interface HistogramSnapshot {
  /** Cumulative counts by upper bound (seconds), +Inf last. */
  buckets: Array<[le: number, count: number]>;
  count: number;
}

/** Sums one histogram family over all label sets (e.g. all instances) from Prometheus text. */
export function readHistogram(metricsText: string, name: string, labelFilter: Record<string, string> = {}): HistogramSnapshot {
  const byBound = new Map<number, number>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labelFilter).some(([key, value]) => labels[key] !== value)) continue;
    const value = Number(match[3]);
    if (match[1] === `${name}_bucket`) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      byBound.set(le, (byBound.get(le) ?? 0) + value);
    }
  }
  const buckets = [...byBound].sort(([a], [b]) => a - b);
  return { buckets, count: buckets.at(-1)?.[1] ?? 0 };
}

/** What was observed between two snapshots of the same histogram. */
export function histogramDelta(before: HistogramSnapshot, after: HistogramSnapshot): HistogramSnapshot {
  const earlier = new Map(before.buckets);
  return { buckets: after.buckets.map(([le, count]) => [le, count - (earlier.get(le) ?? 0)]), count: after.count - before.count };
}

/**
 * The q-quantile (0..1) of a histogram, interpolated linearly inside the bucket it falls in, as
 * Prometheus' histogram_quantile does. Resolution is bounded by the bucket edges.
 */
export function histogramQuantile(histogram: HistogramSnapshot, q: number): number {
  const total = histogram.buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [le, count] of histogram.buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return previousBound;
      const inBucket = count - previousCount;
      return inBucket <= 0 ? le : previousBound + ((le - previousBound) * (rank - previousCount)) / inBucket;
    }
    previousBound = le;
    previousCount = count;
  }
  return previousBound;
}
