import { deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// A province comes from the registry, never from a request body: a province officer of another
// province can neither create a campaign for a commune nor read one, whatever the body says and
// whatever province an older campaign row carries. Campaign windows are bounded.
const runId = newRunId();
const COMMUNE = '99902';
const operator = testToken({ sub: 'ops-scope', role: 'operations' });
const officer01 = testToken({ sub: 'officer-01', role: 'province_officer', communes: [], province: '01' });
const officer38 = testToken({ sub: 'officer-38', role: 'province_officer', communes: [], province: '38' });
const admin = testToken({ sub: 'admin-99902', role: 'commune_admin', communes: [COMMUNE] });
const agent = testToken({ sub: 'agent-99902', role: 'field_agent', communes: [COMMUNE] });

interface Problem {
  fields?: Array<{ field: string; reason: string }>;
}

const campaign = (extra: Record<string, unknown> = {}) => ({
  name: 'Chiến dịch xã 99902',
  communeCode: COMMUNE,
  startsOn: '2026-07-01',
  endsOn: '2026-12-31',
  targets: [{ indicatorCode: 'cccd_applications', targetCount: 10 }],
  ...extra,
});

describe('a commune campaign belongs to the province the registry says', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  const post = (token: string, body: unknown) => request<Problem & { id: string }>('POST', `${reporting.url}/campaigns`, token, body);
  const campaignsOf = async () => (await query<{ province_code: string }>(`select province_code from ${reporting.schema}.campaigns where commune_code = $1`, [COMMUNE])).map((row) => row.province_code);

  it('refuses a campaign for a commune reporting was not told about, whatever province the body gives', async () => {
    const unknown = await post(officer38, campaign({ communeCode: '99903', provinceCode: '38' }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.fields).toEqual([{ field: 'communeCode', reason: expect.stringMatching(/unknown commune 99903/) }]);
  });

  it('learns the commune when it is onboarded, before any household, and takes its province from the registry', async () => {
    await onboardCommune(registry.url, COMMUNE, '01', ['THON-1']);
    // Reporting learns it from the registry's event, before any household exists.
    const created = await eventually(async () => {
      const answer = await post(officer01, campaign());
      expect(answer.status).toBe(201);
      return answer.body;
    });
    const mine = await request<{ provinceCode: string }>('GET', `${reporting.url}/campaigns/${created.id}`, admin);
    expect(mine.body.provinceCode).toBe('01');

    const claimed = await post(officer38, campaign({ name: 'Chiếm xã khác tỉnh', provinceCode: '38' }));
    expect(claimed.status).toBe(422);
    expect(claimed.body.fields).toEqual([{ field: 'provinceCode', reason: 'commune 99902 belongs to province 01' }]);
    expect((await post(officer38, campaign({ name: 'Không ghi tỉnh' }))).status).toBe(403);
    expect(await campaignsOf()).toEqual(['01']);
  });

  it('re-checks every read against the commune province, not the province stored with the campaign', async () => {
    const household = await request('POST', `${registry.url}/households`, agent, householdBody(COMMUNE, 'THON-1'));
    expect(household.status).toBe(201);
    // A campaign row that carries a wrong province (as the defect stored them) must not open the commune to province 38.
    const schema = reporting.schema;
    const [{ id }] = await query<{ id: string }>(
      `insert into ${schema}.campaigns (id, name, commune_code, province_code, starts_on, ends_on, created_by) values (gen_random_uuid(), 'Sai tỉnh', $1, '38', '2026-07-01', '2026-12-31', 'legacy') returning id`,
      [COMMUNE],
    );
    await eventually(async () => expect((await request<{ population: { households: number } }>('GET', `${reporting.url}/campaigns/${id}/progress`, officer01)).body.population?.households).toBe(1));
    expect((await request<{ provinceCode: string }>('GET', `${reporting.url}/campaigns/${id}`, operator)).body.provinceCode).toBe('01');
    for (const path of ['', '/progress', '/teams', '/series', '/report.csv']) {
      expect((await request('GET', `${reporting.url}/campaigns/${id}${path}`, officer38)).status).toBe(404);
    }
    const listed = await request<Array<{ id: string }>>('GET', `${reporting.url}/campaigns?communeCode=${COMMUNE}`, officer38);
    expect(listed.body.map((c) => c.id)).not.toContain(id);
  });

  it('bounds campaign windows so a series stays small', async () => {
    const huge = await post(officer01, campaign({ name: 'Vô tận', startsOn: '1900-01-01', endsOn: '9999-12-31' }));
    expect(huge.status).toBe(422);
    expect(huge.body.fields).toEqual([
      { field: 'startsOn', reason: 'must be 2000-01-01 or later' },
      { field: 'endsOn', reason: expect.stringMatching(/at most 1098 days/) },
    ]);
    const long = await post(officer01, campaign({ name: 'Bốn năm', startsOn: '2026-01-01', endsOn: '2029-12-31' }));
    expect(long.status).toBe(422);
    expect(long.body.fields).toEqual([{ field: 'endsOn', reason: expect.stringMatching(/at most/) }]);
    const created = await post(officer01, campaign({ name: 'Ba năm', startsOn: '2026-01-01', endsOn: '2028-12-31' }));
    expect(created.status).toBe(201);
    const stretched = await request<Problem>('PATCH', `${reporting.url}/campaigns/${created.body.id}`, officer01, { version: 1, endsOn: '2099-12-31' });
    expect(stretched.status).toBe(422);
    expect(stretched.body.fields?.map((f) => f.field)).toEqual(['endsOn']);
    const series = await request<{ indicators: Array<{ points: unknown[] }> }>('GET', `${reporting.url}/campaigns/${created.body.id}/series?asOf=2028-12-31`, officer01);
    expect(series.status).toBe(200);
    expect(series.body.indicators[0].points).toHaveLength(1096);
    // Lists are bounded too: the latest campaigns first, at most `limit` (500 at most).
    const latest = await request<Array<{ name: string }>>('GET', `${reporting.url}/campaigns?communeCode=${COMMUNE}&limit=1`, officer01);
    expect(latest.body.map((c) => c.name)).toEqual(['Chiến dịch xã 99902']);
    expect((await request<unknown[]>('GET', `${reporting.url}/campaigns?communeCode=${COMMUNE}`, officer01)).body).toHaveLength(3);
    expect((await request('GET', `${reporting.url}/campaigns?limit=501`, officer01)).status).toBe(400);
  });
});
