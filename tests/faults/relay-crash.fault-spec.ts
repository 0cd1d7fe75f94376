import { eventually, newRunId } from '@dtc/testkit';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { FaultPlatform } from './support/platform';

// Fault 2: the outbox relay dies after Kafka acknowledged a batch but before it marked the rows
// sent. The replacement publishes those rows again; consumers must count them once.
const platform = new FaultPlatform(newRunId(), '21002');

describe('outbox relay killed between the Kafka ack and marking rows sent', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(() => platform.cleanup());

  it('republishes the acknowledged batch after a restart and the projections count every event once', async () => {
    // Swap the registry for one armed to die on its fifth relay round, under load.
    const [original] = platform.live('household-registry');
    await platform.stopInstance(original);
    const armed = await platform.startArmed('household-registry', 'outbox.after-send@5');
    await eventually(async () => expect((await fetch(`${armed.url}/health`)).status).toBe(200), { timeoutMs: 60000, intervalMs: 200 });

    const load = new FieldLoad(platform, { households: 40, phones: 4 }).run();
    await platform.died(armed);
    expect(armed.process.signalCode).toBe('SIGKILL');
    expect(armed.output.join('')).toContain('failpoint outbox.after-send');
    await platform.start(['household-registry']); // the supervisor's replacement
    const figures = await load;
    expect(figures.retryReasons.network ?? 0).toBeGreaterThan(0);

    const result = await settleAndCheck(platform, 'relay killed after Kafka ack, before marking sent');
    // The killed relay's batch is on the topic twice: the fault really happened.
    expect(result.delivered).toBeGreaterThan(result.written);
  });
});
