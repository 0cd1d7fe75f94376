import { Injectable, Logger, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  /** degraded: an optional dependency (e.g. a cache) is down but the service answers correctly. */
  status: 'ok' | 'degraded' | 'error';
  /** Per dependency: up or down, never the driver's error text (that goes to the log). */
  checks: Record<string, { status: 'up' | 'down'; latencyMs: number }>;
  /** When these probes ran: answers are reused for HEALTH_CACHE_MS. */
  checkedAt: string;
}

/** How long one round of probes answers /health: load balancers, probes and scrapers share it. */
export const HEALTH_CACHE_MS = 2000;

/**
 * Parts of a service (database, Kafka, Redis) register a check; /health reports them. A round of
 * probes is reused for HEALTH_CACHE_MS and concurrent callers share the round in flight, so a
 * burst of health requests costs at most one Kafka metadata request per window instead of one
 * each. Failures are logged with their cause when a check changes state; the answer only says
 * which dependency is down (driver messages can name hosts, users and internal addresses).
 */
@Injectable()
export class HealthRegistry {
  private readonly logger = new Logger('health');
  private readonly checks = new Map<string, HealthCheck>();
  private readonly optional = new Set<string>();
  private readonly lastFailure = new Map<string, string>();
  private readonly probes?: Counter<'check' | 'result'>;
  private cached?: { at: number; report: HealthReport };
  private inFlight?: Promise<HealthReport>;
  /** Rounds of probes run so far (tests and diagnostics). */
  rounds = 0;
  /** How long a round answers (tests shorten it). */
  cacheMs = HEALTH_CACHE_MS;

  constructor(@Optional() metrics?: MetricsService) {
    this.probes = metrics?.counter('health_probes_total', 'Dependency probes run for /health (cached: at most one round per 2 s)', ['check', 'result']);
  }

  /** `optional`: the service stays correct without it, so it degrades instead of failing readiness. */
  register(name: string, check: HealthCheck, options: { optional?: boolean } = {}): void {
    this.checks.set(name, check);
    if (options.optional) this.optional.add(name);
    else this.optional.delete(name);
    this.cached = undefined;
  }

  /** The latest round of probes if it is fresh enough, else a new round (shared with concurrent callers). */
  async report(timeoutMs = 2000): Promise<HealthReport> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.report;
    this.inFlight ??= this.probe(timeoutMs)
      .then((report) => {
        this.cached = { at: Date.now(), report };
        return report;
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async probe(timeoutMs: number): Promise<HealthReport> {
    this.rounds += 1;
    const checkedAt = new Date().toISOString();
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()))]);
          this.recordUp(name);
          return [name, { status: 'up' as const, latencyMs: Date.now() - started }] as const;
        } catch (error) {
          this.recordDown(name, error);
          return [name, { status: 'down' as const, latencyMs: Date.now() - started }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const down = entries.filter(([, c]) => c.status === 'down').map(([name]) => name);
    const status = down.length === 0 ? 'ok' : down.every((name) => this.optional.has(name)) ? 'degraded' : 'error';
    return { status, checks, checkedAt };
  }

  private recordUp(name: string): void {
    this.probes?.inc({ check: name, result: 'up' });
    if (this.lastFailure.delete(name)) this.logger.log(`${name} is up again`);
  }

  /** Logged when the cause changes, not every round: a long outage is one line, not thousands. */
  private recordDown(name: string, error: unknown): void {
    this.probes?.inc({ check: name, result: 'down' });
    const cause = error instanceof Error ? error.message : String(error);
    if (this.lastFailure.get(name) === cause) return;
    this.lastFailure.set(name, cause);
    this.logger.warn({ check: name, err: cause }, `${name} health check failed`);
  }
}
