import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  it('reports ok with no checks', async () => {
    expect(await new HealthRegistry().report()).toEqual({ status: 'ok', checks: {}, checkedAt: expect.any(String) });
  });

  it('reports ok when every check is up', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => undefined);
    registry.register('kafka', () => Promise.resolve());
    const report = await registry.report();
    expect(report.status).toBe('ok');
    expect(Object.keys(report.checks).sort()).toEqual(['database', 'kafka']);
    for (const check of Object.values(report.checks)) {
      expect(check.status).toBe('up');
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('names the failing dependency without its error text and keeps the others up', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => undefined);
    registry.register('redis', async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:6379 user=dtc');
    });
    const report = await registry.report();
    expect(report.status).toBe('error');
    expect(report.checks['database']).toMatchObject({ status: 'up' });
    expect(report.checks['redis']).toEqual({ status: 'down', latencyMs: expect.any(Number) });
    expect(JSON.stringify(report)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|user=/);
  });

  it('marks a check that never resolves as down after the timeout', async () => {
    const registry = new HealthRegistry();
    registry.register('kafka', () => new Promise<void>(() => undefined));
    registry.register('database', async () => undefined);
    const report = await registry.report(50);
    expect(report.status).toBe('error');
    expect(report.checks['kafka']).toMatchObject({ status: 'down' });
    expect(report.checks['kafka']!.latencyMs).toBeGreaterThanOrEqual(40);
    expect(report.checks['database']).toMatchObject({ status: 'up' });
  });

  it('re-registering a name replaces the check', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => {
      throw new Error('old');
    });
    expect((await registry.report()).status).toBe('error');
    registry.register('database', async () => undefined);
    expect(await registry.report()).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('reports degraded, not error, when only optional checks are down', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => undefined);
    registry.register('redis', async () => Promise.reject(new Error('connection refused')), { optional: true });
    expect((await registry.report()).status).toBe('degraded');
    registry.register('kafka', async () => Promise.reject(new Error('no brokers')));
    expect((await registry.report()).status).toBe('error');
  });

  it('runs one round of probes for a burst of requests, and a new round once the answer is stale', async () => {
    const registry = new HealthRegistry();
    let kafkaProbes = 0;
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    registry.register('kafka', async () => {
      kafkaProbes += 1;
      await slow;
    });
    // 200 concurrent callers while the probe is in flight, then 200 more from the cache.
    const concurrent = Array.from({ length: 200 }, () => registry.report());
    release();
    await Promise.all(concurrent);
    for (let i = 0; i < 200; i += 1) await registry.report();
    expect([kafkaProbes, registry.rounds]).toEqual([1, 1]);

    registry.cacheMs = 0;
    await registry.report();
    expect(kafkaProbes).toBe(2);
  });

  it('a new state shows within the cache window', async () => {
    const registry = new HealthRegistry();
    registry.cacheMs = 30;
    let up = true;
    registry.register('database', async () => {
      if (!up) throw new Error('terminating connection due to administrator command');
    });
    expect((await registry.report()).status).toBe('ok');
    up = false;
    expect((await registry.report()).status).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await registry.report()).status).toBe('error');
  });
});
