import { randomUUID } from 'node:crypto';
import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { createEvent, HouseholdRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import { databaseUrl, eventually, newRunId, query } from '@dtc/testkit';
import type { DataSource, QueryRunner } from 'typeorm';
import { encodeCursor } from './feed-cursor';
import { appendToProvinceFeeds } from './province-feed.append';
import { FeedEventsQuery, type FeedPage } from './province-feed.dto';
import { ProvinceFeedRetention1764700000710 } from './feed-retention.migration';
import { ProvinceFeedPrunedReceiveTime1765000000710 } from './feed-retention-since.migration';
import { CreateProvinceFeeds1763900000700 } from './province-feed.migration';
import { ProvinceFeedService } from './province-feed.service';

// The feed tables against the real Postgres: numbering, exact envelopes, duplicates, and the
// ordering guarantee when two reporting instances append to one province at the same time.
const runId = newRunId();
const schema = `t_${runId}_feeds`;
const options = { url: databaseUrl(), schema, migrations: [CreateProvinceFeeds1763900000700, ProvinceFeedRetention1764700000710, ProvinceFeedPrunedReceiveTime1765000000710], poolSize: 6 };

function household(commune: string, province: string): EventEnvelope {
  const householdId = randomUUID();
  return createEvent(HouseholdRegisteredV1, { tenant: commune, province, subject: householdId, time: new Date() }, { ...HouseholdRegisteredV1.example, householdId, occurredAt: new Date().toISOString() });
}
const many = (n: number, commune: string, province: string) => Array.from({ length: n }, () => household(commune, province));
const ids = (events: Array<{ id?: unknown }>) => events.map((event) => event.id);
/** The database clock to the microsecond (feed times are taken from it). */
const databaseNow = async () => (await query<{ now: string }>(`select to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`))[0].now;
const pageQuery = (fields: Partial<FeedEventsQuery>) => Object.assign(new FeedEventsQuery(), fields);

describe('province feeds (Postgres)', () => {
  let dataSource: DataSource;
  let feeds: ProvinceFeedService;
  const openRunners: QueryRunner[] = [];

  const append = (events: EventEnvelope[]) => dataSource.transaction((tx) => appendToProvinceFeeds(tx, events));
  /** A transaction of its own, left open, like a consumer batch of another instance that has not committed yet. */
  const openTransaction = async () => {
    const runner = dataSource.createQueryRunner();
    openRunners.push(runner);
    await runner.connect();
    await runner.startTransaction();
    const [{ pid }] = await runner.query('select pg_backend_pid() as pid');
    return { runner, pid: pid as number };
  };
  /** Reads the whole feed of a province page by page, from the beginning. */
  const readAll = async (province: string, limit = 1000) => {
    const events: Array<Record<string, unknown>> = [];
    let page: FeedPage = await feeds.page(province, pageQuery({ limit }));
    events.push(...page.events);
    while (page.hasMore) {
      page = await feeds.page(province, pageQuery({ limit, after: page.next }));
      events.push(...page.events);
    }
    return { events, next: page.next };
  };

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    feeds = new ProvinceFeedService(dataSource);
  });

  afterAll(async () => {
    for (const runner of openRunners) if (!runner.isReleased) await runner.release().catch(() => undefined);
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  it('numbers each province’s events 1, 2, 3, ... in batch order and keeps the envelopes exactly', async () => {
    const batch = [household('38001', '38'), household('39001', '39'), household('38002', '38'), household('39001', '39'), household('38001', '38')];
    await append(batch);
    const rows = await query<{ province_code: string; seq: string; event_id: string; envelope: string; commune_code: string }>(
      `select province_code, seq, event_id, envelope::text, commune_code from "${schema}".province_feed where province_code in ('38', '39') order by province_code, seq`,
    );
    expect(rows.map((r) => [r.province_code, r.seq, r.event_id, r.commune_code])).toEqual([
      ['38', '1', batch[0].id, '38001'],
      ['38', '2', batch[2].id, '38002'],
      ['38', '3', batch[4].id, '38001'],
      ['39', '1', batch[1].id, '39001'],
      ['39', '2', batch[3].id, '39001'],
    ]);
    const byId = new Map(batch.map((event) => [event.id, JSON.stringify(event)]));
    for (const row of rows) expect(row.envelope).toBe(byId.get(row.event_id));
    expect(await feeds.head('38')).toMatchObject({ province: '38', count: 3, head: encodeCursor({ province: '38', seq: 3 }) });
  });

  it('skips events already in a feed, also within one batch, without leaving a gap in the numbers', async () => {
    const province = '40';
    const first = many(3, '40001', province);
    await append(first);
    const again = household('40001', province);
    await append([first[1], again, again, first[0]]);
    const rows = await query<{ seq: string; event_id: string }>(`select seq, event_id from "${schema}".province_feed where province_code = $1 order by seq`, [province]);
    expect(rows).toEqual([...first, again].map((event, i) => ({ seq: String(i + 1), event_id: event.id })));
    expect((await feeds.head(province)).count).toBe(4);
  });

  it('pages with cursors: each event once, in order, resumable from any saved cursor', async () => {
    const province = '41';
    const events = many(23, '41001', province);
    await append(events.slice(0, 10));
    await append(events.slice(10));
    const seen: unknown[] = [];
    const cursors: string[] = [];
    let page = await feeds.page(province, pageQuery({ limit: 5 }));
    for (;;) {
      seen.push(...ids(page.events));
      cursors.push(page.next);
      if (!page.hasMore) break;
      page = await feeds.page(province, pageQuery({ limit: 5, after: page.next }));
    }
    expect(seen).toEqual(ids(events));
    expect(cursors).toHaveLength(5);
    // Resuming from the second saved cursor gives exactly what followed it, and the same cursors again.
    const resumed = await feeds.page(province, pageQuery({ limit: 1000, after: cursors[1] }));
    expect(ids(resumed.events)).toEqual(ids(events.slice(10)));
    expect(resumed).toMatchObject({ next: cursors[4], hasMore: false });
    // At the end: an empty page that keeps the position.
    expect(await feeds.page(province, pageQuery({ after: cursors[4] }))).toEqual({ events: [], next: cursors[4], hasMore: false });
    expect((await feeds.head(province)).head).toBe(cursors[4]);
  });

  it('starts at the first event received at or after `since`', async () => {
    const province = '42';
    const before = many(4, '42001', province);
    await append(before);
    const at = await databaseNow();
    const after = many(3, '42002', province);
    await append(after.slice(0, 2));
    await append(after.slice(2));
    const page = await feeds.page(province, pageQuery({ since: at }));
    expect(ids(page.events)).toEqual(ids(after));
    expect(page.next).toBe(encodeCursor({ province, seq: 7 }));
    // A since after the latest event: nothing yet, and the cursor continues from the head.
    expect(await feeds.page(province, pageQuery({ since: await databaseNow() }))).toEqual({ events: [], next: encodeCursor({ province, seq: 7 }), hasMore: false });
    const late = household('42001', province);
    await append([late]);
    expect(ids((await feeds.page(province, pageQuery({ after: encodeCursor({ province, seq: 7 }) }))).events)).toEqual([late.id]);
    // A since before everything is the beginning.
    expect(ids((await feeds.page(province, pageQuery({ since: '2020-01-01T00:00:00Z' }))).events)).toEqual(ids([...before, ...after, late]));
  });

  it('refuses cursors that are not of this feed, since in the future, and after with since', async () => {
    await append(many(2, '43001', '43'));
    const problem = async (fields: Partial<FeedEventsQuery>) => {
      try {
        await feeds.page('43', pageQuery(fields));
      } catch (error) {
        return { type: (error as Error).constructor.name, body: (error as BadRequestException).getResponse() };
      }
      throw new Error('not refused');
    };
    const field = (name: string, reason: RegExp) => expect.objectContaining({ fields: [{ field: name, reason: expect.stringMatching(reason) }] });
    expect(await problem({ after: 'bm90LWEtY3Vyc29y' })).toEqual({ type: BadRequestException.name, body: field('after', /cursor returned by this feed/) });
    expect(await problem({ after: encodeCursor({ province: '38', seq: 1 }) })).toEqual({ type: UnprocessableEntityException.name, body: field('after', /province 38/) });
    expect(await problem({ after: encodeCursor({ province: '43', seq: 3 }) })).toEqual({ type: UnprocessableEntityException.name, body: field('after', /beyond the end/) });
    expect(await problem({ since: new Date(Date.now() + 3600000).toISOString() })).toEqual({ type: UnprocessableEntityException.name, body: field('since', /future/) });
    expect(await problem({ after: encodeCursor({ province: '43', seq: 1 }), since: '2026-01-01T00:00:00Z' })).toEqual({ type: UnprocessableEntityException.name, body: field('since', /not both/) });
    // The cursor at the head is fine, and so is the beginning of an empty feed.
    expect(await feeds.page('43', pageQuery({ after: encodeCursor({ province: '43', seq: 2 }) }))).toMatchObject({ events: [], hasMore: false });
    expect(await feeds.head('44')).toEqual({ province: '44', count: 0, head: encodeCursor({ province: '44', seq: 0 }), earliest: encodeCursor({ province: '44', seq: 0 }), lastAppendedAt: null });
    expect(await feeds.page('44', pageQuery({ after: encodeCursor({ province: '44', seq: 0 }) }))).toEqual({ events: [], next: encodeCursor({ province: '44', seq: 0 }), hasMore: false });
  });

  it('makes a second instance’s append to the same province wait, so no reader ever skips an event that commits late', async () => {
    const province = '45';
    await append(many(2, '45001', province));
    const { next: seenSoFar } = await readAll(province);

    // Instance 1 appends and has not committed; instance 2 appends to the same province meanwhile.
    const first = await openTransaction();
    const firstEvents = many(3, '45001', province);
    await appendToProvinceFeeds(first.runner.manager, firstEvents);
    const second = await openTransaction();
    const secondEvents = many(2, '45002', province);
    const secondAppend = appendToProvinceFeeds(second.runner.manager, secondEvents);
    await eventually(async () => {
      const [activity] = await query<{ wait_event_type: string | null }>('select wait_event_type from pg_stat_activity where pid = $1', [second.pid]);
      expect(activity.wait_event_type).toBe('Lock');
    });
    // Nothing of either is visible yet: the reader's cursor stays where it was.
    expect(await feeds.page(province, pageQuery({ after: seenSoFar }))).toEqual({ events: [], next: seenSoFar, hasMore: false });

    // Instance 1 commits: its events are visible, numbered before instance 2's, which is still open.
    await first.runner.commitTransaction();
    await secondAppend;
    const middle = await feeds.page(province, pageQuery({ after: seenSoFar }));
    expect(ids(middle.events)).toEqual(ids(firstEvents));
    await second.runner.commitTransaction();
    // The reader continues from its cursor and gets exactly instance 2's events: none skipped.
    expect(ids((await feeds.page(province, pageQuery({ after: middle.next }))).events)).toEqual(ids(secondEvents));
    const numbers = await query<{ seq: string }>(`select seq from "${schema}".province_feed where province_code = $1 order by seq`, [province]);
    expect(numbers.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await first.runner.release();
    await second.runner.release();
  });

  it('keeps numbers contiguous and every event once under many concurrent appenders', async () => {
    const province = '46';
    const batches = Array.from({ length: 12 }, (_, i) => many(1 + (i % 4), `460${String(i).padStart(2, '0')}`, province));
    // A tailing reader polls with its cursor while the appends race; it must end with every event once.
    const tailed: unknown[] = [];
    let cursor = encodeCursor({ province, seq: 0 });
    let appending = true;
    const tail = (async () => {
      for (;;) {
        const done = !appending;
        const page = await feeds.page(province, pageQuery({ after: cursor, limit: 3 }));
        tailed.push(...ids(page.events));
        cursor = page.next;
        if (done && !page.hasMore) return;
      }
    })();
    await Promise.all(batches.map((batch) => append(batch)));
    appending = false;
    await tail;
    const all = batches.flat();
    expect(new Set(tailed).size).toBe(tailed.length);
    expect([...tailed].sort()).toEqual(ids(all).sort());
    const numbers = await query<{ seq: string }>(`select seq from "${schema}".province_feed where province_code = $1 order by seq`, [province]);
    expect(numbers.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i + 1));
    expect((await readAll(province)).events.map((e) => e.id)).toEqual(tailed);
  });
});
