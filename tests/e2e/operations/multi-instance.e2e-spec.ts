import { eventually, newRunId, query, testKafka, testToken } from '@dtc/testkit';
import { settleAndCheck } from '../../faults/support/exactness';
import { FieldLoad } from '../../faults/support/field-load';
import { consumerCounter, FaultPlatform, PROVINCE, ops as runOps } from '../../faults/support/platform';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Horizontal scaling: three reporting instances share one consumer group, two registry and two
// enrollment instances share the HTTP load and take turns publishing their outboxes. Totals must
// be exact and every reporting instance must really own partitions. A fourth reporting instance
// runs API-only (KAFKA_CONSUMERS=off), as the deployment files run reporting's HTTP instances: it
// joins no group, and its cached progress follows what the consuming instances project.
const platform = new FaultPlatform(newRunId(), '22001');
const ops = (...args: string[]) => runOps(platform.runId, ...args);

describe('several instances of every service under load', () => {
  let apiOnly: RunningService;
  let stopApiOnly: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.start(['household-registry', 'enrollment', 'reporting']);
    await platform.start(['reporting']);
    const started = await startServices(platform.runId, ['reporting'], { reporting: { KAFKA_CONSUMERS: 'off' } });
    ({ stop: stopApiOnly } = started);
    apiOnly = started.services.reporting;
    await platform.onboard();
  });

  afterAll(async () => {
    await stopApiOnly?.();
    await platform.cleanup();
  });

  it('shares the partitions between three reporting instances and projects every event once', async () => {
    // A campaign read through the API-only instance before the load: its progress is cached in Redis.
    const officer = testToken({ sub: `officer-${PROVINCE}`, role: 'province_officer', communes: [], province: PROVINCE });
    const campaign = await eventually(async () => {
      const created = await request<{ id: string }>('POST', `${apiOnly.url}/campaigns`, officer, {
        name: 'Chiến dịch nhiều phiên bản',
        communeCode: platform.commune,
        startsOn: '2026-07-01',
        endsOn: '2026-12-31',
        targets: [{ indicatorCode: 'cccd_applications', targetCount: 10 }],
      });
      expect(created.status).toBe(201);
      return created.body;
    });
    const householdsShown = async () => (await request<{ population: { households: number } }>('GET', `${apiOnly.url}/campaigns/${campaign.id}/progress`, officer)).body.population.households;
    expect(await householdsShown()).toBe(0);

    await new FieldLoad(platform, { households: 60, phones: 6 }).run();
    const figures = await settleAndCheck(platform, 'three reporting, two registry and two enrollment instances', 120000, { record: false });

    const reporting = platform.live('reporting');
    expect(reporting).toHaveLength(3);
    // Each instance applied events from the partitions it was given, and together exactly all.
    const applied = await Promise.all(reporting.map((instance) => consumerCounter(instance.url, 'events_applied_total')));
    expect(applied.every((count) => count > 0)).toBe(true);
    const duplicates = await Promise.all(reporting.map((instance) => consumerCounter(instance.url, 'events_duplicates_total')));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(figures.inProjection);
    expect(duplicates.reduce((a, b) => a + b, 0)).toBe(0);

    // The group has three members, each with partitions of every projected topic it was given.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`t-${platform.runId}.reporting-projections`]);
      expect(groups[0].state).toBe('Stable');
      // Not four: the API-only instance applied nothing and answers all the same.
      expect(groups[0].members).toHaveLength(3);
      expect(await consumerCounter(apiOnly.url, 'events_applied_total')).toBe(0);
      expect((await request<{ status: string }>('GET', `${apiOnly.url}/health`)).status).toBe(200);
      // What the consuming instances projected reaches its answers: their batches bumped the
      // commune's cache version, so the cached figures from before the load are not served.
      const [{ households }] = await query<{ households: number }>(`select count(*)::int as households from t_${platform.runId}_registry.households`);
      expect(households).toBeGreaterThan(0);
      expect(await householdsShown()).toBe(households);
    } finally {
      await admin.disconnect();
    }

    // Relays of one service take turns (advisory lock): without crashes nothing is published twice.
    expect(figures.delivered).toBe(figures.written);

    // What an operator sees: three members sharing the partitions, nothing behind, outboxes empty.
    const consumers = ops('consumers');
    const reportingRows = consumers.split('\n').filter((line) => line.startsWith('reporting-projections '));
    expect(reportingRows.length).toBeGreaterThanOrEqual(6);
    expect(reportingRows.every((line) => /\bStable\s+3\b/.test(line) && /\s0$/.test(line))).toBe(true);
    expect(consumers).toContain('total lag: 0 event(s)');
    const outbox = ops('outbox', '--schemas', `t_${platform.runId}_registry,t_${platform.runId}_enrollment`);
    expect(outbox).toMatch(new RegExp(`t_${platform.runId}_registry\\s+\\d+\\s+0\\s+-`));
    expect(outbox).toMatch(new RegExp(`t_${platform.runId}_enrollment\\s+\\d+\\s+0\\s+-`));
  });
});
