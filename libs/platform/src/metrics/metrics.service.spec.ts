import type { ServiceConfig } from '../config/service-config';
import { MetricsService } from './metrics.service';

const config = { serviceName: 'reporting' } as ServiceConfig;

describe('MetricsService collected gauges', () => {
  it('reads a collected gauge once per interval however often it is scraped, keeping the last values in between', async () => {
    const metrics = new MetricsService(config);
    let readings = 0;
    metrics.gauge('kafka_consumer_lag_test', 'lag', ['partition'], async (gauge) => {
      readings += 1;
      gauge.set({ partition: '0' }, readings * 10);
    }, { minIntervalMs: 60_000 });
    const scrapes = await Promise.all(Array.from({ length: 50 }, () => metrics.registry.metrics()));
    for (let i = 0; i < 50; i += 1) scrapes.push(await metrics.registry.metrics());
    expect(readings).toBe(1);
    for (const text of scrapes) expect(text).toMatch(/^kafka_consumer_lag_test\{partition="0",service="reporting"\} 10$/m);
  });

  it('reads again once the interval has passed, and a failed reading keeps the last values', async () => {
    const metrics = new MetricsService(config);
    let readings = 0;
    metrics.gauge('outbox_backlog_test', 'backlog', [], async (gauge) => {
      readings += 1;
      if (readings === 2) throw new Error('connection terminated');
      gauge.set(readings);
    }, { minIntervalMs: 0 });
    expect(await metrics.registry.metrics()).toMatch(/^outbox_backlog_test\{service="reporting"\} 1$/m);
    expect(await metrics.registry.metrics()).toMatch(/^outbox_backlog_test\{service="reporting"\} 1$/m);
    expect(await metrics.registry.metrics()).toMatch(/^outbox_backlog_test\{service="reporting"\} 3$/m);
  });
});
