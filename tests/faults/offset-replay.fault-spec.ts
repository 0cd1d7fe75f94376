import { eventually, newRunId, testKafka } from '@dtc/testkit';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { consumerCounter, FaultPlatform } from './support/platform';

// Fault 4: an operator (or a broker losing committed offsets) rewinds the reporting group to the
// beginning, twice. Every event arrives again; none may be counted again.
const platform = new FaultPlatform(newRunId(), '21004');

/** Forgets every offset the reporting group committed: its next member starts from the beginning. */
async function rewindReportingGroup(): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.deleteGroups([`t-${platform.runId}.reporting-projections`]);
  } finally {
    await admin.disconnect();
  }
}

describe('the same offsets consumed twice', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(() => platform.cleanup());

  it('skips every redelivered event and keeps the totals of a recount', async () => {
    await new FieldLoad(platform, { households: 30, phones: 4 }).run();
    const first = await settleAndCheck(platform, 'offsets replayed (before the rewinds)');
    for (const round of [1, 2]) {
      await platform.stopInstance(platform.live('reporting')[0]);
      await rewindReportingGroup();
      await platform.start(['reporting']);
      const url = platform.url('reporting');
      // The restarted consumer sees the whole history again and recognises all of it.
      await eventually(async () => expect(await consumerCounter(url, 'events_duplicates_total')).toBeGreaterThanOrEqual(first.written), { timeoutMs: 60000, intervalMs: 200 });
      expect(await consumerCounter(url, 'events_applied_total')).toBe(0);
      const again = await settleAndCheck(platform, `same offsets replayed (round ${round})`);
      expect(again.written).toBe(first.written);
    }
  });
});

