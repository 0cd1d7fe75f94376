import { randomUUID } from 'node:crypto';
import { GoneException } from '@nestjs/common';
import { createEvent, HouseholdRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { createServiceDataSource, loadRetentionSettings, migrateSchema, type PruneContext } from '@dtc/persistence';
import { databaseUrl, dropTestSchemas, newRunId } from '@dtc/testkit';
import type { DataSource, QueryRunner } from 'typeorm';
import { encodeCursor } from './feed-cursor';
import { ProvinceFeedRetention1764700000710 } from './feed-retention.migration';
import { ProvinceFeedPrunedReceiveTime1765000000710 } from './feed-retention-since.migration';
import { provinceFeedRetention } from './feed.retention';
import { appendToProvinceFeeds } from './province-feed.append';
import { FeedEventsQuery } from './province-feed.dto';
import { CreateProvinceFeeds1763900000700 } from './province-feed.migration';
import { ProvinceFeedService } from './province-feed.service';

// Feed retention against the real Postgres: each province loses a prefix of old events, the
// head counts what is left and names the earliest valid cursor, a cursor before it answers 410
// with that cursor, later cursors keep working, and a second run removes nothing.
const runId = newRunId();
const options = { url: databaseUrl(), schema: `t_${runId}_retention_feed`, migrations: [CreateProvinceFeeds1763900000700, ProvinceFeedRetention1764700000710, ProvinceFeedPrunedReceiveTime1765000000710] };
const context = (fields: Partial<PruneContext> = {}): PruneContext => ({ settings: loadRetentionSettings('test', {}), now: new Date(), batchSize: 2, dryRun: false, ...fields });

function household(commune: string, province: string): EventEnvelope {
  const householdId = randomUUID();
  return createEvent(HouseholdRegisteredV1, { tenant: commune, province, subject: householdId, time: new Date() }, { ...HouseholdRegisteredV1.example, householdId, occurredAt: new Date().toISOString() });
}

describe('province feed retention (Postgres)', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  let feeds: ProvinceFeedService;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    runner = dataSource.createQueryRunner();
    await runner.connect();
    feeds = new ProvinceFeedService(dataSource);
  });

  afterAll(async () => {
    await runner?.release();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  const append = (events: EventEnvelope[]) => dataSource.transaction((tx) => appendToProvinceFeeds(tx, events));
  const page = (province: string, fields: Partial<FeedEventsQuery>) => feeds.page(province, Object.assign(new FeedEventsQuery(), fields));

  it('removes old events as a prefix per province, answers 410 with the earliest cursor for older cursors, and keeps later cursors working', async () => {
    await append(Array.from({ length: 5 }, () => household('38101', '38')));
    await append(Array.from({ length: 2 }, () => household('39101', '39')));
    // Events 1-3 of 38 and 1-2 of 39 were received 400 days ago.
    await runner.query(`update province_feed set appended_at = appended_at - interval '400 days' where (province_code = '38' and seq <= 3) or province_code = '39'`);
    const kept = await page('38', { after: encodeCursor({ province: '38', seq: 3 }) });

    expect(await provinceFeedRetention.pending(runner, context())).toBe(5);
    const progress: number[] = [];
    expect(await provinceFeedRetention.prune(runner, context({ onProgress: (done) => progress.push(done) }))).toBe(5);
    expect(progress[progress.length - 1]).toBe(5);
    expect(await provinceFeedRetention.prune(runner, context())).toBe(0);

    expect(await feeds.head('38')).toMatchObject({ count: 2, earliest: encodeCursor({ province: '38', seq: 3 }), head: encodeCursor({ province: '38', seq: 5 }) });
    expect(await feeds.head('39')).toMatchObject({ count: 0, earliest: encodeCursor({ province: '39', seq: 2 }), head: encodeCursor({ province: '39', seq: 2 }) });

    const gone = await page('38', { after: encodeCursor({ province: '38', seq: 1 }) }).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(GoneException);
    expect((gone as GoneException).getResponse()).toMatchObject({ earliest: encodeCursor({ province: '38', seq: 3 }), fields: [{ field: 'after', reason: 'older than the retention of this feed' }] });
    // The beginning of the feed as a cursor is older too; no cursor at all starts at the earliest kept event.
    await expect(page('38', { after: encodeCursor({ province: '38', seq: 0 }) })).rejects.toBeInstanceOf(GoneException);
    expect((await page('38', {})).events.map((event) => event['id'])).toEqual(kept.events.map((event) => event['id']));
    expect(await page('38', { after: encodeCursor({ province: '38', seq: 3 }) })).toEqual(kept);
    expect(await page('39', { after: encodeCursor({ province: '39', seq: 2 }) })).toMatchObject({ events: [], hasMore: false });

    // An instant is a cursor too: one at or before the newest removed event would skip removed events.
    const [{ removedAt }]: Array<{ removedAt: Date }> = await runner.query(`select pruned_through_appended_at as "removedAt" from province_feed_heads where province_code = '38'`);
    for (const since of ['2020-01-01T00:00:00Z', removedAt.toISOString()]) {
      const sinceGone = await page('38', { since }).catch((error: unknown) => error);
      expect(sinceGone).toBeInstanceOf(GoneException);
      expect((sinceGone as GoneException).getResponse()).toMatchObject({ earliest: encodeCursor({ province: '38', seq: 3 }), fields: [{ field: 'since', reason: 'older than the retention of this feed' }] });
    }
    // After it, every event received since is still there.
    const afterRemoved = new Date(removedAt.getTime() + 86400000).toISOString();
    expect((await page('38', { since: afterRemoved })).events.map((event) => event['id'])).toEqual(kept.events.map((event) => event['id']));
  });
});
