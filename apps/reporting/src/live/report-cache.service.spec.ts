import type { MetricsService, RedisService, ServiceConfig } from '@dtc/platform';
import { versionKey } from './change-notice';
import { ReportCache } from './report-cache.service';

/** A Redis stand-in for the cache's four calls: this is a unit test of the cache's own logic. */
function fakeRedis() {
  const store = new Map<string, string>();
  const client = {
    mget: async (...keys: string[]) => keys.map((key) => store.get(key) ?? null),
    get: async (key: string) => store.get(key) ?? null,
    set: async (key: string, value: string) => void store.set(key, value),
  };
  return { store, service: { client } as unknown as RedisService };
}

const metrics = { counter: () => ({ inc: () => undefined }) } as unknown as MetricsService;
const config = { topicPrefix: 'unit.' } as ServiceConfig;

describe('ReportCache', () => {
  it('lets readers that miss together share one computation, then serves the stored answer', async () => {
    const { service, store } = fakeRedis();
    const cache = new ReportCache(service, config, metrics);
    let computations = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const compute = async () => {
      computations += 1;
      await gate;
      return { households: 42 };
    };
    const scope = { kind: 'province' as const, code: '38' };
    const readers = Array.from({ length: 5 }, () => cache.get(scope, ['province', 'c1'], compute));
    release();
    expect(await Promise.all(readers)).toEqual(Array(5).fill({ households: 42 }));
    expect(computations).toBe(1);
    expect(await cache.get(scope, ['province', 'c1'], compute)).toEqual({ households: 42 });
    expect(computations).toBe(1);

    // A change bumps the scope's version: the next reader computes afresh.
    store.set(versionKey('unit.', 'province', '38'), '1');
    expect(await cache.get(scope, ['province', 'c1'], async () => ({ households: 43 }))).toEqual({ households: 43 });
  });

  it('does not keep a failed computation: the next reader tries again', async () => {
    const { service } = fakeRedis();
    const cache = new ReportCache(service, config, metrics);
    const scope = { kind: 'commune' as const, code: '16279' };
    await expect(cache.get(scope, ['x'], async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get(scope, ['x'], async () => 7)).toBe(7);
  });
});
