import { parseGauge, pooledSlope, readRss, rssTrends, type RssSample } from './memory';

const MB = 1048576;
const minute = 60000;

describe('soak memory trend', () => {
  it('fits the least-squares slope of one series', () => {
    expect(pooledSlope([[[0, 1], [1, 3], [2, 5]]])).toBeCloseTo(2);
    // Noise around a flat line: slope 0.
    expect(pooledSlope([[[0, 10], [1, 12], [2, 10], [3, 12], [4, 10], [5, 12], [6, 11]]])).toBeCloseTo(0, 0);
    expect(pooledSlope([[[1, 5]]])).toBe(0);
    expect(pooledSlope([])).toBe(0);
  });

  it('gives restarted processes their own intercept and one shared slope', () => {
    // Two processes both growing 1 per hour, the second starting far lower: a single line fit
    // would see memory going down.
    const first: Array<[number, number]> = [[0, 100], [1, 101], [2, 102]];
    const second: Array<[number, number]> = [[3, 50], [4, 51], [5, 52]];
    expect(pooledSlope([first, second])).toBeCloseTo(1);
    expect(pooledSlope([[...first, ...second]])).toBeLessThan(0);
  });

  it('reports start, end and slope per service in MB per hour, leaving out each process warm-up', () => {
    const samples: RssSample[] = [];
    // The registry grows 20 MB in its first two minutes (warm-up), then 6 MB per hour.
    for (let m = 0; m <= 60; m += 1) samples.push({ service: 'registry', pid: 1, at: m * minute, rssBytes: (m < 2 ? 100 + m * 10 : 120 + (m * 6) / 60) * MB });
    // Reporting is flat at 150 MB but restarted (new pid) at 30 minutes, at 140 MB.
    for (let m = 0; m < 30; m += 1) samples.push({ service: 'reporting', pid: 2, at: m * minute, rssBytes: 150 * MB });
    for (let m = 30; m <= 60; m += 1) samples.push({ service: 'reporting', pid: 3, at: m * minute, rssBytes: 140 * MB });
    const [registry, reporting] = rssTrends(samples, 2 * minute);
    expect(registry).toMatchObject({ service: 'registry', processes: 1, startMb: 100, endMb: 126, judgedMinutes: 58 });
    expect(registry.slopeMbPerHour).toBeCloseTo(6, 0);
    expect(reporting).toMatchObject({ service: 'reporting', processes: 2, startMb: 150, endMb: 140, slopeMbPerHour: 0, judgedMinutes: 55 });
    expect(registry.heapUsedSlopeMbPerHour).toBeNull();
  });

  it('fits the V8 heap in use beside RSS, over the samples that have a heap reading', () => {
    // RSS grows 12 MB/h while the heap stays a flat sawtooth: native growth, not a JS leak.
    const samples: RssSample[] = [];
    for (let m = 0; m <= 60; m += 1) {
      samples.push({ service: 'enrollment', pid: 7, at: m * minute, rssBytes: (140 + (m * 12) / 60) * MB, heapUsedBytes: m % 5 === 4 ? undefined : (m % 2 ? 60 : 45) * MB });
    }
    const [enrollment] = rssTrends(samples, 2 * minute);
    expect(enrollment.slopeMbPerHour).toBeCloseTo(12, 0);
    expect(Math.abs(enrollment.heapUsedSlopeMbPerHour!)).toBeLessThan(2);
  });

  it("reads heap gauges from a service's Prometheus text", () => {
    const text = ['# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.', 'nodejs_heap_size_total_bytes{service="reporting"} 91000000', 'nodejs_heap_size_used_bytes{service="reporting"} 52428800', ''].join('\n');
    expect(parseGauge(text, 'nodejs_heap_size_used_bytes')).toBe(50 * MB);
    expect(parseGauge(text, 'nodejs_heap_size_total_bytes')).toBe(91000000);
    expect(parseGauge('nodejs_heap_size_used_bytes 1024\n', 'nodejs_heap_size_used_bytes')).toBe(1024);
    expect(parseGauge('process_resident_memory_bytes 1\n', 'nodejs_heap_size_used_bytes')).toBeUndefined();
    expect(parseGauge('', 'nodejs_external_memory_bytes')).toBeUndefined();
  });

  it('reads this process RSS from /proc and nothing for a process that is gone', () => {
    expect(readRss(process.pid)).toBeGreaterThan(10 * MB);
    expect(readRss(2 ** 22 + 1)).toBeUndefined();
  });
});
