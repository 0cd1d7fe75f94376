import { deleteTestTopics, dropTestSchemas, eventually, newRunId, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { runOpsCli } from '../../support/ops-cli';
import { activeProjectionSchema, startServices, type RunningService } from '../../support/services';

// A household's digital core dies or moves out: the registry clears the core, and reporting's
// household and digital-core figures drop with it, live and after a rebuild from the topics.
const runId = newRunId();
const COMMUNE = '10081';
/** A day (YYYY-MM-DD) in Vietnam (UTC+7, no daylight saving), `offset` days from today. */
const vietnamDay = (offset = 0) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const TODAY = vietnamDay();
const admin = testToken({ sub: 'admin-10081', role: 'commune_admin', communes: [COMMUNE] });
const agent = testToken({ sub: 'agent-10081', role: 'field_agent', communes: [COMMUNE] });

interface Figures {
  withDigitalCore: number;
  village: Record<string, number>;
  indicator: number | null;
  series: number;
}

describe('reporting follows the loss of a household’s digital core', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let campaign: string;

  /** What the commune's progress, per village, and series say about digital cores. */
  const figures = async (): Promise<Figures> => {
    const progress = await request<{
      households: { withDigitalCore: number };
      indicators: Array<{ code: string; achieved: number | null }>;
      villages: Array<{ villageCode: string; withDigitalCore: number }>;
    }>('GET', `${reporting.url}/campaigns/${campaign}/progress?asOf=${TODAY}`, admin);
    expect(progress.status).toBe(200);
    const series = await request<{ indicators: Array<{ code: string; points: Array<{ cumulative: number }> }> }>('GET', `${reporting.url}/campaigns/${campaign}/series?asOf=${TODAY}`, admin);
    expect(series.status).toBe(200);
    const points = series.body.indicators.find((i) => i.code === 'households_digital_core')?.points ?? [];
    return {
      withDigitalCore: progress.body.households.withDigitalCore,
      village: Object.fromEntries(progress.body.villages.map((v) => [v.villageCode, v.withDigitalCore])),
      indicator: progress.body.indicators.find((i) => i.code === 'households_digital_core')?.achieved ?? null,
      series: points.at(-1)?.cumulative ?? 0,
    };
  };

  /** A household of THON-1 or THON-2 with two members, the first set as its digital core. */
  const householdWithCore = async (village: string, n: number) => {
    const household = await request<{ id: string; version: number }>('POST', `${registry.url}/households`, agent, householdBody(COMMUNE, village));
    expect(household.status).toBe(201);
    const members: Array<{ id: string; version: number }> = [];
    for (const i of [0, 1]) {
      const member = await request<{ id: string; version: number }>('POST', `${registry.url}/residents`, agent, {
        householdId: household.body.id,
        fullName: `Thành Viên ${n}-${i}`,
        dateOfBirth: `198${n}-0${i + 1}-1${n}`,
        sex: i === 0 ? 'female' : 'male',
        ethnicity: 'Kinh',
        ownsSmartphone: true,
        relationshipToHead: i === 0 ? 'head' : 'child',
      });
      expect(member.status).toBe(201);
      members.push(member.body);
    }
    const set = await request<{ digitalCoreResidentId: string }>('PUT', `${registry.url}/households/${household.body.id}/digital-core`, agent, { version: household.body.version, residentId: members[0].id });
    expect(set.status).toBe(200);
    return { id: household.body.id, core: members[0], other: members[1] };
  };

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    await onboardCommune(registry.url, COMMUNE, '38', ['THON-1', 'THON-2']);
    // Reporting takes a commune campaign once it has learned the commune from the registry's event.
    campaign = await eventually(async () => {
      const created = await request<{ id: string }>('POST', `${reporting.url}/campaigns`, admin, {
        name: 'Lõi số mỗi hộ',
        communeCode: COMMUNE,
        startsOn: vietnamDay(-10),
        endsOn: vietnamDay(30),
        targets: [{ indicatorCode: 'households_digital_core', sharePercent: 100 }],
      });
      expect({ status: created.status, body: created.status === 201 ? {} : created.body }).toEqual({ status: 201, body: {} });
      return created.body.id;
    });
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('drops the household from the digital-core figures when its core dies or moves out, live and after a rebuild', async () => {
    const dies = await householdWithCore('THON-1', 1);
    const movesOut = await householdWithCore('THON-2', 2);
    const keeps = await householdWithCore('THON-1', 3);
    await eventually(async () => expect(await figures()).toEqual({ withDigitalCore: 3, village: { 'THON-1': 2, 'THON-2': 1 }, indicator: 3, series: 3 }), { timeoutMs: 30000, intervalMs: 200 });

    // A member who is not the core dies: nothing changes for the household.
    expect((await request('POST', `${registry.url}/residents/${keeps.other.id}/deceased`, agent, { version: keeps.other.version })).status).toBe(200);
    // The core of one household dies, the core of another moves out of the commune.
    expect((await request('POST', `${registry.url}/residents/${dies.core.id}/deceased`, agent, { version: dies.core.version })).status).toBe(200);
    expect((await request('POST', `${registry.url}/residents/${movesOut.core.id}/move-out`, agent, { version: movesOut.core.version })).status).toBe(200);
    const household = await request<{ digitalCoreResidentId: string | null }>('GET', `${registry.url}/households/${dies.id}`, agent);
    expect(household.body.digitalCoreResidentId).toBeNull();

    const expected = { withDigitalCore: 1, village: { 'THON-1': 1, 'THON-2': 0 }, indicator: 1, series: 1 };
    await eventually(async () => expect(await figures()).toEqual(expected), { timeoutMs: 30000, intervalMs: 200 });

    // Rebuilt from the topics, the new generation agrees.
    const live = await activeProjectionSchema(reporting);
    const env = { REGISTRY_URL: registry.url, REPORTING_URL: reporting.url, JWT_SECRET: TEST_JWT_SECRET, TOPIC_PREFIX: `t-${runId}.`, DATABASE_SCHEMA: reporting.schema };
    const rebuilt = await runOpsCli(['rebuild'], env);
    expect({ code: rebuilt.code, stderr: rebuilt.code === 0 ? '' : rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await activeProjectionSchema(reporting)).not.toBe(live);
    await eventually(async () => expect(await figures()).toEqual(expected), { timeoutMs: 30000, intervalMs: 200 });
  });
});
