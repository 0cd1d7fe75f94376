import { eventually, newRunId } from '@dtc/testkit';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { consumerCounter, FaultPlatform } from './support/platform';

// Fault 8: a second reporting instance joins the consumer group under load (partitions move to
// it) and later leaves (they move back). Nothing may be lost or counted twice across the moves.
const platform = new FaultPlatform(newRunId(), '21008');

describe('a second reporting instance joins and leaves under load', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(() => platform.cleanup());

  it('shares the partitions while both run and keeps the totals exact through both rebalances', async () => {
    let left: Promise<void> | undefined;
    let leftAt: number | undefined;
    let appliedBySecond = 0;
    let uploaded = 0;
    // Phones keep uploading until the newcomer has joined, worked and left, and a while after.
    const field = new FieldLoad(platform, { households: 400, phones: 4 });
    const load = field.run((done) => {
      uploaded = done;
      if (done === 10) {
        left = (async () => {
          await platform.start(['reporting']);
          const second = platform.live('reporting')[1];
          // Leave only once the newcomer has been given partitions and applied from them.
          await eventually(async () => expect((appliedBySecond = await consumerCounter(second.url, 'events_applied_total'))).toBeGreaterThan(0), { timeoutMs: 90000, intervalMs: 100 });
          await platform.stopInstance(second);
          leftAt = uploaded;
        })();
      }
      if (leftAt !== undefined && done >= leftAt + 15) field.stop();
    });
    await load;
    await left;
    // The newcomer really took partitions and applied events while both ran, then left.
    expect(appliedBySecond).toBeGreaterThan(0);
    expect(platform.live('reporting')).toHaveLength(1);
    await settleAndCheck(platform, 'second reporting instance joins and leaves');
  });
});
