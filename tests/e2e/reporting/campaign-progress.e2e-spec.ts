import { spawn } from 'node:child_process';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { deleteTestTopics, FieldStream, publish, type Resident, dropTestSchemas, eventually, newRunId, query, testServiceEnv, testToken } from '@dtc/testkit';
import { REPUBLISHED_HEADER } from '@dtc/messaging';
import { openStream } from '../../support/event-stream';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// A commune campaign as communes publish it: 10,084 residents aged 14+ on the report day, of
// whom 10,033 applied for chip ID cards in the window = 99.49%. Events go through the real
// broker, with late (offline) events, redelivered duplicates, and three more communes for the
// province roll-up. Ends with a full rebuild whose figures must equal the live ones.
const runId = newRunId();
/** A report without its `dataAsOf` (stream heads and lag move on with every batch). */
const figuresOf = <T extends object>(report: T): Omit<T, 'dataAsOf'> => {
  const { dataAsOf: _freshness, ...figures } = report as T & { dataAsOf?: unknown };
  return figures;
};
const prefix = `t-${runId}.`;
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const START = '2026-07-21';
const END = '2026-08-02';
const WINDOW_DAYS = ['2026-07-21', '2026-07-22', '2026-07-23', '2026-07-24', '2026-07-25', '2026-07-26', '2026-07-27', '2026-07-28', '2026-07-29', '2026-07-30', '2026-07-31', '2026-08-01', '2026-08-02'];

