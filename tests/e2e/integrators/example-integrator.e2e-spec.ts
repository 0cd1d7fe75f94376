import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, testToken } from '@dtc/testkit';
import { request } from '../../support/http';
import { addHousehold, awaitFeedComplete, awaitReadModels, databaseNow, ops, readFeed, seedEnrollmentAndTraining, seedRegistry, type PublishedEvent, type SeededCommune } from '../../support/province-feed';
import { startServices, type RunningService, type ServiceName } from '../../support/services';

// The example integrator (examples/province-integrator) as an outside party runs it: a child
// process against the running services with an integrator token. It is stopped after a few
// pages, restarted, "crashes" in the middle of writing a page, is killed, and runs again while
// new events arrive; in the end its output holds every event of its province exactly once, in
// feed order and byte for byte as published, and its counts equal the producers' outboxes. It
// refuses an event its schemas reject without losing its place.
const runId = newRunId();
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const P = '38';
const integratorP = testToken({ sub: 'integrator-example-38', role: 'integrator', province: P });

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface SavedState {
  province: string;
  cursor: string | null;
  events: number;
  outputBytes: number;
  counts: Record<string, Record<string, number>>;
}

function startIntegrator(url: string, out: string, args: string[], token = integratorP): Run {
  const child = spawn(process.execPath, ['examples/province-integrator/integrator.js', '--url', url, '--province', P, '--out', out, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DTC_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { child, stdout: [], stderr: [], exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))) };
  child.stdout?.on('data', (chunk: Buffer) => run.stdout.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => run.stderr.push(chunk.toString()));
  return run;
}

async function runToEnd(url: string, out: string, args: string[]) {
  const run = startIntegrator(url, out, args);
  const exit = await run.exited;
  return { ...exit, stdout: run.stdout.join(''), stderr: run.stderr.join('') };
}

const pageLines = (text: string) => text.split('\n').filter((line) => line.startsWith('page: '));
const outputLines = (out: string) => (existsSync(path.join(out, 'events.jsonl')) ? readFileSync(path.join(out, 'events.jsonl'), 'utf8').split('\n').filter(Boolean) : []);
const savedState = (out: string) => JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as SavedState;

function countsOf(published: PublishedEvent[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const event of published) {
    const { tenant, type } = JSON.parse(event.payload) as { tenant: string; type: string };
    counts[tenant] ??= {};
    counts[tenant][type] = (counts[tenant][type] ?? 0) + 1;
  }
  return counts;
}

