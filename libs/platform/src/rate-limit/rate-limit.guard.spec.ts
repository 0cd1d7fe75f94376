import { Controller, Get, HttpStatus, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { loadServiceConfig, type ServiceConfig } from '../config/service-config';
import { toProblem } from '../http/problem.filter';
import { TooManyRequestsException } from '../http/too-many-requests.exception';
import { MetricsService } from '../metrics/metrics.service';
import type { RedisService } from '../redis/redis.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter, type RateLimitRedis } from './rate-limiter';

@Controller()
class Routes {
  @Get() open() {}
  @Public() @Get('health') health() {}
}

const principal: Principal = { subject: 'agent.nguyen@example.vn', role: 'field_agent', communes: ['01234'] };

function contextFor(method: string, handler: keyof Routes, user: Principal | null = principal) {
  const headers: Record<string, string> = {};
  const request = { method, principal: user ?? undefined };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

/** A Redis that answers the script with the given [count, pttl] pairs, or fails. */
function fakeRedis(answer: (keys: string[]) => Promise<unknown>) {
  const calls: Array<{ keys: string[]; args: Array<string | number> }> = [];
  const redis: RateLimitRedis = {
    eval: (_script: string, numKeys: number, ...args: Array<string | number>) => {
      const keys = args.slice(0, numKeys) as string[];
      calls.push({ keys, args });
      return answer(keys);
    },
  };
  return { redis, calls };
}

function setup(redis: RateLimitRedis, env: NodeJS.ProcessEnv = {}) {
  const config: ServiceConfig = loadServiceConfig({ serviceName: 'household-registry', port: 3101, databaseSchema: 'registry' }, { JWT_SECRET: 'a-test-secret-16+', RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_WRITES_PER_MINUTE: '2', TOPIC_PREFIX: 'run-1.', ...env });
  const metrics = new MetricsService(config);
  const guard = new RateLimitGuard(new Reflector(), config, { client: redis } as unknown as RedisService, metrics);
  const counter = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values;
  return { guard, counter };
}

describe('RateLimitGuard', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the fail-open warnings are expected here

  it('counts a read against the request budget only, under a key holding neither token nor subject', async () => {
    const { redis, calls } = fakeRedis(async () => [3, 41_200]);
    const { guard } = setup(redis);
    const { context, headers } = contextFor('GET', 'open');
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.keys).toEqual([expect.stringMatching(/^run-1\.rate-limit:household-registry:\{[0-9a-f]{32}\}:requests$/)]);
    expect(calls[0]!.keys[0]).not.toContain('nguyen');
    expect(calls[0]!.args.at(-1)).toBe(60_000);
    expect(headers).toEqual({ 'RateLimit-Limit': '5', 'RateLimit-Remaining': '2', 'RateLimit-Reset': '42' });
  });

  it('answers 429 with Retry-After and a problem body when the write budget is spent', async () => {
    const { redis, calls } = fakeRedis(async () => [2, 50_000, 3, 12_300]);
    const { guard, counter } = setup(redis);
    const { context, headers } = contextFor('POST', 'open');
    const error = await guard.canActivate(context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(calls[0]!.keys.map((k) => k.split(':').at(-1))).toEqual(['requests', 'writes']);
    expect(headers).toEqual({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '13', 'Retry-After': '13' });
    expect(toProblem(error)).toEqual({
      statusCode: HttpStatus.TOO_MANY_REQUESTS,
      error: 'Too Many Requests',
      message: 'Too many write requests for this token (2 per 60 s); retry after 13 s',
      retryAfterSeconds: 13,
    });
    expect(await counter('rate_limit_rejected_total')).toEqual([expect.objectContaining({ labels: { budget: 'writes' }, value: 1 })]);
  });

  it('never limits public routes, unauthenticated requests or a disabled limiter', async () => {
    const { redis, calls } = fakeRedis(async () => [99, 1000]);
    await expect(setup(redis).guard.canActivate(contextFor('GET', 'health').context)).resolves.toBe(true);
    await expect(setup(redis).guard.canActivate(contextFor('GET', 'open', null).context)).resolves.toBe(true);
    const disabled = setup(redis, { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0' }).guard;
    await expect(disabled.canActivate(contextFor('POST', 'open').context)).resolves.toBe(true);
    // Reads are free when only writes are limited.
    await expect(setup(redis, { RATE_LIMIT_PER_MINUTE: '0' }).guard.canActivate(contextFor('GET', 'open').context)).resolves.toBe(true);
    expect(calls).toHaveLength(0);
    await expect(setup(redis).guard.canActivate(contextFor('GET', 'open').context)).rejects.toBeInstanceOf(TooManyRequestsException);
    expect(calls).toHaveLength(1);
  });

  it('fails open, counted, when Redis errs or does not answer', async () => {
    const failing = setup(fakeRedis(() => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).redis);
    const { context, headers } = contextFor('POST', 'open');
    await expect(failing.guard.canActivate(context)).resolves.toBe(true);
    await expect(failing.guard.canActivate(context)).resolves.toBe(true);
    expect(headers).toEqual({});
    expect(await failing.counter('rate_limit_fail_open_total')).toEqual([expect.objectContaining({ labels: { reason: 'error' }, value: 2 })]);

    const hanging = setup(fakeRedis(() => new Promise(() => undefined)).redis);
    const started = Date.now();
    await expect(hanging.guard.canActivate(contextFor('GET', 'open').context)).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hanging.counter('rate_limit_fail_open_total')).toEqual([expect.objectContaining({ labels: { reason: 'timeout' }, value: 1 })]);
  });
});

describe('RateLimiter', () => {
  it('reports the exhausted budget that frees up last, else the one with least left', async () => {
    const limiter = (reply: number[]) => new RateLimiter(fakeRedis(async () => reply).redis, { keyPrefix: 'p:', windowMs: 60_000 });
    const budgets = [
      { name: 'requests', limit: 10 },
      { name: 'writes', limit: 3 },
    ];
    await expect(limiter([4, 30_000, 2, 59_001]).consume('id', budgets)).resolves.toEqual({ allowed: true, budget: 'writes', limit: 3, remaining: 1, resetSeconds: 60 });
    await expect(limiter([11, 30_000, 4, 10_000]).consume('id', budgets)).resolves.toEqual({ allowed: false, budget: 'requests', limit: 10, remaining: 0, resetSeconds: 30 });
    await expect(limiter([10, 30_000, 3, 10_000]).consume('id', budgets)).resolves.toMatchObject({ allowed: true, remaining: 0 });
    await expect(limiter([1]).consume('id', budgets)).rejects.toThrow('unexpected reply from Redis');
  });
});
