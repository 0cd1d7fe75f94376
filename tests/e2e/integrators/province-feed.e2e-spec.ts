import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, testKafka, testToken } from '@dtc/testkit';
import { consumerCounter } from '../../faults/support/platform';
import { request } from '../../support/http';
import {
  addHousehold,
  awaitFeedComplete,
  awaitReadModels,
  databaseNow,
  ops,
  orderPerAggregate,
  PRODUCERS,
  readFeed,
  seedEnrollmentAndTraining,
  seedRegistry,
  type FeedEvent,
  type PublishedEvent,
  type SeededCommune,
} from '../../support/province-feed';
import { tokensFor } from '../../support/security-world';
import { startServices, type RunningService, type ServiceName } from '../../support/services';

// Provincial integrators: the province feed served by reporting. Communes in provinces 38 and 39
// write through the registry, enrollment and training; two reporting instances append to the
// feeds at the same time. An integrator of 38 gets exactly 38's events (compared with the
// producers' outboxes), each once, in a stable order that keeps every aggregate's order, pages
// and resumes with its cursor, starts from a timestamp, is refused 39's feed, and redelivered
// events leave the feed unchanged.
const runId = newRunId();
const P = '38';
const Q = '39';
const FEED_CONSUMER = 'reporting-province-feed';
const integratorP = testToken({ sub: 'integrator-38', role: 'integrator', province: P });
const integratorQ = testToken({ sub: 'integrator-39', role: 'integrator', province: Q });

const ids = (events: Array<{ id: string }>) => events.map((e) => e.id);

