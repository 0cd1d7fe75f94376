import { Inject, Injectable } from '@nestjs/common';
import { MetricsService, RedisService, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { createHash } from 'node:crypto';
import { versionKey } from './change-notice';

const TTL_SECONDS = 60;

/**
 * Hot report queries cached in Redis. A cached figure is filed under the version counters of
 * its scope (bumped after every batch that touches the scope, and globally after a rebuild), so
 * a change makes old entries unreachable at once. Any Redis error means: compute from Postgres.
 */
@Injectable()
export class ReportCache {
  private readonly hits;
  private readonly misses;
  /** Computations under way, by cache key: readers missing together share one (no stampede after a change). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    metrics: MetricsService,
  ) {
    this.hits = metrics.counter('report_cache_hits_total', 'Report queries answered from Redis', []);
    this.misses = metrics.counter('report_cache_misses_total', 'Report queries computed from Postgres (miss or Redis down)', []);
  }

  async get<T>(scope: { kind: 'commune' | 'province'; code: string }, request: unknown, compute: () => Promise<T>): Promise<T> {
    const prefix = this.config.topicPrefix;
    let key: string | undefined;
    try {
      const [all, own] = await this.redis.client.mget(versionKey(prefix, 'all'), versionKey(prefix, scope.kind, scope.code));
      const digest = createHash('sha1').update(JSON.stringify(request)).digest('hex');
      key = `${prefix}reporting:cache:${scope.kind}:${scope.code}:${all ?? 0}:${own ?? 0}:${digest}`;
      const cached = await this.redis.client.get(key);
      if (cached !== null) {
        this.hits.inc();
        return JSON.parse(cached) as T;
      }
    } catch {
      key = undefined;
    }
    this.misses.inc();
    if (!key) return compute();
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const cacheKey = key;
    const computing = (async () => {
      const value = await compute();
      await this.redis.client.set(cacheKey, JSON.stringify(value), 'EX', TTL_SECONDS).catch(() => undefined);
      return value;
    })().finally(() => this.inFlight.delete(cacheKey));
    this.inFlight.set(cacheKey, computing);
    return computing;
  }
}
