import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { MetricsService, RedisService, SERVICE_CONFIG, type PreparedJson, type ServiceConfig } from '@dtc/platform';
import { createHash, randomUUID } from 'node:crypto';
import { versionKey } from './change-notice';

const TTL_SECONDS = 60;
/** A latest-figures entry outlives its scope's quiet spells; a version mismatch, not age, marks it stale. */
const LATEST_TTL_SECONDS = 3600;
/**
 * One refresh of a latest-figures entry may start this often, across all instances; and no sooner
 * after the last one ended than that one took, so a view is computed at most half the time. Under
 * load a computation takes longer, and the refreshes make way for the writes that change it.
 */
export const REFRESH_EVERY_MS = 300;
/** How long a refresh holds its turn at most (its instance ends the turn when done, or has died). */
const REFRESH_LEASE_MS = 5000;
/** Older stale figures are not served: the reader waits for a computation (a scope nobody watched). */
export const STALE_LIMIT_MS = 5000;

type CacheScope = { kind: 'commune' | 'province'; code: string };

/** Figures with when they were computed; refreshing: changes arrived since, newer figures are on their way. */
export interface LatestFigures<T> {
  value: T;
  computedAt: string;
  refreshing: boolean;
}

interface StoredFigures<T> {
  value: T;
  computedAt: string;
  /** The scope's version counters the computation started from: "all:own". */
  versions: string;
  /** Names this computation; kept apart too (`<key>:stamp`), so a reader learns whether it has them already. */
  stamp: string;
}

/** Parsed figures kept per instance; past this many views, the map starts over. */
const MAX_PARSED = 256;

/**
 * Hot report queries cached in Redis. A cached figure is filed under the version counters of
 * its scope (bumped after every batch that touches the scope, and globally after a rebuild), so
 * a change makes old entries unreachable at once. Any Redis error means: compute from Postgres.
 *
 * Expensive views read while their scope keeps changing (the province ranking during an evening's
 * uploads) use latest() instead: a reader always gets the last figures in one Redis round trip of
 * a few bytes (their stamp; the figures are parsed once per instance), and a change only starts a
 * background refresh, at most every REFRESH_EVERY_MS per view and at most half the time.
 */
@Injectable()
export class ReportCache implements OnModuleDestroy {
  private readonly logger = new Logger('report-cache');
  private readonly instanceId = randomUUID();
  private readonly hits;
  private readonly misses;
  private readonly staleServed;
  private readonly refreshes;
  /** Computations under way, by cache key: readers missing together share one (no stampede after a change). */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Refreshes waiting for another refresh's turn to pass, by cache key. */
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  /**
   * The last figures this instance read or computed, by latest key: a reader whose stamp matches
   * takes them from here, so a hit moves a few bytes from Redis and parses nothing.
   */
  private readonly parsed = new Map<string, StoredFigures<unknown>>();
  /** The answers built from figures in hand, fresh and refreshing; they go when the figures do. */
  private readonly answers = new WeakMap<StoredFigures<unknown>, { fresh?: PreparedJson; refreshing?: PreparedJson }>();

  constructor(
    private readonly redis: RedisService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    metrics: MetricsService,
  ) {
    this.hits = metrics.counter('report_cache_hits_total', 'Report queries answered from Redis', []);
    this.misses = metrics.counter('report_cache_misses_total', 'Report queries computed from Postgres (miss or Redis down)', []);
    this.staleServed = metrics.counter('report_cache_stale_total', 'Report queries answered with the last figures while newer ones were computed', []);
    this.refreshes = metrics.counter('report_cache_refreshes_total', 'Latest-figures entries recomputed in the background after their scope changed', []);
  }

