import { eventually, newRunId, query } from '@dtc/testkit';
import { request } from '../support/http';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { killKafka, restoreInfrastructure } from './support/outages';
import { assertOwnBroker, FaultPlatform } from './support/platform';

// Fault 1: the broker is killed (SIGKILL) while phones upload, and restarted. Writes keep being
// accepted into the outboxes; after the restart everything is published and projected once.
const platform = new FaultPlatform(newRunId(), '21001');

describe('Kafka broker killed under write load', () => {
  beforeAll(async () => {
    assertOwnBroker();
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(async () => {
    restoreInfrastructure();
    await platform.cleanup();
  });

  it('accepts writes during the outage and projects every event exactly once after the restart', async () => {
    const started = Date.now();
    const phase = (name: string) => process.stdout.write(`kafka outage: ${name} after ${Math.round((Date.now() - started) / 1000)} s\n`);
    const registry = `t_${platform.runId}_registry`;
    let outage: Promise<void> | undefined;
    const load = new FieldLoad(platform, { households: 60, phones: 4 }).run((done) => {
      if (done !== 15) return;
      outage = (async () => {
        killKafka();
        phase('broker killed');
        // While the broker is gone the registry says so, and its outbox fills instead.
        await eventually(async () => {
          const health = await request<{ checks: { kafka: { status: string } } }>('GET', `${platform.url('household-registry')}/health`);
          expect([health.status, health.body.checks.kafka.status]).toEqual([503, 'down']);
        });
        await eventually(async () => {
          const [{ pending }] = await query<{ pending: number }>(`select count(*)::int as pending from "${registry}".outbox where published_at is null`);
          expect(pending).toBeGreaterThan(20);
        }, { timeoutMs: 60000, intervalMs: 200 });
        phase('backlog growing');
        restoreInfrastructure();
        phase('broker restarted');
      })();
    });
    const figures = await load;
    await outage;
    phase('load done');
    // No phone was turned away by the outage: uploads commit to the outbox.
    expect(figures.retryReasons['503'] ?? 0).toBe(0);
    await settleAndCheck(platform, 'Kafka broker killed under load, restarted', 180000);
    phase('settled');
    await eventually(async () => expect((await request('GET', `${platform.url('household-registry')}/health`)).status).toBe(200), { timeoutMs: 60000 });
  }, 300000);
});
