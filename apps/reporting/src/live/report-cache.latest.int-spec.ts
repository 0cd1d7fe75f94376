import type { MetricsService, RedisService, ServiceConfig } from '@dtc/platform';
import { eventually, newRunId } from '@dtc/testkit';
import Redis from 'ioredis';
import { announceChange } from './change-notice';
import { REFRESH_EVERY_MS, ReportCache, STALE_LIMIT_MS } from './report-cache.service';

// ReportCache.latest against the real Redis: last figures in one round trip, background refresh
// after a change, one refresh per turn across instances. Each run has its own key prefix.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const metrics = { counter: () => ({ inc: () => undefined }) } as unknown as MetricsService;
const scope = { kind: 'province' as const, code: '38' };

describe('ReportCache.latest (real Redis)', () => {
  const prefix = `latest${newRunId()}.`;
  const config = { topicPrefix: prefix } as ServiceConfig;
  let redis: Redis;
  const caches: ReportCache[] = [];
  const instance = () => {
    const cache = new ReportCache({ client: redis } as RedisService, config, metrics);
    caches.push(cache);
    return cache;
  };
  /** What the projections do after a batch that touched province 38. */
  const change = () => announceChange(redis, prefix, { communes: ['16279'], provinces: ['38'] });

  beforeAll(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    for (const cache of caches) cache.onModuleDestroy();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('computes once, then answers from the stored figures without computing', async () => {
    const cache = instance();
    let computations = 0;
    const compute = async () => ({ households: 10 + computations++ });
    const first = await cache.latest(scope, ['first'], compute, () => undefined);
    expect(first).toMatchObject({ value: { households: 10 }, refreshing: false });
    const second = await cache.latest(scope, ['first'], compute, () => undefined);
    expect(second).toEqual(first);
    expect(computations).toBe(1);
  });

  it('serializes an answer once per figures and state, named by an ETag that changes with them', async () => {
    const cache = instance();
    let value = 1;
    const compute = async () => ({ achieved: value });
    const first = await cache.latestJson(scope, ['json'], compute, () => undefined);
    const figures = await cache.latest(scope, ['json'], compute, () => undefined);
    expect(JSON.parse(first.body.toString('utf8'))).toEqual({ ...figures.value, computedAt: figures.computedAt, refreshing: false });
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // The same figures again: the very bytes built for the first reader.
    const again = await cache.latestJson(scope, ['json'], compute, () => undefined);
    expect(again.body).toBe(first.body);
    expect(again.etag).toBe(first.etag);

    value = 2;
    await change();
    const stale = await cache.latestJson(scope, ['json'], compute, () => undefined);
    expect(JSON.parse(stale.body.toString('utf8'))).toMatchObject({ achieved: 1, refreshing: true });
    expect(stale.etag).not.toBe(first.etag);
    await eventually(async () => expect(JSON.parse((await cache.latestJson(scope, ['json'], compute, () => undefined)).body.toString('utf8'))).toMatchObject({ achieved: 2, refreshing: false }), { timeoutMs: 5000 });
    const fresh = await cache.latestJson(scope, ['json'], compute, () => undefined);
    expect([first.etag, stale.etag]).not.toContain(fresh.etag);
  });

  it('after a change serves the last figures at once, refreshes in the background and says when newer ones are stored', async () => {
    const cache = instance();
    let value = 1;
    let computations = 0;
    const compute = async () => {
      computations += 1;
      return { achieved: value };
    };
    let refreshed = 0;
    const onRefreshed = () => void (refreshed += 1);
    const before = await cache.latest(scope, ['change'], compute, onRefreshed);
    value = 2;
    await change();

    const stale = await cache.latest(scope, ['change'], compute, onRefreshed);
    expect(stale).toEqual({ value: { achieved: 1 }, computedAt: before.computedAt, refreshing: true });
    await eventually(() => expect(refreshed).toBe(1), { timeoutMs: 5000 });
    const fresh = await cache.latest(scope, ['change'], compute, onRefreshed);
    expect(fresh).toMatchObject({ value: { achieved: 2 }, refreshing: false });
    expect(Date.parse(fresh.computedAt)).toBeGreaterThanOrEqual(Date.parse(before.computedAt));
    expect(computations).toBe(2);
  });

  it('never labels figures newer than they are: a change during a refresh leaves them stale, and the next refresh picks it up', async () => {
    const cache = instance();
    let value = 1;
    let release!: () => void;
    let gate: Promise<void> = Promise.resolve();
    let started = 0;
    const compute = async () => {
      const seen = value;
      started += 1;
      await gate;
      return { achieved: seen };
    };
    let refreshed = 0;
    const onRefreshed = () => void (refreshed += 1);
    await cache.latest(scope, ['during'], compute, onRefreshed);

    gate = new Promise<void>((resolve) => (release = resolve));
    value = 2;
    await change();
    expect((await cache.latest(scope, ['during'], compute, onRefreshed)).refreshing).toBe(true);
    // The refresh has read value 2 and waits; a third change lands while it runs.
    await eventually(() => expect(started).toBe(2), { timeoutMs: 5000 });
    value = 3;
    await change();
    release();
    await eventually(() => expect(refreshed).toBe(1), { timeoutMs: 5000 });
    const afterFirst = await cache.latest(scope, ['during'], compute, onRefreshed);
    expect(afterFirst).toMatchObject({ value: { achieved: 2 }, refreshing: true });
    await eventually(async () => expect(await cache.latest(scope, ['during'], compute, onRefreshed)).toMatchObject({ value: { achieved: 3 }, refreshing: false }), { timeoutMs: 5000 });
  });

  it('lets one instance refresh per turn: the others serve the last figures and find them fresh when their turn comes', async () => {
    const instances = [instance(), instance(), instance()];
    let value = 1;
    let computations = 0;
    const compute = async () => {
      computations += 1;
      await new Promise((resolve) => setTimeout(resolve, REFRESH_EVERY_MS / 3));
      return { achieved: value };
    };
    await instances[0].latest(scope, ['turns'], compute, () => undefined);
    value = 2;
    await change();
    const readers = await Promise.all(instances.map((cache) => cache.latest(scope, ['turns'], compute, () => undefined)));
    expect(readers.map((r) => r.refreshing)).toEqual([true, true, true]);
    await eventually(async () => expect(await instances[2].latest(scope, ['turns'], compute, () => undefined)).toMatchObject({ value: { achieved: 2 }, refreshing: false }), { timeoutMs: 5000 });
    // Wait out every instance's turn: the waiting ones re-read, find the figures fresh and compute nothing.
    await new Promise((resolve) => setTimeout(resolve, REFRESH_EVERY_MS * 2));
    expect(computations).toBe(2);
  });

  it('starts the next refresh no sooner after the last one ended than that one took: a busy view is computed at most half the time', async () => {
    const cache = instance();
    const took = REFRESH_EVERY_MS + 200;
    const runs: Array<{ started: number; ended: number }> = [];
    let value = 1;
    const compute = async () => {
      const run = { started: Date.now(), ended: 0 };
      runs.push(run);
      await new Promise((resolve) => setTimeout(resolve, took));
      run.ended = Date.now();
      return { achieved: value };
    };
    let refreshed = 0;
    const onRefreshed = () => void (refreshed += 1);
    await cache.latest(scope, ['duty'], compute, onRefreshed);
    value = 2;
    await change();
    expect((await cache.latest(scope, ['duty'], compute, onRefreshed)).refreshing).toBe(true);
    await eventually(() => expect(refreshed).toBe(1), { timeoutMs: 5000 });
    // Changed again the moment the refresh is stored: the next one waits its turn.
    value = 3;
    await change();
    expect((await cache.latest(scope, ['duty'], compute, onRefreshed)).refreshing).toBe(true);
    await eventually(async () => expect(await cache.latest(scope, ['duty'], compute, onRefreshed)).toMatchObject({ value: { achieved: 3 }, refreshing: false }), { timeoutMs: 10000 });
    expect(runs).toHaveLength(3);
    // Timers may fire a millisecond early; the turn's end is measured after the computation's.
    expect(runs[2].started - runs[1].ended).toBeGreaterThanOrEqual(took - 5);
  });

  it('does not serve figures computed more than the stale limit before: that reader waits for new ones', async () => {
    const cache = instance();
    let value = 1;
    const compute = async () => ({ achieved: value });
    await cache.latest(scope, ['old'], compute, () => undefined);
    const entries = (await redis.keys(`${prefix}reporting:latest:*`)).filter((k) => !k.endsWith(':refresh') && !k.endsWith(':stamp'));
    expect(entries.length).toBeGreaterThan(0);
    // Replace every stored entry with figures computed past the limit (as if nobody had read this
    // province for a while), under a stamp of their own as any computation stores them.
    for (const stored of entries) {
      const entry = JSON.parse((await redis.get(stored))!) as { computedAt: string; stamp: string };
      entry.computedAt = new Date(Date.now() - STALE_LIMIT_MS - 1000).toISOString();
      entry.stamp = `aged|${entry.computedAt}`;
      await redis.multi().set(stored, JSON.stringify(entry), 'EX', 60).set(`${stored}:stamp`, entry.stamp, 'EX', 60).exec();
    }
    value = 2;
    await change();
    expect(await cache.latest(scope, ['old'], compute, () => undefined)).toMatchObject({ value: { achieved: 2 }, refreshing: false });
  });

  it('moves only the stamp on a hit: each instance fetches and parses a computation once', async () => {
    const writer = instance();
    const reader = instance();
    const compute = async () => ({ communes: 220 });
    await writer.latest(scope, ['stamp'], compute, () => undefined);
    const first = await reader.latest(scope, ['stamp'], async () => ({ communes: -1 }), () => undefined);
    expect(first.value).toEqual({ communes: 220 });
    // With the figures themselves gone from Redis and their stamp left, the reader that parsed them
    // still answers from memory; an instance that never read them finds nothing and computes.
    for (const key of await redis.keys(`${prefix}reporting:latest:*`)) {
      if (!key.endsWith(':stamp') && !key.endsWith(':refresh') && (await redis.get(key))?.includes('"communes":220')) await redis.del(key);
    }
    expect((await reader.latest(scope, ['stamp'], async () => ({ communes: -1 }), () => undefined)).value).toEqual({ communes: 220 });
    expect((await instance().latest(scope, ['stamp'], async () => ({ communes: 221 }), () => undefined)).value).toEqual({ communes: 221 });
  });

  it('computes from the database when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    const cache = new ReportCache({ client: down } as unknown as RedisService, config, metrics);
    expect(await cache.latest(scope, ['down'], async () => ({ achieved: 7 }), () => undefined)).toMatchObject({ value: { achieved: 7 }, refreshing: false });
    down.disconnect();
  });
});