  async get<T>(scope: CacheScope, request: unknown, compute: () => Promise<T>): Promise<T> {
    const prefix = this.config.topicPrefix;
    let key: string | undefined;
    try {
      const [all, own] = await this.redis.client.mget(versionKey(prefix, 'all'), versionKey(prefix, scope.kind, scope.code));
      key = `${prefix}reporting:cache:${scope.kind}:${scope.code}:${all ?? 0}:${own ?? 0}:${digest(request)}`;
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
    const cacheKey = key;
    return this.once(cacheKey, async () => {
      const value = await compute();
      await this.redis.client.set(cacheKey, JSON.stringify(value), 'EX', TTL_SECONDS).catch(() => undefined);
      return value;
    });
  }

  /**
   * The last figures computed for this request, in one Redis round trip. When the scope changed
   * since, the reader still gets them at once (refreshing: true) and a background refresh starts;
   * onRefreshed runs when newer figures are stored, so live viewers can fetch them. Figures more
   * than STALE_LIMIT_MS behind a change are never served: that reader waits for a computation.
   */
  async latest<T>(scope: CacheScope, request: unknown, compute: () => Promise<T>, onRefreshed: () => void): Promise<LatestFigures<T>> {
    const { stored, refreshing } = await this.latestStored(scope, request, compute, onRefreshed);
    return { value: stored.value, computedAt: stored.computedAt, refreshing };
  }

  /**
   * latest() as the JSON answer `{ ...value, computedAt, refreshing }`, serialized once per
   * figures and state on this instance (see PreparedJson). Readers of a busy view mostly get
   * figures in hand, so most answers reuse bytes already built.
   */
  async latestJson<T extends object>(scope: CacheScope, request: unknown, compute: () => Promise<T>, onRefreshed: () => void): Promise<PreparedJson> {
    const { stored, refreshing } = await this.latestStored(scope, request, compute, onRefreshed);
    const state = refreshing ? 'refreshing' : 'fresh';
    const built = this.answers.get(stored) ?? {};
    const known = built[state];
    if (known) return known;
    const answer: PreparedJson = {
      body: Buffer.from(JSON.stringify({ ...stored.value, computedAt: stored.computedAt, refreshing })),
      // The stamp names these figures among every computation of every instance; the state is in the body too.
      etag: `"${createHash('sha1').update(`${stored.stamp}|${state}`).digest('base64url')}"`,
    };
    built[state] = answer;
    this.answers.set(stored, built);
    return answer;
  }

  private async latestStored<T>(scope: CacheScope, request: unknown, compute: () => Promise<T>, onRefreshed: () => void): Promise<{ stored: StoredFigures<T>; refreshing: boolean }> {
    const key = this.latestKey(scope, request);
    let reading: { stored: StoredFigures<T> | null; versions: string };
    try {
      reading = await this.readLatest<T>(key, scope);
    } catch {
      this.misses.inc();
      // Redis is down: figures of this request alone, named as no other computation is.
      return { stored: { value: await compute(), computedAt: new Date().toISOString(), versions: '', stamp: randomUUID() }, refreshing: false };
    }
    const { stored, versions } = reading;
    if (stored && stored.versions === versions) {
      this.hits.inc();
      return { stored, refreshing: false };
    }
    if (stored && Date.now() - Date.parse(stored.computedAt) <= STALE_LIMIT_MS) {
      this.staleServed.inc();
      this.refreshSoon(key, scope, compute, onRefreshed, reading);
      return { stored, refreshing: true };
    }
    this.misses.inc();
    return { stored: await this.computeLatest(key, versions, compute), refreshing: false };
  }

  onModuleDestroy(): void {
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.parsed.clear();
  }

  private latestKey(scope: CacheScope, request: unknown): string {
    return `${this.config.topicPrefix}reporting:latest:${scope.kind}:${scope.code}:${digest(request)}`;
  }

  private async readLatest<T>(key: string, scope: CacheScope): Promise<{ stored: StoredFigures<T> | null; versions: string }> {
    const prefix = this.config.topicPrefix;
    const [stamp, all, own] = await this.redis.client.mget(`${key}:stamp`, versionKey(prefix, 'all'), versionKey(prefix, scope.kind, scope.code));
    const versions = `${all ?? 0}:${own ?? 0}`;
    if (stamp === null) return { stored: null, versions };
    const known = this.parsed.get(key);
    if (known?.stamp === stamp) return { stored: known as StoredFigures<T>, versions };
    // Other figures than the ones in hand: fetch them. Stored with their own stamp, versions and
    // time, they describe themselves even if newer ones replaced the stamp just read.
    const entry = await this.redis.client.get(key);
    if (entry === null) return { stored: null, versions };
    const stored = JSON.parse(entry) as StoredFigures<T>;
    this.remember(key, stored);
    return { stored, versions };
  }

  private remember(key: string, stored: StoredFigures<unknown>): void {
    if (this.parsed.size >= MAX_PARSED && !this.parsed.has(key)) this.parsed.clear();
    this.parsed.set(key, stored);
  }

  /**
   * Computes and stores figures labelled with the versions read before the computation started:
   * a change committed during it leaves the entry marked stale, never newer than it is.
   */
  private computeLatest<T>(key: string, versions: string, compute: () => Promise<T>): Promise<StoredFigures<T>> {
    return this.once(key, async () => {
      // Taken before the snapshot: the figures hold every change projected before this instant.
      const computedAt = new Date().toISOString();
      const stored: StoredFigures<T> = { value: await compute(), computedAt, versions, stamp: `${versions}|${computedAt}|${randomUUID()}` };
      this.remember(key, stored);
      // Figures first, then their stamp, in one transaction: a stamp never names figures not stored.
      await this.redis.client
        .multi()
        .set(key, JSON.stringify(stored), 'EX', LATEST_TTL_SECONDS)
        .set(`${key}:stamp`, stored.stamp, 'EX', LATEST_TTL_SECONDS)
        .exec()
        .catch(() => undefined);
      return stored;
    });
  }

  /**
   * Starts a refresh now if no instance holds the turn (see REFRESH_EVERY_MS), else when that turn
   * ends. `justRead` is the stale reading the caller has in hand; a retry after another turn reads again.
   */
  private refreshSoon<T>(
    key: string,
    scope: CacheScope,
    compute: () => Promise<T>,
    onRefreshed: () => void,
    justRead?: { stored: StoredFigures<T> | null; versions: string },
  ): void {
    if (this.inFlight.has(key) || this.waiting.has(key)) return;
    void (async () => {
      const { stored, versions } = justRead ?? (await this.readLatest<T>(key, scope));
      if (stored && stored.versions === versions) return;
      const turn = await this.redis.client.set(`${key}:refresh`, this.instanceId, 'PX', REFRESH_LEASE_MS, 'NX');
      if (turn !== 'OK') {
        // Asked again at least every REFRESH_EVERY_MS: the holder shortens its turn when it is done.
        const left = await this.redis.client.pttl(`${key}:refresh`);
        const timer = setTimeout(() => {
          this.waiting.delete(key);
          this.refreshSoon(key, scope, compute, onRefreshed);
        }, Math.max(10, Math.min(left, REFRESH_EVERY_MS)));
        timer.unref();
        this.waiting.set(key, timer);
        return;
      }
      this.refreshes.inc();
      const started = Date.now();
      try {
        await this.computeLatest(key, versions, compute);
      } finally {
        await this.endTurn(key, Date.now() - started);
      }
      onRefreshed();
    })().catch((error: Error) => this.logger.warn({ err: error.message, key }, 'background refresh failed; the next reader tries again'));
  }

  /** The next refresh of this view starts REFRESH_EVERY_MS after this one did, and no sooner than `took` after now. */
  private async endTurn(key: string, took: number): Promise<void> {
    const rest = Math.max(REFRESH_EVERY_MS - took, took);
    await this.redis.client.set(`${key}:refresh`, this.instanceId, 'PX', Math.max(1, rest)).catch(() => undefined);
  }

  private once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = run().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}

function digest(request: unknown): string {
  return createHash('sha1').update(JSON.stringify(request)).digest('hex');
}
