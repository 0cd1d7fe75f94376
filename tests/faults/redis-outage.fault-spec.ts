import { addDays, vietnamToday } from '@dtc/platform';
import { eventually, newRunId, query, testToken } from '@dtc/testkit';
import Redis from 'ioredis';
import { request } from '../support/http';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { restoreInfrastructure, stopRedis } from './support/outages';
import { FaultPlatform, PROVINCE } from './support/platform';

// Fault 6: Redis (cache, live fan-out, rate limits) goes down under load and comes back. The APIs
// of both reporting instances stay correct (the cache is bypassed, never served stale), writes
// are still accepted, and live updates resume when Redis returns.
const platform = new FaultPlatform(newRunId(), '21006');
const admin = testToken({ sub: 'admin-21006', role: 'commune_admin', communes: ['21006'] });

/** A dashboard viewer: reads the campaign's server-sent events from one reporting instance. */
function watch(url: string, token: string) {
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const abort = new AbortController();
  const done = (async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`live stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        events.push({ type, data: data ? JSON.parse(data) : {} });
      }
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') throw error;
  });
  return { events, close: () => abort.abort(), done };
}

describe('Redis down under load', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.start(['reporting']);
    await platform.onboard();
  });

  afterAll(async () => {
    restoreInfrastructure();
    await platform.cleanup();
  });

  it('keeps both reporting instances correct without Redis and resumes live updates when it returns', async () => {
    const [first, second] = platform.live('reporting');
    const campaign = await request<{ id: string }>('POST', `${first.url}/campaigns`, admin, {
      name: 'Chiến dịch 90 ngày',
      communeCode: platform.commune,
      provinceCode: PROVINCE,
      // Around today in Vietnam (the visits happen now): a fixed year stops counting them on 1 January.
      startsOn: addDays(vietnamToday(), -60),
      endsOn: addDays(vietnamToday(), 29),
      targets: [{ indicatorCode: 'households_visited', sharePercent: 100, population: 'households' }],
    });
    expect(campaign.status).toBe(201);
    const registry = `t_${platform.runId}_registry`;
    const households = async () => (await query<{ n: number }>(`select count(*)::int as n from "${registry}".households`))[0].n;
    const answers = async (url: string) => {
      const report = await request<{ totalHouseholds: number }>('GET', `${url}/communes/${platform.commune}/households-by-village`, admin);
      const progress = await request<{ indicators: Array<{ code: string; achieved: number }> }>('GET', `${url}/campaigns/${campaign.body.id}/progress`, admin);
      return { households: report.body.totalHouseholds, visited: progress.body.indicators?.find((i) => i.code === 'households_visited')?.achieved };
    };

    await new FieldLoad(platform, { households: 15, phones: 3 }).run();
    await settleAndCheck(platform, 'Redis down (before)');
    // Both instances answer (and cache) the same figures.
    expect(await answers(first.url)).toEqual({ households: 15, visited: 15 });
    expect(await answers(second.url)).toEqual({ households: 15, visited: 15 });
    const viewer = watch(`${second.url}/campaigns/${campaign.body.id}/live`, admin);

    stopRedis();
    // /health reuses one round of probes for up to 2 s: it reports the outage within that.
    await eventually(async () => {
      const health = await request<{ status: string; checks: { redis: { status: string } } }>('GET', `${first.url}/health`);
      expect([health.status, health.body.status, health.body.checks.redis.status]).toEqual([200, 'degraded', 'down']);
    });
    // Writes are still accepted (rate limits fail open) and figures stay exact on both.
    await new FieldLoad(platform, { households: 15, phones: 3 }).run();
    await settleAndCheck(platform, 'Redis down under load');
    expect(await households()).toBe(30);
    expect(await answers(first.url)).toEqual({ households: 30, visited: 30 });
    expect(await answers(second.url)).toEqual({ households: 30, visited: 30 });

    // Redis returns: viewers are told to refetch (they may have missed notices), and notices of
    // new work flow through Redis again.
    const listener = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    const seenBeforeReturn = viewer.events.length;
    restoreInfrastructure();
    await eventually(() => expect(viewer.events.slice(seenBeforeReturn).some((e) => e.type === 'changed' && e.data.all === true)).toBe(true), { timeoutMs: 30000, intervalMs: 100 });
    await listener.connect();
    const notices: string[] = [];
    listener.on('message', (_channel: string, message: string) => notices.push(message));
    await listener.subscribe(`t-${platform.runId}.reporting:changed`);
    await new FieldLoad(platform, { households: 5, phones: 1 }).run();
    await eventually(() => expect(notices.some((notice) => (JSON.parse(notice) as { communes: string[] }).communes.includes(platform.commune))).toBe(true), { timeoutMs: 30000, intervalMs: 100 });
    await settleAndCheck(platform, 'Redis back (after)');
    expect(await answers(first.url)).toEqual({ households: 35, visited: 35 });
    expect(await answers(second.url)).toEqual({ households: 35, visited: 35 });
    await eventually(async () => expect((await request<{ status: string }>('GET', `${second.url}/health`)).body.status).toBe('ok'));
    listener.disconnect();
    viewer.close();
    await viewer.done;
  });
});