describe('the example province integrator', () => {
  let services: Record<ServiceName, RunningService>;
  let stop: () => Promise<void>;
  const communes: Record<string, SeededCommune> = {};
  const workDir = mkdtempSync(path.join(tmpdir(), `dtc-integrator-${runId}-`));

  beforeAll(async () => {
    const started = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']);
    services = started.services as Record<ServiceName, RunningService>;
    stop = started.stop;
    const registry = services['household-registry'].url;
    for (const [code, province] of [['38201', P], ['38202', P], ['39201', '39']]) communes[code] = await seedRegistry(registry, code, province);
    await awaitReadModels(services, Object.values(communes));
    for (const commune of Object.values(communes)) await seedEnrollmentAndTraining(services, commune);
    await awaitFeedComplete(services, P);
    await awaitFeedComplete(services, '39');
  }, 240000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('resumes after stops, a torn write and a kill without losing or repeating an event, and its output matches the platform', async () => {
    const url = services.reporting.url;
    const out = path.join(workDir, 'province-38');
    const feedAtStart = await readFeed(url, P, ops, { limit: 4 });
    expect(feedAtStart.events.length).toBeGreaterThan(30);

    // 1. A first run stopped after three pages of four.
    const first = await runToEnd(url, out, ['--page-size', '4', '--max-pages', '3']);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(pageLines(first.stdout)).toHaveLength(3);
    expect(first.stdout).toContain('starting at the beginning of the feed');
    expect(outputLines(out).map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(feedAtStart.events.slice(0, 12).map((e) => e.id));
    expect(savedState(out)).toMatchObject({ cursor: feedAtStart.pages[2].next, events: 12 });

    // 2. As if it died while writing the next page: two of its lines and a torn third, cursor not saved.
    appendFileSync(path.join(out, 'events.jsonl'), `${JSON.stringify(feedAtStart.events[12])}\n${JSON.stringify(feedAtStart.events[13])}\n{"specversion":"1.0","id":"`);

    // 3. Started again in follow mode, and killed once it has written a page.
    const second = startIntegrator(url, out, ['--page-size', '1', '--follow', '--poll-seconds', '0.2']);
    await eventually(() => expect(pageLines(second.stdout.join('')).length).toBeGreaterThanOrEqual(1), { timeoutMs: 20000, intervalMs: 10 });
    expect(second.stdout.join('')).toMatch(/discarded \d+ bytes written after the last saved cursor/);
    second.child.kill('SIGKILL');
    expect((await second.exited).signal).toBe('SIGKILL');

    // 4. New events arrive while it is down.
    const registry = services['household-registry'].url;
    await addHousehold(registry, communes['38201']);
    await addHousehold(registry, communes['39201']);
    const published = await awaitFeedComplete(services, P);
    const feed = await readFeed(url, P, ops, { limit: 1000 });
    expect(feed.events.length).toBe(feedAtStart.events.length + 4);

    // 5. Running again, it catches up; a SIGTERM then stops it cleanly.
    const third = startIntegrator(url, out, ['--page-size', '5', '--follow', '--poll-seconds', '0.2']);
    await eventually(() => expect(savedState(out).events).toBe(feed.events.length), { timeoutMs: 30000, intervalMs: 100 });
    third.child.kill('SIGTERM');
    expect(await third.exited).toEqual({ code: 0, signal: null });
    expect(third.stdout.join('')).toMatch(/^resuming after /m);
    expect(third.stderr.join('')).toBe('');

    // Every event of the province once, in feed order, byte for byte what the producers published.
    const lines = outputLines(out);
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(feed.events.map((e) => e.id));
    const payloads = new Map(published.map((e) => [e.id, e.payload]));
    expect(lines.filter((line) => line !== payloads.get((JSON.parse(line) as { id: string }).id))).toEqual([]);
    expect(savedState(out)).toEqual(expect.objectContaining({ province: P, cursor: feed.next, events: published.length, counts: countsOf(published) }));
    const head = await request<{ head: string; count: number }>('GET', `${url}/feeds/provinces/${P}`, integratorP);
    expect(head.body).toMatchObject({ head: savedState(out).cursor, count: lines.length });
  });

  it('starts from a timestamp on its first run', async () => {
    const url = services.reporting.url;
    const out = path.join(workDir, 'since');
    const feed = await readFeed(url, P, ops, { limit: 1000 });
    const run = await runToEnd(url, out, ['--since', '2020-01-01T00:00:00Z', '--page-size', '1000']);
    expect(run.code).toBe(0);
    expect(outputLines(out)).toHaveLength(feed.events.length);
    // "Now" by the feed's clock (the database's receive times), whatever this process's clock says.
    const later = await runToEnd(url, path.join(workDir, 'since-now'), ['--since', await databaseNow()]);
    expect(later.code).toBe(0);
    expect(outputLines(path.join(workDir, 'since-now'))).toEqual([]);
    expect(savedState(path.join(workDir, 'since-now'))).toMatchObject({ cursor: feed.next, events: 0 });
  });

  it('stops at an event its schemas reject, keeping what came before and its place; tolerates unknown fields and values', async () => {
    const [template] = (await readFeed(services.reporting.url, P, ops, { limit: 1000 })).events.filter((e) => e.type === 'vn.dtc.registry.household.registered.v1');
    // A compatible future version of the event: an extension attribute, a new field, a new enum value.
    const tolerated = { ...template, id: randomUUID(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', data: { ...template.data, solarPanels: 2, mobileSignal: 'satellite' } };
    const broken = { ...template, id: randomUUID(), data: { ...template.data, householdId: 'not-a-uuid' } };
    const pages: Record<string, unknown> = {
      '': { events: [tolerated], next: 'c1', hasMore: true },
      c1: { events: [broken], next: 'c2', hasMore: false },
    };
    const seenTokens: string[] = [];
    const server: Server = createServer((req, res) => {
      const address = new URL(req.url ?? '/', 'http://feed');
      seenTokens.push(req.headers.authorization ?? '');
      const page = address.pathname === `/feeds/provinces/${P}/events` ? pages[address.searchParams.get('after') ?? ''] : undefined;
      res.writeHead(page ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(page ?? { statusCode: 404, message: 'no such page' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const out = path.join(workDir, 'invalid');
      const run = await runToEnd(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, out, ['--page-size', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(broken.id);
      expect(run.stderr).toContain('/data/householdId');
      expect(outputLines(out)).toEqual([JSON.stringify(tolerated)]);
      expect(savedState(out)).toMatchObject({ cursor: 'c1', events: 1 });
      expect(new Set(seenTokens)).toEqual(new Set([`Bearer ${integratorP}`]));
      // Run again, it asks for the same page (after c1) and stops at the same event: nothing skipped.
      const again = await runToEnd(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, out, ['--page-size', '1']);
      expect(again.code).toBe(2);
      expect(savedState(out)).toMatchObject({ cursor: 'c1', events: 1 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('gives up with a clear message when the token is refused', async () => {
    const out = path.join(workDir, 'refused');
    const run = startIntegrator(services.reporting.url, out, [], testToken({ sub: 'integrator-39', role: 'integrator', province: '39' }));
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    expect(run.stderr.join('')).toContain('the feed answered 403: This token is not scoped to province 38');
    expect(existsSync(path.join(out, 'state.json'))).toBe(false);
  });
});