const admin = testToken({ sub: 'admin-16279', role: 'commune_admin', communes: ['16279'] });
const agent = testToken({ sub: 'agent-16279', role: 'field_agent', communes: ['16279'] });
const neighbour = testToken({ sub: 'admin-16280', role: 'commune_admin', communes: ['16280'] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', communes: [], province: '38' });
const integrator38 = testToken({ sub: 'integrator-38', role: 'integrator', communes: [], province: '38' });
const integrator39 = testToken({ sub: 'integrator-39', role: 'integrator', communes: [], province: '39' });

interface IndicatorProgress {
  code: string;
  target: number | null;
  achieved: number | null;
  addedInWindow: number | null;
  percent: number | null;
  remaining: number | null;
  dailyRunRate: number | null;
  projectedCompletion: string | null;
  atRisk: boolean;
  daysElapsed: number | null;
}
interface CommuneProgress {
  population: { eligibleResidents: number; residents: number; households: number; organisations: number };
  households: { total: number; withDigitalCore: number; withSmartphone: number; visited: number; obstacles: Array<{ obstacle: string; households: number }> };
  organisations: { total: number; eIdentified: number };
  indicators: IndicatorProgress[];
  villages: Array<{ villageCode: string; eligibleResidents: number; indicators: Array<{ code: string; achieved: number; target: number | null; percent: number | null }> }>;
}
interface ProvinceProgress {
  indicators: IndicatorProgress[];
  communes: Array<{ rank: number; communeCode: string; percent: number | null; indicators: Array<{ code: string; achieved: number; target: number | null }> }>;
}
interface Leaderboard {
  entries: Array<{ rank: number; id: string; total: number; members?: number | null; indicators: Array<{ code: string; achieved: number }> }>;
}
interface Series {
  indicators: Array<{ code: string; points: Array<{ day: string; value: number; cumulative: number }> }>;
}

/** 10,084 residents aged 14+ on 2 August 2026 (two of them turning 14 that month) and 497 children. */
function births(): Array<[number, number]> {
  const list: Array<[number, number]> = [];
  for (let i = 0; i < 10082; i += 1) list.push([1950 + (i % 62), 1 + (i % 12)]);
  list.push([2012, 8], [2012, 8]);
  list.push([2012, 9], [2012, 9], [2012, 9]);
  for (let i = 0; i < 497; i += 1) list.push([2013 + (i % 8), 1 + (i % 12)]);
  return list;
}

function isEligible(resident: Resident): boolean {
  return resident.birthYear * 12 + resident.birthMonth <= 2012 * 12 + 8;
}

function smallCommune(code: string, province: string, eligible: number, applied: number): FieldStream {
  const stream = new FieldStream(code, province);
  const village = stream.village('THON-1', 'Thôn 1');
  for (let i = 0; i < eligible; i += 1) {
    const household = stream.household(village, '2026-07-01');
    const resident = stream.resident(household, village, 1980, 5);
    if (i < applied) stream.enrollment(resident, 'cccd', [['applied', WINDOW_DAYS[i % WINDOW_DAYS.length]]]);
  }
  return stream;
}

describe('campaign progress from field events', () => {
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let communeCampaign: string;
  let provinceCampaign: string;
  const main = new FieldStream('16279', '38');
  const teamA = main.team(3);
  const teamB = main.team(2);
  const villages = [main.village('DONG-HOA', 'Thôn Đông Hòa'), main.village('TAY-SON', 'Thôn Tây Sơn'), main.village('BAC-LY', 'Thôn Bắc Lý')];
  const late: ReturnType<FieldStream['enrollment']> = [];
  let distinctEvents = 0;

  const progress = async (campaign: string, token = admin, extra = '') => request<CommuneProgress>('GET', `${reporting.url}/campaigns/${campaign}/progress?asOf=${END}${extra}`, token);
  const indicator = (p: { indicators: IndicatorProgress[] }, code: string) => p.indicators.find((i) => i.code === code)!;

  beforeAll(async () => {
    ({ services: { reporting }, stop } = (await startServices(runId, ['reporting'])) as never);

    // The main commune: households of three residents, every second one owns a smartphone.
    const residents: Resident[] = [];
    const households: Array<{ id: string; village: (typeof villages)[number]; members: Resident[] }> = [];
    births().forEach(([year, month], i) => {
      if (i % 3 === 0) {
        const village = villages[households.length % 3];
        households.push({ id: main.household(village, '2026-07-01'), village, members: [] });
      }
      const home = households[households.length - 1];
      const resident = main.resident(home.id, home.village, year, month, i % 2 === 0);
      home.members.push(resident);
      residents.push(resident);
    });
    const eligible = residents.filter(isEligible);
    expect(eligible).toHaveLength(10084);
    // 10,033 applications in the window (6,000 by team A, 4,033 by team B), 20 before it.
    eligible.slice(0, 10033).forEach((resident, i) => {
      const team = i < 6000 ? { teamId: teamA.teamId, memberId: teamA.members[i % 3] } : { teamId: teamB.teamId, memberId: teamB.members[i % 2] };
      const day = WINDOW_DAYS[i % WINDOW_DAYS.length];
      const states: Array<[string, string]> = i < 1000 ? [['applied', day], ['issued', '2026-08-01']] : [['applied', day]];
      const events = main.enrollment(resident, 'cccd', states, team);
      // The last 50 were recorded offline and reach the server after everything else.
      if (i >= 9983) late.push(...events);
    });
    eligible.slice(10033, 10053).forEach((resident) => main.enrollment(resident, 'cccd', [['applied', '2026-07-10']]));
    households.slice(0, 1000).forEach((home, i) => main.visit(home.id, home.village, WINDOW_DAYS[i % WINDOW_DAYS.length], i < 100 ? ['no_smartphone'] : []));
    households.slice(0, 800).forEach((home, i) => main.digitalCore(home.id, home.village, home.members[0].id, WINDOW_DAYS[i % WINDOW_DAYS.length]));
    for (let i = 0; i < 41; i += 1) main.organisation(villages[i % 3], i < 24 ? WINDOW_DAYS[i % WINDOW_DAYS.length] : null);
    main.session(villages[0], '2026-07-25', 'vneid', residents.slice(0, 40));
    main.session(villages[1], '2026-07-26', 'cashless_payment', residents.slice(40, 70));

    const lateIds = new Set(late.map((event) => event.id));
    const onTime = main.events.filter((event) => !lateIds.has(event.id));
    const others = [...smallCommune('16280', '38', 100, 90).events, ...smallCommune('16281', '38', 100, 50).events, ...smallCommune('20001', '39', 10, 10).events];
    distinctEvents = main.events.length + others.length;
    // Duplicates as the platform makes them (300 events twice, same ids): a relay re-sending after
    // a crash, or a producer retrying, puts a copy right behind the original (150 here); `ops
    // republish` and dead-letter replays re-send marked copies at any distance (150 at the end).
    const enrollments = onTime.filter((event) => event.type.includes('enrollment'));
    const copiedBehind = new Set(enrollments.slice(0, 150));
    await publish(prefix, [...onTime.flatMap((event) => (copiedBehind.has(event) ? [event, event] : [event])), ...others]);
    await publish(prefix, enrollments.slice(150, 300), { [REPUBLISHED_HEADER]: 'true' });
    // Then the late offline ones.
    await publish(prefix, late);

    const created = await request<{ id: string }>('POST', `${reporting.url}/campaigns`, admin, {
      name: 'Chiến dịch cao điểm cấp CCCD',
      communeCode: '16279',
      provinceCode: '38',
      startsOn: START,
      endsOn: END,
      targets: [
        { indicatorCode: 'cccd_applications', sharePercent: 100 },
        { indicatorCode: 'cccd_issued', targetCount: 2000 },
        { indicatorCode: 'organisations_e_identified', targetCount: 41 },
        { indicatorCode: 'households_visited', sharePercent: 100, population: 'households' },
        { indicatorCode: 'online_application_share', targetValue: 80 },
      ],
    });
    expect(created.status).toBe(201);
    communeCampaign = created.body.id;
    const province = await request<{ id: string }>('POST', `${reporting.url}/campaigns`, officer, {
      name: 'Kế hoạch tỉnh: CCCD cho mọi người từ 14 tuổi',
      provinceCode: '38',
      startsOn: START,
      endsOn: END,
      targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }],
    });
    expect(province.status).toBe(201);
    provinceCampaign = province.body.id;

    await eventually(
      async () => {
        const p = (await progress(communeCampaign)).body;
        expect(p.population.eligibleResidents).toBe(10084);
        expect(indicator(p, 'cccd_applications').achieved).toBe(10033);
        expect(indicator(p, 'organisations_e_identified').achieved).toBe(24);
        expect(p.households.visited).toBe(1000);
        const province38 = (await request<ProvinceProgress>('GET', `${reporting.url}/campaigns/${provinceCampaign}/province-progress?asOf=${END}`, officer)).body;
        expect(province38.communes.map((c) => c.indicators[0].achieved).sort((a, b) => a - b)).toEqual([50, 90, 10033]);
      },
      { timeoutMs: 180000, intervalMs: 500 },
    );
  }, 300000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('shows 10,033 applications against 10,084 eligible residents as 99.49%, with run-rate, projection and risk', async () => {
    const p = (await progress(communeCampaign)).body;
    expect(indicator(p, 'cccd_applications')).toMatchObject({ target: 10084, achieved: 10033, percent: 99.49, remaining: 51, daysElapsed: 13, dailyRunRate: 771.77, projectedCompletion: '2026-08-03', atRisk: true });
    expect(indicator(p, 'cccd_issued')).toMatchObject({ target: 2000, achieved: 1000, percent: 50 });
    expect(indicator(p, 'organisations_e_identified')).toMatchObject({ target: 41, achieved: 24, percent: 58.54 });
    expect(indicator(p, 'households_visited')).toMatchObject({ target: 3528, achieved: 1000, percent: 28.34 });
    expect(p.population).toMatchObject({ residents: 10584, eligibleResidents: 10084, households: 3528, organisations: 41 });
    const training = (await request<{ total: { sessionsHeld: number; attendees: number; completed: number; passed: number } }>('GET', `${reporting.url}/communes/16279/training?from=${START}&to=${END}`, admin)).body;
    expect(training.total).toMatchObject({ sessionsHeld: 2, attendees: 70, completed: 70, passed: 35 });
    expect(p.households).toMatchObject({ total: 3528, withDigitalCore: 800, withSmartphone: 3528, visited: 1000, obstacles: [{ obstacle: 'no_smartphone', households: 100 }] });
    expect(p.organisations).toEqual({ total: 41, eIdentified: 24 });
  });

  it('breaks progress down by village, adding up to the commune', async () => {
    const p = (await progress(communeCampaign)).body;
    expect(p.villages.map((v) => v.villageCode)).toEqual(['BAC-LY', 'DONG-HOA', 'TAY-SON']);
    const cccd = p.villages.map((v) => v.indicators.find((i) => i.code === 'cccd_applications')!);
    expect(cccd.reduce((sum, v) => sum + v.achieved, 0)).toBe(10033);
    expect(p.villages.reduce((sum, v) => sum + v.eligibleResidents, 0)).toBe(10084);
    for (const [i, v] of p.villages.entries()) expect(cccd[i].target).toBe(v.eligibleResidents);
  });

  it('counts late offline events on the day they happened and redelivered events once', async () => {
    const series = (await request<Series>('GET', `${reporting.url}/campaigns/${communeCampaign}/series?asOf=${END}`, admin)).body;
    const points = series.indicators.find((i) => i.code === 'cccd_applications')!.points;
    expect(points.map((p) => p.day)).toEqual(WINDOW_DAYS);
    // 10,033 spread round-robin over 13 days: 772 on the first 10 days, 771 on the last 3.
    expect(points.map((p) => p.value)).toEqual([772, 772, 772, 772, 772, 772, 772, 772, 772, 772, 771, 771, 771]);
    expect(points[points.length - 1].cumulative).toBe(10033);
    const funnel = (await request<{ steps: Array<{ state: string; reached: number }> }>('GET', `${reporting.url}/communes/16279/enrollment-funnel?serviceCode=cccd&from=${START}&to=${END}`, admin)).body;
    expect(funnel.steps).toEqual([
      { state: 'applied', reached: 10033 },
      { state: 'issued', reached: 1000 },
    ]);
    const withEarlier = (await request<{ steps: Array<{ state: string; reached: number }> }>('GET', `${reporting.url}/communes/16279/enrollment-funnel?serviceCode=cccd`, admin)).body;
    expect(withEarlier.steps[0]).toEqual({ state: 'applied', reached: 10053 });
  });

  it('counts externally reported indicator values against their target', async () => {
    const reported = await request('PUT', `${reporting.url}/communes/16279/indicator-values/online_application_share/2026-07`, admin, { value: 72.5 });
    expect(reported.status).toBe(200);
    const wrongKind = await request<{ fields: Array<{ field: string }> }>('PUT', `${reporting.url}/communes/16279/indicator-values/cccd_applications/2026-07`, admin, { value: 3 });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.fields[0].field).toBe('indicatorCode');
    await eventually(async () => expect(indicator((await progress(communeCampaign)).body, 'online_application_share')).toMatchObject({ achieved: 72.5, target: 80, percent: 90.63 }));
  });

  it('ranks a province’s communes laggards first, and totals the province', async () => {
    const response = await request<ProvinceProgress>('GET', `${reporting.url}/campaigns/${provinceCampaign}/province-progress?asOf=${END}`, integrator38);
    expect(response.status).toBe(200);
    expect(response.body.communes.map((c) => [c.rank, c.communeCode, c.percent])).toEqual([
      [1, '16281', 50],
      [2, '16280', 90],
      [3, '16279', 99.49],
    ]);
    expect(indicator(response.body, 'cccd_applications')).toMatchObject({ target: 10284, achieved: 10173, percent: 98.92 });
    expect((await request('GET', `${reporting.url}/campaigns/${provinceCampaign}/province-progress`, integrator39)).status).toBe(404);
    // A commune of the province follows its own part of the province campaign.
    const own = await request<CommuneProgress>('GET', `${reporting.url}/campaigns/${provinceCampaign}/progress?communeCode=16280&asOf=${END}`, neighbour);
    expect(own.status).toBe(200);
    expect(indicator(own.body, 'cccd_applications')).toMatchObject({ target: 100, achieved: 90, percent: 90 });
    expect((await request('GET', `${reporting.url}/campaigns/${provinceCampaign}/progress?communeCode=16279`, neighbour)).status).toBe(404);
  });

  it('serves the province ranking from its last figures, refreshes it after a change and tells live viewers when', async () => {
    const ranking = () => request<ProvinceProgress & { computedAt: string; refreshing: boolean }>('GET', `${reporting.url}/campaigns/${provinceCampaign}/province-progress?asOf=${END}`, officer);
    const settled = await eventually(async () => {
      const response = await ranking();
      expect(response.body.refreshing).toBe(false);
      return response.body;
    });
    // A reader holding these figures asks again with their ETag: 304, no body, until they change.
    const url = `${reporting.url}/campaigns/${provinceCampaign}/province-progress?asOf=${END}`;
    const conditional = (etag: string) => fetch(url, { headers: { authorization: `Bearer ${officer}`, 'if-none-match': etag } });
    const settledAnswer = await fetch(url, { headers: { authorization: `Bearer ${officer}` } });
    const settledEtag = settledAnswer.headers.get('etag')!;
    expect(settledEtag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(settledAnswer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(await settledAnswer.text())).toMatchObject({ computedAt: settled.computedAt, refreshing: false });
    const unchanged = await conditional(settledEtag);
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    const viewer = await openStream(`${reporting.url}/campaigns/${provinceCampaign}/live`, officer);
    expect(viewer.status).toBe(200);
    try {
      // A fourth commune's field work arrives: every reader keeps getting an answer, the newer
      // figures follow, and the province's viewer is told to fetch them.
      await publish(prefix, smallCommune('16283', '38', 4, 3).events);
      const changed = await eventually(
        async () => {
          const response = await ranking();
          expect(response.status).toBe(200);
          expect(response.body.communes.find((c) => c.communeCode === '16283')?.indicators[0]).toMatchObject({ achieved: 3, target: 4 });
          expect(response.body.refreshing).toBe(false);
          return response.body;
        },
        { timeoutMs: 60000, intervalMs: 100 },
      );
      expect(Date.parse(changed.computedAt)).toBeGreaterThan(Date.parse(settled.computedAt));
      expect(indicator(changed, 'cccd_applications').achieved).toBe(indicator(settled, 'cccd_applications').achieved! + 3);
      // The old ETag no longer names the latest figures: the whole answer comes.
      const after = await conditional(settledEtag);
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(settledEtag);
      await eventually(() => expect(viewer.text()).toContain('event: changed'), { timeoutMs: 10000 });
    } finally {
      viewer.close();
    }
  });

  it('ranks teams and their members for commendations', async () => {
    const teams = (await request<Leaderboard>('GET', `${reporting.url}/campaigns/${communeCampaign}/teams?asOf=${END}`, admin)).body;
    expect(teams.entries.map((e) => [e.rank, e.id, e.total, e.members])).toEqual([
      [1, teamA.teamId, 7000, 3],
      [2, teamB.teamId, 4033, 2],
    ]);
    const members = (await request<Leaderboard>('GET', `${reporting.url}/campaigns/${communeCampaign}/teams/${teamA.teamId}?asOf=${END}`, admin)).body;
    expect(members.entries.map((e) => e.total).reduce((a, b) => a + b, 0)).toBe(7000);
    expect(members.entries.map((e) => e.id).sort()).toEqual([...teamA.members].sort());
    expect(members.entries[0].total).toBeGreaterThanOrEqual(members.entries[2].total);
  });

  it('exports the commune report as CSV and as an XLSX workbook that a spreadsheet opens', async () => {
    const csv = await fetch(`${reporting.url}/campaigns/${communeCampaign}/report.csv?asOf=${END}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Hồ sơ cấp CCCD gắn chip,10084,10033,99.49,10033');
    expect(text).toContain('Thôn Đông Hòa');
    const xlsx = await fetch(`${reporting.url}/campaigns/${communeCampaign}/report.xlsx?asOf=${END}&lang=en`, { headers: { authorization: `Bearer ${admin}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain('.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Villages', 'Daily', 'Teams']);
    const summary = workbook.getWorksheet('Summary')!;
    const rows = summary.getSheetValues().filter(Boolean) as unknown[][];
    const cccd = rows.find((row) => row[1] === 'Chip ID card applications')!;
    expect(cccd.slice(1, 5)).toEqual(['Chip ID card applications', 10084, 10033, 99.49]);
    expect(workbook.getWorksheet('Villages')!.rowCount).toBe(4);
    expect(workbook.getWorksheet('Daily')!.rowCount).toBe(14);
    expect((await request('GET', `${reporting.url}/campaigns/${communeCampaign}/report.xlsx`, neighbour)).status).toBe(404);
  });

  it('keeps campaigns to their tenants and targets to those who may set them', async () => {
    expect((await progress(communeCampaign, neighbour)).status).toBe(404);
    expect((await request('GET', `${reporting.url}/campaigns/${communeCampaign}`, integrator39)).status).toBe(404);
    const listed = await request<Array<{ id: string }>>('GET', `${reporting.url}/campaigns`, neighbour);
    expect(listed.body.map((c) => c.id)).toEqual([provinceCampaign]);
    const body = { name: 'Của tôi', communeCode: '16279', startsOn: START, endsOn: END, targets: [{ indicatorCode: 'cccd_applications', targetCount: 1 }] };
    expect((await request('POST', `${reporting.url}/campaigns`, agent, body)).status).toBe(403);
    expect((await request('POST', `${reporting.url}/campaigns`, integrator38, body)).status).toBe(403);
    expect((await request('POST', `${reporting.url}/campaigns`, neighbour, body)).status).toBe(403);
    expect((await request('PATCH', `${reporting.url}/campaigns/${communeCampaign}`, agent, { version: 1, name: 'x1' })).status).toBe(403);
  });

  it('rejects bad campaigns with the field and reason, and stale updates with 409', async () => {
    const bad = await request<{ fields: Array<{ field: string; reason: string }> }>('POST', `${reporting.url}/campaigns`, admin, {
      name: 'Sai',
      communeCode: '16279',
      startsOn: END,
      endsOn: START,
      targets: [{ indicatorCode: 'no_such_indicator', targetCount: 5 }, { indicatorCode: 'cccd_issued', targetCount: 5, sharePercent: 50 }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.fields.map((f) => f.field)).toEqual(['endsOn', 'targets[0].indicatorCode', 'targets[1].targetCount']);
    const invalid = await request<{ fields: Array<{ field: string }> }>('POST', `${reporting.url}/campaigns`, admin, { name: 'X', communeCode: '16279', startsOn: 'yesterday', endsOn: END, targets: [], extra: 1 });
    expect(invalid.status).toBe(400);
    const before = (await request<{ version: number }>('GET', `${reporting.url}/campaigns/${communeCampaign}`, admin)).body.version;
    const renamed = await request<{ version: number }>('PATCH', `${reporting.url}/campaigns/${communeCampaign}`, admin, { version: before, name: 'Chiến dịch cao điểm cấp CCCD (đợt 1)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.version).toBe(before + 1);
    const stale = await request<{ currentVersion: number }>('PATCH', `${reporting.url}/campaigns/${communeCampaign}`, admin, { version: before, name: 'Ghi đè' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(before + 1);
    expect(indicator((await progress(communeCampaign)).body, 'cccd_applications').percent).toBe(99.49);
  });

  it('serves an edit made on one instance from every other at once (instances keep campaigns for seconds only, dropped by the edit)', async () => {
    const { services, stop: stopSecond } = await startServices(runId, ['reporting']);
    try {
      const other = () => request<{ name: string; version: number }>('GET', `${services.reporting.url}/campaigns/${communeCampaign}`, admin);
      const before = (await other()).body;
      // The other instance now holds the campaign for CAMPAIGN_VIEW_TTL_MS (5 s); the edit's notice must drop it sooner.
      const renamed = await request<{ name: string; version: number }>('PATCH', `${reporting.url}/campaigns/${communeCampaign}`, admin, { version: before.version, name: `${before.name} (sửa)` });
      expect(renamed.status).toBe(200);
      await eventually(async () => expect((await other()).body).toEqual(expect.objectContaining({ name: renamed.body.name, version: before.version + 1 })), { timeoutMs: 3000, intervalMs: 50 });
    } finally {
      await stopSecond();
    }
  });

  it('serves correct figures from an instance whose Redis is down (cache bypassed)', async () => {
    const { services, stop: stopSecond } = await startServices(runId, ['reporting'], { reporting: { REDIS_URL: 'redis://127.0.0.1:6390' } });
    try {
      const health = await request<{ status: string }>('GET', `${services.reporting.url}/health`);
      expect(health.body.status).toBe('degraded');
      const withoutCache = await request<CommuneProgress>('GET', `${services.reporting.url}/campaigns/${communeCampaign}/progress?asOf=${END}`, admin);
      expect(withoutCache.status).toBe(200);
      // Figures equal; how fresh they are (lag measured per instance, heads moving) may differ.
      expect(figuresOf(withoutCache.body)).toEqual(figuresOf((await progress(communeCampaign)).body));
    } finally {
      await stopSecond();
    }
  });

  it('rebuilds every projection from the topics into a new generation, switching over while serving and while events keep arriving, with equal figures', async () => {
    const reads = async () => ({
      // The figures, not how fresh they are: the rebuilt generation has its own stream heads.
      commune: figuresOf((await progress(communeCampaign)).body),
      teams: figuresOf((await request('GET', `${reporting.url}/campaigns/${communeCampaign}/teams?asOf=${END}`, admin)).body),
      series: figuresOf((await request('GET', `${reporting.url}/campaigns/${communeCampaign}/series?asOf=${END}`, admin)).body),
      training: figuresOf((await request<object>('GET', `${reporting.url}/communes/16279/training`, admin)).body),
      households: figuresOf((await request<object>('GET', `${reporting.url}/communes/16279/households-by-village`, admin)).body),
    });
    const before = await reads();
    const [{ schema_name: live }] = await query<{ schema_name: string }>(`select schema_name from "t_${runId}_reporting".projection_generations where state = 'active'`);

    const child = spawn(process.execPath, ['-r', './tools/runtime/register.js', 'tools/ops/cli.ts', 'rebuild', '--json'], { cwd: repoRoot, env: testServiceEnv('reporting', runId, 0), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    // The dashboard keeps being served, with the same figures, while the rebuild runs; meanwhile
    // a new commune's field work keeps arriving (before, during and after the switch).
    const newcomer = new FieldStream('16282', '38');
    const newcomerVillage = newcomer.village('THON-1', 'Thôn 1');
    let served = 0;
    let running = true;
    let published = 0;
    void exited.then(() => (running = false));
    while (running) {
      const during = await progress(communeCampaign);
      expect(during.status).toBe(200);
      expect(indicator(during.body, 'cccd_applications').achieved).toBe(10033);
      served += 1;
      const from = newcomer.events.length;
      for (let i = 0; i < 5; i += 1) newcomer.enrollment(newcomer.resident(newcomer.household(newcomerVillage, '2026-07-01'), newcomerVillage, 1985, 3), 'cccd', [['applied', '2026-07-28']]);
      await publish(prefix, newcomer.events.slice(from));
      published += 5;
    }
    expect(await exited).toBe(0);
    expect(served).toBeGreaterThan(0);
    expect(stderr).toMatch(/rebuild \[#+\]/);
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { schema: string; previous: string; eventsApplied: number; eventsInTopics: number };
    expect(result.previous).toBe(live);
    expect(result.schema).not.toBe(live);
    expect(result.eventsApplied).toBeGreaterThanOrEqual(distinctEvents);
    expect(result.eventsApplied).toBeLessThanOrEqual(distinctEvents + newcomer.events.length);
    const [{ schema_name: now }] = await query<{ schema_name: string }>(`select schema_name from "t_${runId}_reporting".projection_generations where state = 'active'`);
    expect(now).toBe(result.schema);

    // Nothing that arrived during the rebuild is lost or counted twice: the newcomer's every
    // application shows, once, in the rebuilt generation.
    await eventually(
      async () => {
        const province = (await request<ProvinceProgress>('GET', `${reporting.url}/campaigns/${provinceCampaign}/province-progress?asOf=${END}`, officer)).body;
        expect(province.communes.find((c) => c.communeCode === '16282')?.indicators[0]).toMatchObject({ achieved: published, target: published });
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );
    const newcomerIds = newcomer.events.map((event) => event.id);
    const [{ inNew }] = await query<{ inNew: number }>(`select count(*)::int as "inNew" from (select unnest(event_ids) as id from "${result.schema}".applied_batches) applied where id = any($1::uuid[])`, [
      newcomerIds,
    ]);
    expect(inNew).toBe(newcomerIds.length);

    // Table by table, the rebuilt generation holds exactly what the live one had (the
    // newcomer's rows aside: the old generation stopped receiving events at the switch).
    const others = "commune_code <> '16282'";
    const tables: Record<string, [columns: string, where: string]> = {
      enrollment_state_daily: ['*', others],
      resident_support_daily: ['*', others],
      resident_enrollments: ['*', others],
      field_daily: ['*', others],
      training_daily: ['*', others],
      village_population: ['*', others],
      village_facts: ['*', others],
      village_obstacles: ['*', others],
      household_facts: ['*', others],
      resident_facts: ['*', others],
      organisation_facts: ['*', others],
      teams: ['*', others],
      team_members: ['*', 'true'],
      known_communes: ['*', "code <> '16282'"],
      village_households: ['commune_code, village_id, province_code, village_code, village_name, households, last_event_at', others],
    };
    for (const [table, [columns, where]] of Object.entries(tables)) {
      const [diff] = await query<{ missing: number; extra: number; total: number }>(
        `select (select count(*)::int from (select ${columns} from "${live}".${table} where ${where} except all select ${columns} from "${result.schema}".${table} where ${where}) d) as missing,
                (select count(*)::int from (select ${columns} from "${result.schema}".${table} where ${where} except all select ${columns} from "${live}".${table} where ${where}) d) as extra,
                (select count(*)::int from "${live}".${table} where ${where}) as total`,
        where.includes('$1') ? [newcomerIds] : [],
      );
      expect({ table, ...diff, total: diff.total > 0 }).toEqual({ table, missing: 0, extra: 0, total: true });
    }
    // And the same events applied, each once (the batches differ: the rebuild reads bigger ones).
    const appliedIds = (generation: string) => `select consumer, unnest(event_ids) as id from "${generation}".applied_batches`;
    const [ids] = await query<{ missing: number; extra: number; total: number }>(
      `select (select count(*)::int from (${appliedIds(live)} except all ${appliedIds(result.schema)}) d where id <> all($1::uuid[])) as missing,
              (select count(*)::int from (${appliedIds(result.schema)} except all ${appliedIds(live)}) d where id <> all($1::uuid[])) as extra,
              (select count(*)::int from (${appliedIds(live)}) d) as total`,
      [newcomerIds],
    );
    expect({ ...ids, total: ids.total > 0 }).toEqual({ missing: 0, extra: 0, total: true });
    expect(await reads()).toEqual(before);
  }, 240000);
});
