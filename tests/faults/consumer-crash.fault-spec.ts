import { newRunId } from '@dtc/testkit';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { consumerCounter, FaultPlatform } from './support/platform';

// Fault 3: the reporting consumer dies mid-batch, once before its database commit (the batch
// must be applied in full after the restart) and once after it (the redelivered batch must be
// skipped by the inbox), both under write load.
const platform = new FaultPlatform(newRunId(), '21003');

describe('reporting consumer killed mid-batch', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(() => platform.cleanup());

  it('loses nothing when killed before its commit and counts nothing twice when killed after it', async () => {
    // The failpoints fire on the projections' 4th batch with new events: the phones keep uploading
    // until both kills happened (a fixed 50 households could all be projected before the armed
    // instance joined, and it never died), then stop.
    const field = new FieldLoad(platform, { households: 2000, phones: 4 });
    const load = field.run();
    // Reporting runs two consumers (projections, province feed): aim at the projections'.
    for (const point of ['consumer.before-commit:reporting-projections@4', 'consumer.after-commit:reporting-projections@4']) {
      const [current] = platform.live('reporting');
      if (current) await platform.stopInstance(current);
      const armed = await platform.startArmed('reporting', point);
      await platform.died(armed);
      expect(armed.output.join('')).toContain(`failpoint ${point.split('@')[0]}`);
    }
    field.stop();
    await platform.start(['reporting']);
    await load;
    const figures = await settleAndCheck(platform, 'reporting consumer killed before / after its commit');
    expect(figures.inProjection).toBe(figures.written);
    // The batch committed just before the second kill came back and was recognised.
    expect(await consumerCounter(platform.url('reporting'), 'events_duplicates_total')).toBeGreaterThan(0);
  });
});