describe('province feed for integrators', () => {
  let services: Record<ServiceName, RunningService>;
  let secondReporting: RunningService;
  const stops: Array<() => Promise<void>> = [];
  const communes: Record<string, SeededCommune> = {};
  let publishedP: PublishedEvent[];
  let publishedQ: PublishedEvent[];
  /** The whole feed of P as the integrator first read it, and the cursor at its end. */
  let firstRead: { events: FeedEvent[]; next: string };

  beforeAll(async () => {
    const first = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']);
    stops.push(first.stop);
    services = first.services as Record<ServiceName, RunningService>;
    const second = await startServices(runId, ['reporting']);
    stops.push(second.stop);
    secondReporting = second.services.reporting;
    // Both reporting instances share the feed's consumer group before anything is written.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const { groups } = await admin.describeGroups([`t-${runId}.${FEED_CONSUMER}`]);
          expect({ state: groups[0].state, members: groups[0].members.length }).toEqual({ state: 'Stable', members: 2 });
        },
        { timeoutMs: 60000, intervalMs: 250 },
      );
    } finally {
      await admin.disconnect();
    }

    const registry = services['household-registry'].url;
    for (const [code, province] of [['38101', P], ['38102', P], ['39101', Q]]) communes[code] = await seedRegistry(registry, code, province);
    await awaitReadModels(services, Object.values(communes));
    for (const commune of Object.values(communes)) await seedEnrollmentAndTraining(services, commune);
    publishedP = await awaitFeedComplete(services, P);
    publishedQ = await awaitFeedComplete(services, Q);
  }, 240000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('gives an integrator every event of its province from all three streams, once, exactly as published, and none of another province', async () => {
    firstRead = await readFeed(services.reporting.url, P, integratorP, { limit: 7 });
    const { events } = firstRead;
    expect(new Set(ids(events)).size).toBe(events.length);
    expect(ids(events).sort()).toEqual(ids(publishedP).sort());
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['/dtc/household-registry', '/dtc/enrollment', '/dtc/training']));
    expect(new Set(events.map((e) => e.tenant))).toEqual(new Set(['38101', '38102']));
    expect(events.every((e) => e.province === P)).toBe(true);
    const otherProvince = new Set(ids(publishedQ));
    expect(publishedQ.length).toBeGreaterThan(10);
    expect(events.filter((e) => otherProvince.has(e.id))).toEqual([]);
    // Byte for byte the message value the producer's relay published.
    const payloads = new Map(publishedP.map((e) => [e.id, e.payload]));
    expect(events.filter((e) => JSON.stringify(e) !== payloads.get(e.id))).toEqual([]);
    // One stable order: per aggregate it is the producer's order, and a second read is identical.
    expect(orderPerAggregate(ids(events), publishedP)).toEqual({});
    const again = await readFeed(services.reporting.url, P, integratorP, { limit: 1000 });
    expect(ids(again.events)).toEqual(ids(events));
    expect(again.next).toBe(firstRead.next);
    // The head: as many events as read, and the cursor after the last.
    const head = await request<{ count: number; head: string; lastAppendedAt: string }>('GET', `${services.reporting.url}/feeds/provinces/${P}`, integratorP);
    expect(head.status).toBe(200);
    expect(head.body).toMatchObject({ province: P, count: events.length, head: firstRead.next });
  });

  it('both reporting instances appended to the feeds, together each event exactly once', async () => {
    const applied = await Promise.all([services.reporting, secondReporting].map((instance) => consumerCounter(instance.url, 'events_applied_total', FEED_CONSUMER)));
    expect(applied.every((n) => n > 0)).toBe(true);
    expect(applied[0] + applied[1]).toBe(publishedP.length + publishedQ.length);
    // Both instances answer the same feed.
    const fromSecond = await readFeed(secondReporting.url, P, integratorP, { limit: 1000 });
    expect(ids(fromSecond.events)).toEqual(ids(firstRead.events));
  });

  it('pages each event once in order with the cursor, and resumes exactly from a saved cursor', async () => {
    const all = ids(firstRead.events);
    const { pages } = await readFeed(services.reporting.url, P, integratorP, { limit: 5 });
    expect(pages.length).toBe(Math.ceil(all.length / 5));
    expect(pages.flatMap((page) => ids(page.events))).toEqual(all);
    expect(pages.slice(0, -1).every((page) => page.events.length === 5 && page.hasMore)).toBe(true);
    expect(new Set(pages.map((page) => page.next)).size).toBe(pages.length);
    // An integrator that stopped after two pages continues with exactly the rest.
    const saved = pages[1].next;
    const resumed = await readFeed(services.reporting.url, P, integratorP, { after: saved, limit: 3 });
    expect(ids(resumed.events)).toEqual(all.slice(10));
    expect(resumed.next).toBe(firstRead.next);
  });

  it('starts from a timestamp, and a saved cursor picks up exactly what arrived later', async () => {
    const since = await databaseNow();
    const registry = services['household-registry'].url;
    await addHousehold(registry, communes['38102']);
    await addHousehold(registry, communes['39101']);
    const before = new Set(ids(publishedP));
    publishedP = await awaitFeedComplete(services, P);
    publishedQ = await awaitFeedComplete(services, Q);
    const arrived = publishedP.filter((e) => !before.has(e.id));
    expect(arrived.map((e) => e.type).sort()).toEqual([
      'vn.dtc.registry.household.registered.v1',
      'vn.dtc.registry.resident.registered.v1',
      'vn.dtc.registry.resident.registered.v1',
      'vn.dtc.registry.visit.recorded.v1',
    ]);

    // The whole feed is the first read followed by what arrived: earlier positions never moved.
    // (Across aggregates the feed is in arrival order, not the producers' commit order.)
    const whole = await readFeed(services.reporting.url, P, integratorP, { limit: 1000 });
    expect(ids(whole.events).slice(0, firstRead.events.length)).toEqual(ids(firstRead.events));
    const tail = ids(whole.events).slice(firstRead.events.length);
    expect([...tail].sort()).toEqual(ids(arrived).sort());
    const fromTime = await readFeed(services.reporting.url, P, integratorP, { since, limit: 2 });
    expect(ids(fromTime.events)).toEqual(tail);
    const fromCursor = await readFeed(services.reporting.url, P, integratorP, { after: firstRead.next });
    expect(ids(fromCursor.events)).toEqual(tail);
    expect(fromCursor.next).toBe(fromTime.next);
    expect(orderPerAggregate(ids(whole.events), publishedP)).toEqual({});
    firstRead = whole;
  });

  it('refuses another province’s feed and roles that are not for integrators', async () => {
    const reporting = services.reporting.url;
    const status = async (path: string, token: string) => (await request('GET', `${reporting}${path}`, token)).status;
    const p = tokensFor('38101', P);
    for (const path of [`/feeds/provinces/${Q}`, `/feeds/provinces/${Q}/events`]) {
      expect(await status(path, integratorP)).toBe(403);
      expect(await status(path, p.province_officer)).toBe(403);
      expect(await status(path, ops)).toBe(200);
      expect(await status(path, integratorQ)).toBe(200);
    }
    for (const path of [`/feeds/provinces/${P}`, `/feeds/provinces/${P}/events`]) {
      expect(await status(path, p.province_officer)).toBe(200);
      expect(await status(path, p.field_agent)).toBe(403);
      expect(await status(path, p.commune_admin)).toBe(403);
      expect((await request('GET', `${reporting}${path}`)).status).toBe(401);
    }
    // Province 39's integrator sees 39's events and nothing of 38.
    const q = await readFeed(reporting, Q, integratorQ, { limit: 1000 });
    expect(ids(q.events).sort()).toEqual(ids(publishedQ).sort());
    // An integrator token writes nowhere, not even where the data is its province's.
    const body = { communeCode: '38101', villageCode: 'THON-1', address: 'Xóm Mới', headName: 'Nguyễn Văn Mới' };
    expect((await request('POST', `${services['household-registry'].url}/households`, integratorP, body)).status).toBe(403);
  });

  it('does not duplicate feed entries when events are delivered again', async () => {
    const copies: Array<{ topic: string; messages: Message[] }> = [];
    for (const producer of PRODUCERS) {
      const topic = `t-${runId}.${producer}.events`;
      const expected = publishedP.filter((e) => e.producer === producer).length;
      const reader = await collectTopic(topic, `t-${runId}.probe-${randomUUID()}`);
      try {
        const mine = await eventually(() => {
          const found = reader.messages.filter((m) => (JSON.parse(m.message.value!.toString()) as FeedEvent).province === P);
          expect(found.length).toBeGreaterThanOrEqual(expected);
          return found;
        });
        copies.push({ topic, messages: mine.map(({ message }) => ({ key: message.key, value: message.value, headers: message.headers })) });
      } finally {
        await reader.stop();
      }
    }
    const duplicatesBefore = await feedDuplicates();
    const producer = testKafka().producer();
    await producer.connect();
    try {
      for (const { topic, messages } of copies) await producer.send({ topic, messages });
    } finally {
      await producer.disconnect();
    }
    const sent = copies.reduce((sum, c) => sum + c.messages.length, 0);
    expect(sent).toBeGreaterThanOrEqual(publishedP.length);
    // Once the feed consumer has skipped every copy, the feed must be what it was.
    await eventually(async () => expect((await feedDuplicates()) - duplicatesBefore).toBeGreaterThanOrEqual(sent), { timeoutMs: 60000, intervalMs: 200 });
    const after = await readFeed(services.reporting.url, P, integratorP, { limit: 1000 });
    expect(ids(after.events)).toEqual(ids(firstRead.events));
    expect(after.next).toBe(firstRead.next);
  });

  async function feedDuplicates(): Promise<number> {
    const counts = await Promise.all([services.reporting, secondReporting].map((instance) => consumerCounter(instance.url, 'events_duplicates_total', FEED_CONSUMER)));
    return counts[0] + counts[1];
  }
});
