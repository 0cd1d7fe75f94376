import { addDays, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Registry -> enrollment -> reporting through the real broker: indicators narrowed to a detail of
// their service (iHanoi vs eTax Mobile), residents supported directly (distinct, over a window),
// households done (ID card and VNeID level 2 for every member aged 14+), obstacle labels in JSON
// and CSV, and "data as of" on reports and GET /freshness.
const runId = newRunId();
const COMMUNE = '60771';
/** A day (YYYY-MM-DD) in Vietnam (UTC+7, no daylight saving), `offset` days from today. */
const vietnamDay = (offset = 0) => addDays(vietnamToday(), offset);
const TODAY = vietnamDay();
const agent = testToken({ sub: 'agent-60771', role: 'field_agent', communes: [COMMUNE] });
const admin = testToken({ sub: 'admin-60771', role: 'commune_admin', communes: [COMMUNE] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const integrator = testToken({ sub: 'integrator-38', role: 'integrator', province: '38' });

interface Freshness {
  streams: Array<{ stream: string; newestEventAt: string | null; appliedAt: string | null; eventsApplied: number; lag: number | null }>;
  totalLag: number | null;
  lagMeasuredAt: string | null;
}
interface Progress {
  indicators: Array<{ code: string; achieved: number | null }>;
  households: { obstacles: Array<{ obstacle: string; code: string; labelVi: string; labelEn: string; households: number }> };
  dataAsOf: Freshness;
}
interface Series {
  indicators: Array<{ code: string; points: Array<{ day: string; value: number; cumulative: number }> }>;
  dataAsOf: Freshness;
}

describe('indicators that count people and details, obstacle labels, and data as of', () => {
  let registry: RunningService;
  let enrollment: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let campaign: string;
  let todayCampaign: string;
  let secondHousehold: string;

  const achieved = (progress: Progress) => Object.fromEntries(progress.indicators.map((i) => [i.code, i.achieved]));
  const progressOf = async (id: string) => {
    const response = await request<Progress>('GET', `${reporting.url}/campaigns/${id}/progress?asOf=${TODAY}`, admin);
    expect(response.status).toBe(200);
    return response.body;
  };

  const resident = async (householdId: string, name: string, dateOfBirth: string) => {
    const created = await request<{ id: string }>('POST', `${registry.url}/residents`, agent, { householdId, fullName: name, dateOfBirth, sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'other_relative' });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  const enroll = async (residentId: string, serviceCode: string, extra: Record<string, unknown> = {}) => {
    const opened = await request<{ id: string }>('POST', `${enrollment.url}/enrollments`, agent, { communeCode: COMMUNE, serviceCode, residentId, ...extra });
    expect({ status: opened.status, body: opened.status === 201 ? {} : opened.body }).toEqual({ status: 201, body: {} });
    return opened.body.id;
  };

  const valid = (id: string) =>
    eventually(async () => expect((await request<{ validation: string }>('GET', `${enrollment.url}/enrollments/${id}`, agent)).body.validation).toBe('valid'));

  const move = async (id: string, to: string) => {
    const moved = await request('POST', `${enrollment.url}/enrollments/${id}/transitions`, agent, { to });
    expect({ to, status: moved.status }).toEqual({ to, status: 200 });
  };

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, enrollment, reporting }, stop } = (await startServices(runId, ['household-registry', 'enrollment', 'reporting'])) as never);
    await onboardCommune(registry.url, COMMUNE, '38', ['THON-1']);
    for (const [code, detail] of [['ihanoi_installs', 'iHanoi'], ['etax_installs', 'eTax Mobile']]) {
      const indicator = await request('POST', `${reporting.url}/indicators`, officer, {
        code,
        labelVi: `Cài đặt ${detail}`,
        labelEn: `${detail} installs`,
        definition: `Residents helped to install ${detail}`,
        unit: 'people',
        source: 'enrollment',
        serviceCode: 'public_service_app',
        state: 'installed',
        detail,
      });
      expect(indicator.status).toBe(201);
    }
    const targets = ['ihanoi_installs', 'etax_installs', 'residents_supported_directly', 'households_done'].map((indicatorCode) => ({ indicatorCode, targetCount: 10 }));
    const create = (name: string, startsOn: string) =>
      eventually(async () => {
        const created = await request<{ id: string }>('POST', `${reporting.url}/campaigns`, admin, { name, communeCode: COMMUNE, startsOn, endsOn: vietnamDay(30), targets });
        expect({ status: created.status, body: created.status === 201 ? {} : created.body }).toEqual({ status: 201, body: {} });
        return created.body.id;
      });
    campaign = await create('Chiến dịch hỗ trợ trực tiếp', vietnamDay(-10));
    todayCampaign = await create('Đợt hôm nay', TODAY);

    // Household one: two adults and a child (not eligible); household two: one adult helped three days ago.
    const first = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(COMMUNE, 'THON-1'));
    const second = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(COMMUNE, 'THON-1'));
    secondHousehold = second.body.id;
    const [m1, m2] = [await resident(first.body.id, 'Người Một', '1980-03-01'), await resident(first.body.id, 'Người Hai', '1985-06-01')];
    await resident(first.body.id, 'Bé Ba', `${Number(TODAY.slice(0, 4)) - 5}-01-01`);
    const n1 = await resident(second.body.id, 'Người Bốn', '1970-01-01');

    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await enroll(m1, 'public_service_app', { detail: 'iHanoi' });
    await enroll(m2, 'public_service_app', { detail: 'iHanoi' });
    await enroll(n1, 'public_service_app', { detail: 'eTax Mobile', occurredAt: threeDaysAgo });
    await enroll(n1, 'cccd', { occurredAt: threeDaysAgo });
    await enroll(n1, 'vneid_level2', { occurredAt: threeDaysAgo });
    for (const member of [m1, m2]) {
      await enroll(member, 'cccd');
      const vneid = await enroll(member, 'vneid_level2');
      await valid(vneid);
      await move(vneid, 'issued');
      await move(vneid, 'activated');
    }
    const visit = await request('POST', `${registry.url}/households/${secondHousehold}/visits`, agent, { outcome: 'partly_done', obstacles: ['no_smartphone', 'elderly'] });
    expect(visit.status).toBe(201);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('counts a detail of a service apart, residents supported once per window, and households done', async () => {
    await eventually(async () =>
      expect(achieved(await progressOf(campaign))).toEqual({ ihanoi_installs: 2, etax_installs: 1, residents_supported_directly: 3, households_done: 1 }),
    );
    // The window starting today leaves out the resident helped only three days ago.
    expect(achieved(await progressOf(todayCampaign))).toEqual({ ihanoi_installs: 2, etax_installs: 0, residents_supported_directly: 2, households_done: 1 });

    const series = await request<Series>('GET', `${reporting.url}/campaigns/${campaign}/series?asOf=${TODAY}`, admin);
    expect(series.status).toBe(200);
    const supported = series.body.indicators.find((i) => i.code === 'residents_supported_directly')!.points;
    expect(supported.find((p) => p.day === vietnamDay(-3))?.value).toBe(1);
    expect(supported.find((p) => p.day === TODAY)).toMatchObject({ value: 2, cumulative: 3 });
    expect(series.body.indicators.find((i) => i.code === 'households_done')!.points.at(-1)).toMatchObject({ day: TODAY, value: 1, cumulative: 1 });

    // Narrowing the eTax indicator to iHanoi instead changes its figures at once (cached answers included).
    const indicator = { labelVi: 'Cài đặt iHanoi (2)', labelEn: 'iHanoi installs (2)', definition: 'Residents helped to install iHanoi', unit: 'people', source: 'enrollment', serviceCode: 'public_service_app', state: 'installed' };
    const changed = await request<{ detail: string }>('PUT', `${reporting.url}/indicators/etax_installs`, officer, { ...indicator, detail: 'iHanoi' });
    expect({ status: changed.status, detail: changed.body.detail }).toEqual({ status: 200, detail: 'iHanoi' });
    await eventually(async () => expect(achieved(await progressOf(campaign)).etax_installs).toBe(2));
    // Only enrollment indicators take a detail; national indicators stay as they are; an integrator only reads.
    const fieldWithDetail = await request<{ fields: Array<{ field: string }> }>('PUT', `${reporting.url}/indicators/etax_installs`, officer, { ...indicator, source: 'field', measure: 'households_visited', detail: 'iHanoi' });
    expect({ status: fieldWithDetail.status, field: fieldWithDetail.body.fields?.[0]?.field }).toEqual({ status: 422, field: 'detail' });
    expect((await request('PUT', `${reporting.url}/indicators/households_done`, officer, indicator)).status).toBe(409);
    expect((await request('PUT', `${reporting.url}/indicators/nope_nothing`, officer, indicator)).status).toBe(404);
    expect((await request('PUT', `${reporting.url}/indicators/etax_installs`, admin, indicator)).status).toBe(403);
    expect((await request('PUT', `${reporting.url}/indicators/etax_installs`, integrator, indicator)).status).toBe(403);
  });

  it('labels obstacles in Vietnamese and English, in JSON and in the CSV', async () => {
    const obstacles = await eventually(async () => {
      const found = (await progressOf(campaign)).households.obstacles;
      expect(found).toHaveLength(2);
      return found;
    });
    expect(obstacles).toEqual(
      expect.arrayContaining([
        { obstacle: 'no_smartphone', code: 'no_smartphone', labelVi: 'Không có điện thoại thông minh', labelEn: 'No smartphone', households: 1 },
        { obstacle: 'elderly', code: 'elderly', labelVi: 'Người cao tuổi', labelEn: 'Elderly', households: 1 },
      ]),
    );
    const csv = await fetch(`${reporting.url}/campaigns/${campaign}/report.csv?asOf=${TODAY}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain('Không có điện thoại thông minh,1,No smartphone,no_smartphone');
    expect(text).toContain('Người cao tuổi,1,Elderly,elderly');
    // Data as of: a header and a block in the summary.
    expect(csv.headers.get('x-data-as-of')).toMatch(/household-registry\.events=\d{4}-\d\d-\d\dT[^;]+;lag=\d+, enrollment\.events=\d{4}-\d\d-\d\dT[^;]+;lag=\d+, training\.events=none;lag=\d+/);
    expect(text).toContain('Số liệu cập nhật đến');
    expect(text).toMatch(/\r\nenrollment\.events,\d{4}-\d\d-\d\dT[^,]+,\d{4}-\d\d-\d\dT[^,]+,\d+\r\n/);
    const english = await fetch(`${reporting.url}/campaigns/${campaign}/report.csv?asOf=${TODAY}&lang=en`, { headers: { authorization: `Bearer ${admin}` } });
    expect(await english.text()).toContain('No smartphone,1,Không có điện thoại thông minh,no_smartphone');
  });

  it('says how fresh the figures are, per source stream, and moves on with new events', async () => {
    const before = await eventually(async () => {
      const freshness = await request<Freshness>('GET', `${reporting.url}/freshness`, agent);
      expect(freshness.status).toBe(200);
      expect(freshness.body.streams.map((s) => s.stream)).toEqual(['household-registry.events', 'enrollment.events', 'training.events']);
      const enrollments = freshness.body.streams.find((s) => s.stream === 'enrollment.events')!;
      expect(enrollments.newestEventAt).not.toBeNull();
      expect(enrollments.lag).toBe(0);
      expect(freshness.body.totalLag).toEqual(expect.any(Number));
      expect(freshness.body.streams.find((s) => s.stream === 'training.events')).toMatchObject({ newestEventAt: null, appliedAt: null, eventsApplied: 0 });
      return freshness.body;
    });
    // Every report carries it: progress, series, funnel, households by village, training.
    expect((await progressOf(campaign)).dataAsOf.streams).toHaveLength(3);
    expect((await request<Series>('GET', `${reporting.url}/campaigns/${campaign}/series?asOf=${TODAY}`, admin)).body.dataAsOf.streams).toHaveLength(3);
    const funnel = await request<{ dataAsOf: Freshness }>('GET', `${reporting.url}/communes/${COMMUNE}/enrollment-funnel?serviceCode=cccd`, admin);
    expect(funnel.body.dataAsOf.streams.find((s) => s.stream === 'enrollment.events')!.eventsApplied).toBeGreaterThan(0);
    const households = await request<{ totalHouseholds: number; dataAsOf: Freshness }>('GET', `${reporting.url}/communes/${COMMUNE}/households-by-village`, admin);
    expect(households.body.dataAsOf.streams.map((s) => s.stream)).toEqual(['household-registry.events', 'enrollment.events', 'training.events']);
    expect(households.body.dataAsOf.streams.find((s) => s.stream === 'household-registry.events')!.newestEventAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // No training event yet: the training report says so rather than looking current.
    const training = await request<{ dataAsOf: Freshness }>('GET', `${reporting.url}/communes/${COMMUNE}/training`, admin);
    expect(training.body.dataAsOf.streams.find((s) => s.stream === 'training.events')).toMatchObject({ newestEventAt: null, eventsApplied: 0 });

    const visit = await request('POST', `${registry.url}/households/${secondHousehold}/visits`, agent, { outcome: 'done', obstacles: [] });
    expect(visit.status).toBe(201);
    const registryBefore = before.streams.find((s) => s.stream === 'household-registry.events')!;
    await eventually(async () => {
      const after = (await request<Freshness>('GET', `${reporting.url}/freshness`, integrator)).body.streams.find((s) => s.stream === 'household-registry.events')!;
      expect(after.eventsApplied).toBeGreaterThan(registryBefore.eventsApplied);
      expect(after.appliedAt! > registryBefore.appliedAt!).toBe(true);
      expect(after.newestEventAt! >= registryBefore.newestEventAt!).toBe(true);
    });
    expect((await request('GET', `${reporting.url}/freshness`)).status).toBe(401);
  });
});
