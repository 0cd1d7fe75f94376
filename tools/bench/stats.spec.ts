import { histogramDelta, histogramQuantile, percentile, readHistogram } from './stats';

const text = (a: number, b: number, inf: number) => `# HELP lag x
lag_bucket{le="0.1",service="reporting"} ${a}
lag_bucket{le="1",service="reporting"} ${b}
lag_bucket{le="+Inf",service="reporting"} ${inf}
lag_count{service="reporting"} ${inf}
lag_bucket{le="0.1",service="other"} 1000
lag_bucket{le="1",service="other"} 1000
lag_bucket{le="+Inf",service="other"} 1000
`;

describe('benchmark statistics', () => {
  it('takes nearest-rank percentiles of raw samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('reads a histogram for the chosen labels and interpolates quantiles inside buckets', () => {
    const histogram = readHistogram(text(50, 100, 100), 'lag', { service: 'reporting' });
    expect(histogram.count).toBe(100);
    expect(histogramQuantile(histogram, 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(histogram, 0.75)).toBeCloseTo(0.55);
    expect(histogramQuantile(histogram, 0.99)).toBeCloseTo(0.982);
  });

  it('sums label sets when no filter is given and subtracts an earlier snapshot', () => {
    const before = readHistogram(text(10, 10, 10), 'lag');
    const after = readHistogram(text(10, 30, 40), 'lag');
    expect(after.count).toBe(1040);
    const delta = histogramDelta(before, after);
    expect(delta.count).toBe(30);
    expect(delta.buckets).toEqual([[0.1, 0], [1, 20], [Number.POSITIVE_INFINITY, 30]]);
    // A third of the window's observations are above the last finite bucket: p99 is "more than 1 s".
    expect(histogramQuantile(delta, 0.99)).toBe(1);
  });
});
