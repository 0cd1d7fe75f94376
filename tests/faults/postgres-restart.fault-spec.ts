import { eventually, newRunId } from '@dtc/testkit';
import { request } from '../support/http';
import { settleAndCheck } from './support/exactness';
import { FieldLoad } from './support/field-load';
import { restoreInfrastructure, stopPostgres } from './support/outages';
import { FaultPlatform } from './support/platform';

// Fault 5: Postgres goes down (immediate stop: crash recovery on start) while phones upload, and
// comes back. Services say they are unhealthy, clients get 503 and retry, nothing committed is
// lost, and the same processes carry on by themselves.
const platform = new FaultPlatform(newRunId(), '21005');

describe('Postgres restarted under write load', () => {
  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.onboard();
  });

  afterAll(async () => {
    restoreInfrastructure();
    await platform.cleanup();
  });

  it('answers 503 while the database is down and resumes without a restart, losing nothing', async () => {
    const processes = ['household-registry', 'enrollment', 'reporting'].map((name) => platform.live(name as never)[0].process.pid);
    let outage: Promise<void> | undefined;
    const seen = { write: 0 };
    const load = new FieldLoad(platform, { households: 50, phones: 4 }).run((done) => {
      if (done !== 15) return;
      outage = (async () => {
        stopPostgres();
        try {
          // /health reuses one round of probes for up to 2 s: each service reports the outage within that.
          await eventually(async () => {
            const health = await request<{ checks: { database: { status: string } } }>('GET', `${platform.url('household-registry')}/health`);
            expect([health.status, health.body.checks.database.status]).toEqual([503, 'down']);
          });
          await eventually(async () => expect((await request('GET', `${platform.url('reporting')}/health`)).status).toBe(503));
          const write = await request<{ statusCode: number; message: string }>('POST', `${platform.url('household-registry')}/households`, platform.token, {
            communeCode: platform.commune,
            villageCode: 'THON-1',
            address: 'Xóm Mất Điện',
            headName: 'Trần Văn Chờ',
          });
          seen.write = write.status;
          expect(write.body).toMatchObject({ statusCode: 503, message: 'A dependency is unavailable; retry later' });
        } finally {
          // Whatever the checks found, the database comes back, so the load and the next suites go on.
          restoreInfrastructure();
        }
      })();
    });
    const figures = await load.finally(() => outage);
    await outage;
    expect(seen.write).toBe(503);
    // The outage is reported as "come back later", never as a server error.
    expect(Object.keys(figures.retryReasons).filter((reason) => reason.includes('500'))).toEqual([]);
    // Phones met the outage and uploaded again later.
    expect(figures.retried).toBeGreaterThan(0);
    for (const name of ['household-registry', 'enrollment', 'reporting'] as const) {
      await eventually(async () => expect((await request('GET', `${platform.url(name)}/health`)).status).toBe(200), { timeoutMs: 60000, intervalMs: 250 });
    }
    // The same processes: they recovered by themselves.
    expect(['household-registry', 'enrollment', 'reporting'].map((name) => platform.live(name as never)[0].process.pid)).toEqual(processes);
    await settleAndCheck(platform, 'Postgres restarted under load', 180000);
  });
});
