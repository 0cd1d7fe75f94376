import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config';

/** Least time between two readings of a collected gauge (Prometheus scrapes every 15 s by default). */
export const GAUGE_COLLECT_INTERVAL_MS = 5000;

/**
 * One Prometheus registry per service instance (not the global one), so several services can
 * share a process in tests. Label values never carry personal data: tenant codes at most.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger('metrics');
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.registry.setDefaultLabels({ service: config.serviceName });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Counter<L>) ?? new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    return (existing as Histogram<L>) ?? new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /**
   * A gauge whose value is read when Prometheus scrapes (e.g. outbox backlog, consumer lag). The
   * reading runs at most once per `minIntervalMs` (concurrent scrapes share it); in between the
   * gauge keeps its last values, so a scraper, a curl loop or several Prometheus replicas cost
   * one database query or Kafka admin round trip per interval, not one per scrape.
   */
  gauge<L extends string>(name: string, help: string, labelNames: L[], collect?: (gauge: Gauge<L>) => Promise<void>, { minIntervalMs = GAUGE_COLLECT_INTERVAL_MS }: { minIntervalMs?: number } = {}): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    let collectedAt = Number.NEGATIVE_INFINITY;
    let inFlight: Promise<void> | undefined;
    const logger = this.logger;
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect
        ? {
            async collect(this: Gauge<L>) {
              if (Date.now() - collectedAt < minIntervalMs) return;
              inFlight ??= collect(this)
                .catch((error: Error) => logger.warn({ metric: name, err: error.message }, 'metric collection failed; keeping the last values'))
                .finally(() => {
                  collectedAt = Date.now();
                  inFlight = undefined;
                });
              await inFlight;
            },
          }
        : {}),
    });
  }
}
