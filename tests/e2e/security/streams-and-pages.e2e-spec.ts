import { signToken } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, FieldStream, freePort, newRunId, publish, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';
import { openStream } from '../../support/event-stream';

// Live streams end when their token expires and are capped per token subject; /health is cheap
// (one round of probes per window, no driver error text) and /health/live needs no dependency;
// every response carries nosniff and no-referrer.
const runId = newRunId();
const redisDownRunId = newRunId();
const prefix = `t-${runId}.`;
const COMMUNE = '16291';
const claims = { sub: 'admin-16291', role: 'commune_admin' as const, communes: [COMMUNE] };
const admin = testToken(claims);
const tokenFor = (sub: string, seconds: number) => signToken({ secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, { ...claims, sub }, seconds);

describe('live streams, health and pages', () => {
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let campaignId: string;
  const live = () => `${reporting.url}/campaigns/${campaignId}/live`;

  beforeAll(async () => {
    ({ services: { reporting }, stop } = (await startServices(runId, ['reporting'], { reporting: { LIVE_STREAMS_PER_SUBJECT: '2' } })) as never);
    const stream = new FieldStream(COMMUNE, '38');
    const village = stream.village('THON-1', 'Thôn Một');
    stream.resident(stream.household(village, '2026-07-01'), village, 1980, 1, true);
    await publish(prefix, stream.events);
    // The commune must be known from its events before a campaign can be planned for it.
    await eventually(
      async () => {
        const created = await request<{ id: string }>('POST', `${reporting.url}/campaigns`, admin, {
          name: 'Chiến dịch luồng trực tiếp',
          communeCode: COMMUNE,
          provinceCode: '38',
          startsOn: '2026-07-21',
          endsOn: '2026-08-02',
          targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }],
        });
        expect({ status: created.status, body: created.status === 201 ? undefined : created.body }).toEqual({ status: 201, body: undefined });
        campaignId = created.body.id;
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );
  }, 120000);

  afterAll(async () => {
    await stop?.();
    for (const id of [runId, redisDownRunId]) {
      await dropTestSchemas(id);
      await deleteTestTopics(id);
    }
  });

  it('ends a live stream when its token expires, with a last event saying why', async () => {
    const stream = await openStream(live(), tokenFor('viewer-expiring', 3));
    expect(stream.status).toBe(200);
    await eventually(async () => expect(stream.done()).toBe(true), { timeoutMs: 15000, intervalMs: 100 });
    const last = stream.text().trim().split('\n\n').pop()!;
    expect(last).toMatch(/^event: expired$/m);
    expect(JSON.parse(/^data: (.*)$/m.exec(last)![1]!)).toMatchObject({ reason: 'token_expired', expiredAt: expect.any(String) });
  });

  it('caps concurrent streams per token subject with a clear 429, other subjects unaffected, and frees a slot on close', async () => {
    const token = tokenFor('viewer-many-tabs', 600);
    const first = await openStream(live(), token);
    const second = await openStream(live(), token);
    expect([first.status, second.status]).toEqual([200, 200]);
    const refused = await fetch(live(), { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await refused.json()) as { message: string; retryAfterSeconds: number };
    expect(problem.message).toMatch(/already has 2 live streams open \(at most 2 per user\)/);
    // Another user (another subject) still gets a stream.
    const other = await openStream(live(), tokenFor('viewer-other', 600));
    expect(other.status).toBe(200);
    first.close();
    await eventually(
      async () => {
        const again = await openStream(live(), token);
        again.close();
        expect(again.status).toBe(200);
      },
      { timeoutMs: 10000, intervalMs: 200 },
    );
    for (const s of [second, other]) s.close();
  });

  it('answers a burst of /health requests from a bounded number of probes', async () => {
    const probes = async () => {
      const text = (await request<string>('GET', `${reporting.url}/metrics`)).body;
      return [...text.matchAll(/^health_probes_total\{check="kafka"[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before = await probes();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 100 }, () => request<{ status: string; checks: Record<string, { status: string }> }>('GET', `${reporting.url}/health`)));
    for (let i = 0; i < 100; i += 1) answers.push(await request('GET', `${reporting.url}/health`));
    const windows = Math.ceil((Date.now() - started) / 2000) + 1;
    for (const answer of answers) expect(answer.body.checks.kafka.status).toBe('up');
    expect((await probes()) - before).toBeLessThanOrEqual(windows);
  });

  it('serves liveness without dependencies and every response with nosniff and no-referrer', async () => {
    for (const path of ['/health/live', '/health', '/metrics', `/campaigns/${campaignId}/progress`]) {
      const response = await fetch(`${reporting.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      expect({ path, status: response.status, nosniff: response.headers.get('x-content-type-options'), referrer: response.headers.get('referrer-policy') }).toEqual({ path, status: 200, nosniff: 'nosniff', referrer: 'no-referrer' });
    }
    expect(await (await fetch(`${reporting.url}/health/live`)).json()).toEqual({ status: 'ok' });
  });

  it('names a dependency that is down without its error text', async () => {
    const closedPort = await freePort();
    const { services, stop: stopDown } = await startServices(redisDownRunId, ['reporting'], { reporting: { REDIS_URL: `redis://127.0.0.1:${closedPort}` } }, { awaitHealthy: false });
    try {
      await eventually(
        async () => {
          const health = await fetch(`${services.reporting!.url}/health`);
          const text = await health.text();
          expect(health.status).toBe(200);
          expect(JSON.parse(text)).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down' } } });
          expect(text).not.toMatch(/ECONNREFUSED|Connection is closed|127\.0\.0\.1|error/i);
          expect(text).not.toContain(String(closedPort));
        },
        { timeoutMs: 60000, intervalMs: 500 },
      );
      expect((await fetch(`${services.reporting!.url}/health/live`)).status).toBe(200);
    } finally {
      await stopDown();
    }
  });
});
