import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  /** degraded: an optional dependency (e.g. a cache) is down but the service answers correctly. */
  status: 'ok' | 'degraded' | 'error';
  checks: Record<string, { status: 'up' | 'down'; error?: string; latencyMs: number }>;
}

/** Parts of a service (database, Kafka, Redis) register a check; /health runs them all. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly optional = new Set<string>();

  /** `optional`: the service stays correct without it, so it degrades instead of failing readiness. */
  register(name: string, check: HealthCheck, options: { optional?: boolean } = {}): void {
    this.checks.set(name, check);
    if (options.optional) this.optional.add(name);
    else this.optional.delete(name);
  }

  async report(timeoutMs = 2000): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const started = Date.now();
        try {
          await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref())]);
          return [name, { status: 'up' as const, latencyMs: Date.now() - started }] as const;
        } catch (error) {
          return [name, { status: 'down' as const, error: (error as Error).message, latencyMs: Date.now() - started }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const down = entries.filter(([, c]) => c.status === 'down').map(([name]) => name);
    const status = down.length === 0 ? 'ok' : down.every((name) => this.optional.has(name)) ? 'degraded' : 'error';
    return { status, checks };
  }
}
