import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  it('reports ok with no checks', async () => {
    expect(await new HealthRegistry().report()).toEqual({ status: 'ok', checks: {} });
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
      expect(check.error).toBeUndefined();
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports error with the failing check message and keeps the others up', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => undefined);
    registry.register('redis', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    const report = await registry.report();
    expect(report.status).toBe('error');
    expect(report.checks['database']).toMatchObject({ status: 'up' });
    expect(report.checks['redis']).toMatchObject({ status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:6379' });
  });

  it('marks a check that never resolves as timed out', async () => {
    const registry = new HealthRegistry();
    registry.register('kafka', () => new Promise<void>(() => undefined));
    registry.register('database', async () => undefined);
    const report = await registry.report(50);
    expect(report.status).toBe('error');
    expect(report.checks['kafka']).toMatchObject({ status: 'down', error: 'timed out' });
    expect(report.checks['kafka']!.latencyMs).toBeGreaterThanOrEqual(40);
    expect(report.checks['database']).toMatchObject({ status: 'up' });
  });

  it('re-registering a name replaces the check', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => {
      throw new Error('old');
    });
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
});
