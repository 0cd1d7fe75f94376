import 'reflect-metadata';
import { Controller, Get, Module, Post, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import Redis from 'ioredis';
import { eventually, newRunId } from '@dtc/testkit';
import { signToken } from '../auth/tokens';
import type { Role } from '../auth/principal';
import { loadServiceConfig } from '../config/service-config';
import { PlatformModule } from '../platform.module';

// The per-token rate limit of a real Nest app (the platform module as every service uses it)
// against the real Redis. Each run has its own key prefix (TOPIC_PREFIX), so runs never collide.
const SECRET = 'rate-limit-int-spec-secret';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { items: [] };
  }

  @Post()
  create() {
    return { created: true };
  }
}

@Module({})
class TestAppModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    const config = loadServiceConfig({ serviceName: 'rate-limit-test', port: 3999, databaseSchema: 'unused' }, { JWT_SECRET: SECRET, LOG_LEVEL: 'silent', REDIS_URL: redisUrl, ...env });
    return { module: TestAppModule, imports: [PlatformModule.forRoot(config)], controllers: [ThingsController] };
  }
}

/** Closes the app and the keep-alive connections fetch left open (else Jest waits for them). */
async function stopApp(app: INestApplication | undefined): Promise<void> {
  (app?.getHttpServer() as import('node:http').Server | undefined)?.closeAllConnections();
  await app?.close();
}

async function startApp(env: NodeJS.ProcessEnv): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(TestAppModule.forRoot(env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

const token = (sub: string, role: Role = 'field_agent') => signToken({ secret: SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, { sub, role, communes: ['01234'] }, 600);

async function call(url: string, method: string, bearer?: string) {
  const response = await fetch(url, { method, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('json') ?? false;
  return { status: response.status, headers: response.headers, body: json ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

describe('rate limits against the real Redis', () => {
  const runId = newRunId();
  const prefix = `t-${runId}.`;
  let app: INestApplication;
  let url: string;
  const redis = new Redis(redisUrl, { lazyConnect: true });

  beforeAll(async () => {
    await redis.connect();
    ({ app, url } = await startApp({ TOPIC_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '4', RATE_LIMIT_WRITES_PER_MINUTE: '2', RATE_LIMIT_WINDOW_SECONDS: '2' }));
    // Until its Redis connection is up the limiter fails open; wait for it like a readiness probe.
    await eventually(async () => expect((await call(`${url}/health`, 'GET')).body['status']).toBe('ok'), { timeoutMs: 10000 });
  });

  afterAll(async () => {
    await stopApp(app);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers 429 with Retry-After after the budget, leaves other tokens alone, and restores the budget in the next window', async () => {
    const alice = token('alice');
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 4; i += 1) {
      const ok = await call(`${url}/things`, 'GET', alice);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('4');
      remaining.push(ok.headers.get('ratelimit-remaining'));
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);

    const limited = await call(`${url}/things`, 'GET', alice);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers.get('content-type')).toMatch(/application\/json/);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many requests for this token (4 per 2 s); retry after ${retryAfter} s`,
      retryAfterSeconds: retryAfter,
      correlationId: expect.any(String),
    });
    expect(limited.text).not.toMatch(/at .*\.ts|stack/i);
    expect((await call(`${url}/metrics`, 'GET')).text).toMatch(/rate_limit_rejected_total\{budget="requests",service="rate-limit-test"\} [1-9]/);

    // Another caller, and the same person under another role, have budgets of their own.
    expect((await call(`${url}/things`, 'GET', token('bob'))).status).toBe(200);
    expect((await call(`${url}/things`, 'GET', token('alice', 'commune_admin'))).status).toBe(200);
    // A new token for the same subject and role shares the spent budget.
    expect((await call(`${url}/things`, 'GET', token('alice'))).status).toBe(429);

    // The window is 2 s: poll until the budget is back (no fixed sleep); it is a fresh window.
    const restored = await eventually(
      async () => {
        const response = await call(`${url}/things`, 'GET', alice);
        expect(response.status).toBe(200);
        return response;
      },
      { timeoutMs: 10000, intervalMs: 100 },
    );
    expect(restored.headers.get('ratelimit-remaining')).toBe('3');
  });

  it('limits writes with their own smaller budget, which also counts against the overall one', async () => {
    const carol = token('carol');
    expect((await call(`${url}/things`, 'POST', carol)).status).toBe(201);
    expect((await call(`${url}/things`, 'POST', carol)).status).toBe(201);
    const limited = await call(`${url}/things`, 'POST', carol);
    expect(limited.status).toBe(429);
    expect(limited.body['message']).toMatch(/^Too many write requests for this token \(2 per 2 s\)/);
    expect(limited.headers.get('retry-after')).toMatch(/^[12]$/);
    // Three requests of four spent: one read is left, then reads are limited too.
    expect((await call(`${url}/things`, 'GET', carol)).status).toBe(200);
    expect((await call(`${url}/things`, 'GET', carol)).status).toBe(429);
  });

  it('never limits health and metrics, nor counts unauthenticated requests', async () => {
    for (let i = 0; i < 8; i += 1) {
      expect((await call(`${url}/health`, 'GET')).status).toBe(200);
      expect((await call(`${url}/metrics`, 'GET', token('dave'))).status).toBe(200);
      expect((await call(`${url}/things`, 'GET')).status).toBe(401);
    }
    expect((await call(`${url}/things`, 'GET', token('dave'))).headers.get('ratelimit-remaining')).toBe('3');
  });

  it('keeps counters under the run prefix, hashed, with an expiry', async () => {
    await call(`${url}/things`, 'GET', token('erin@example.vn'));
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^t-${runId}\\.rate-limit:rate-limit-test:\\{[0-9a-f]{32}\\}:(requests|writes)$`));
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
    expect(keys.join(' ')).not.toMatch(/erin|alice|bob|carol|dave/);
  });
});

describe('rate limits without Redis', () => {
  it('let requests through (fail open) and count it', async () => {
    // A broken "Redis": connects and passes the client's ready check, then fails every command.
    const sockets: Socket[] = [];
    const deadRedis = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (chunk) => {
        // Commands are RESP arrays: "*<n>", "$<len>", "<NAME>", ...; answer each in order.
        const lines = chunk.toString('latin1').split('\r\n');
        for (let i = 0; i < lines.length; i += 1) {
          if (!lines[i]!.startsWith('*') || !lines[i + 1]?.startsWith('$')) continue;
          socket.write(lines[i + 2]?.toUpperCase() === 'INFO' ? '$9\r\nloading:0\r\n' : '-ERR broken for the test\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => deadRedis.listen(0, '127.0.0.1', resolve));
    const redisPort = (deadRedis.address() as AddressInfo).port;
    const { app, url } = await startApp({ TOPIC_PREFIX: `t-${newRunId()}.`, REDIS_URL: `redis://127.0.0.1:${redisPort}`, RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_WINDOW_SECONDS: '2' });
    try {
      const frank = token('frank');
      for (let i = 0; i < 3; i += 1) {
        const response = await call(`${url}/things`, 'GET', frank);
        expect(response.status).toBe(200);
        expect(response.headers.get('ratelimit-limit')).toBeNull();
      }
      const metrics = await call(`${url}/metrics`, 'GET');
      expect(metrics.text).toMatch(/rate_limit_fail_open_total\{reason="(error|timeout)",service="rate-limit-test"\} 3/);
    } finally {
      await stopApp(app);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => deadRedis.close(resolve));
    }
  });
});
