import { CommuneOnboardedV1, createEvent, EnrollmentStepReviewedV1, PlanPublishedV1, TeamFormedV1, TeamMemberJoinedV1, TeamRenamedV1, VillageRegisteredV1, VillageRenamedV1, VisitReviewedV1, VisitRecordedV1, type EventData } from '@dtc/contracts';
import { addDays, vietnamToday } from '@dtc/platform';
import { at, deleteTestTopics, dropTestSchemas, eventually, FieldStream, newRunId, publish, query, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { request } from '../../support/http';
import { runOpsCli } from '../../support/ops-cli';
import { activeProjectionSchema, startServices, type RunningService } from '../../support/services';

// Issue 17: a team's micro-plan (two versions) against the visits and enrollments it recorded,
// verified-only figures after a commune admin's reviews, commendations with their CSV/XLSX,
// team and village names, and the same figures after a rebuild from the topics. Events are
// sent through the real broker as the registry, enrollment and training services publish them.
const runId = newRunId();
const COMMUNE = '10093';
const PROVINCE = '38';
const TODAY = vietnamToday();
const day = (offset: number) => addDays(TODAY, offset);
const admin = testToken({ sub: 'admin-10093', role: 'commune_admin', communes: [COMMUNE] });
const agent = testToken({ sub: 'agent-10093', role: 'field_agent', communes: [COMMUNE] });
const otherAdmin = testToken({ sub: 'admin-10094', role: 'commune_admin', communes: ['10094'] });
const integrator = testToken({ sub: 'integrator-38', role: 'integrator', province: PROVINCE });

interface Pace { planned: number | null; done: number; plannedSoFar: number | null; doneSoFar: number; behindPlan: boolean | null; runRate: number | null; requiredRate: number | null }
interface Group { teamId?: string | null; teamName?: string | null; memberId?: string | null; villageName?: string | null; day?: string; days: Array<{ day: string; households: { planned: number | null; done: number } }>; households: Pace; enrollments: Array<Pace & { serviceCode: string }> }
interface DataAsOf { streams: Array<{ stream: string; newestEventAt: string | null; eventsApplied: number; lag: number | null }>; oldestStreamAt: string | null }
interface Progress { groups: Group[]; from: string; to: string; today: string; dataAsOf: DataAsOf }
interface Commendations { teams: Array<Record<string, unknown>>; members: Array<Record<string, unknown>>; dataAsOf: DataAsOf }
const STREAMS = ['household-registry.events', 'enrollment.events', 'training.events'];
/** The figures, not how fresh they are (stream heads and lag move on, and differ per generation). */
const figuresOf = <T extends object>(report: T): Omit<T, 'dataAsOf'> => {
  const { dataAsOf: _freshness, ...figures } = report as T & { dataAsOf?: unknown };
  return figures;
};
/** X-Data-As-Of with an event time for every stream (all three streams have events here). */
const DATA_AS_OF_HEADER = /^household-registry\.events=\d{4}-\d\d-\d\dT[^;]+;lag=\d+, enrollment\.events=\d{4}-\d\d-\d\dT[^;]+;lag=\d+, training\.events=\d{4}-\d\d-\d\dT[^;]+;lag=\d+$/;

describe('plan progress and commendations', () => {
  let reporting: RunningService;
  let stop: () => Promise<void>;
  const stream = new FieldStream(COMMUNE, PROVINCE);
  const teamId = randomUUID();
  const [m1, m2] = [randomUUID(), randomUUID()];
  const village = stream.village('THON-1', 'Thôn 1');
  const visits: Array<EventData<typeof VisitRecordedV1>> = [];
  const origin = (subject: string, time: string) => ({ tenant: COMMUNE, province: PROVINCE, subject, time });
  const from = day(-3);
  const to = day(3);

  const get = <T>(path: string, token = admin) => request<T>('GET', `${reporting.url}${path}`, token);
  const progress = async (extra = '') => (await get<Progress>(`/communes/${COMMUNE}/plan-progress?from=${from}&to=${to}${extra}`)).body;

  beforeAll(async () => {
    ({ services: { reporting }, stop } = (await startServices(runId, ['reporting'])) as never);
    const planId = randomUUID();
    const plan = (version: number, householdsPerDay: number, publishedOn: string) =>
      createEvent(PlanPublishedV1, origin(planId, at(publishedOn)), {
        planId, version, teamId, startsOn: from, endsOn: to, villageIds: [village.id], householdIds: [], householdsPerDay, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 1 }], occurredAt: at(publishedOn),
      });
    const events = [
      createEvent(CommuneOnboardedV1, origin(COMMUNE, at(day(-10))), { communeCode: COMMUNE, communeName: 'Xã Thử Nghiệm', provinceCode: PROVINCE, provinceName: 'Thanh Hóa', occurredAt: at(day(-10)) }),
      createEvent(VillageRegisteredV1, origin(COMMUNE, at(day(-10))), { villageId: village.id, communeCode: COMMUNE, villageCode: 'THON-1', villageName: 'Thôn Đông', occurredAt: at(day(-10)) }),
      createEvent(VillageRenamedV1, origin(COMMUNE, at(day(-9))), { villageId: village.id, communeCode: COMMUNE, villageName: 'Thôn Đông Tiến', occurredAt: at(day(-9)) }),
      createEvent(TeamFormedV1, origin(teamId, at(day(-8))), { teamId, teamName: 'Tổ 1', kind: 'mobile_working_group', activeFrom: day(-8), occurredAt: at(day(-8)) }),
      createEvent(TeamRenamedV1, origin(teamId, at(day(-7))), { teamId, teamName: 'Tổ công tác số 1', occurredAt: at(day(-7)) }),
      ...[m1, m2].map((memberId) => createEvent(TeamMemberJoinedV1, origin(teamId, at(day(-8))), { teamId, memberId, affiliation: 'youth_union', occurredAt: at(day(-8)) })),
      // Version 1 (2 households a day) from the plan's first day; version 2 (4 a day) from yesterday.
      plan(1, 2, day(-5)),
      plan(2, 4, day(-1)),
      // A late copy of version 1 must not roll the plan back.
      plan(1, 2, day(-5)),
    ];
    await publish(`t-${runId}.`, events);
    // Field work: m1 visits two households on day -3 and one on day -2, m2 one on day -3.
    for (const [member, visitDay] of [[m1, day(-3)], [m1, day(-3)], [m2, day(-3)], [m1, day(-2)]] as const) {
      stream.visit(stream.household(village, day(-20)), village, visitDay, [], { teamId, memberId: member });
      visits.push(stream.events.at(-1)!.data as EventData<typeof VisitRecordedV1>);
    }
    const resident = stream.resident(stream.household(village, day(-20)), village, 1990, 5);
    const [opened] = stream.enrollment(resident, 'vneid_level2', [['registered', day(-3)], ['activated', day(-2)]], { teamId, memberId: m1 });
    await publish(`t-${runId}.`, stream.events);
    // Reviews: one visit verified, one verified then returned; the opening step verified.
    const review = (visit: EventData<typeof VisitRecordedV1>, verdict: 'verified' | 'returned', hour: number) =>
      createEvent(VisitReviewedV1, origin(visit.householdId, at(TODAY, hour)), {
        visitId: visit.visitId, householdId: visit.householdId, villageId: visit.villageId, teamId, memberId: visit.memberId, verdict, ...(verdict === 'returned' ? { reason: 'Thiếu ảnh' } : {}), visitedAt: visit.occurredAt, occurredAt: at(day(-1), hour),
      });
    const openedData = opened.data as EventData<typeof EnrollmentStepReviewedV1>;
    await publish(`t-${runId}.`, [
      review(visits[0], 'verified', 8),
      review(visits[1], 'verified', 8),
      review(visits[1], 'returned', 9),
      createEvent(EnrollmentStepReviewedV1, origin(openedData.enrollmentId, at(day(-1))), {
        enrollmentId: openedData.enrollmentId, serviceCode: 'vneid_level2', subjectType: 'resident', residentId: resident.id, villageId: village.id, teamId, memberId: m1,
        stepNumber: 1, stepState: 'registered', stepOccurredAt: at(day(-3)), verdict: 'verified', occurredAt: at(day(-1)), recordedAt: at(day(-1)),
      }),
    ]);
  }, 120000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  const expectTeamFigures = async () => {
    const body = await progress();
    const team = body.groups.find((g) => g.teamId === teamId)!;
    expect(team.teamName).toBe('Tổ công tác số 1');
    // Planned: 2 + 2 (version 1) then 4 a day from yesterday to the plan's last day.
    expect(team.days.map((d) => d.households.planned)).toEqual([2, 2, 4, 4, 4, 4, 4]);
    expect(team.days.map((d) => d.households.done)).toEqual([3, 1, 0, 0, 0, 0, 0]);
    expect(team.households).toEqual({ planned: 24, done: 4, plannedSoFar: 12, doneSoFar: 4, behindPlan: true, runRate: 1, requiredRate: 6.67 });
    expect(team.enrollments).toEqual([{ serviceCode: 'vneid_level2', planned: 7, done: 1, plannedSoFar: 4, doneSoFar: 1, behindPlan: true, runRate: 0.25, requiredRate: 2 }]);
  };

  it('shows planned against done per team, with the team’s name, behind-plan flag, run rate and required rate', async () => {
    await eventually(expectTeamFigures, { timeoutMs: 60000, intervalMs: 300 });
    // And how fresh that is: every source stream has applied events (plans and teams come from training).
    const { dataAsOf } = await progress();
    expect(dataAsOf.streams.map((s) => s.stream)).toEqual(STREAMS);
    for (const stream of dataAsOf.streams) expect({ stream: stream.stream, newest: stream.newestEventAt !== null, applied: stream.eventsApplied > 0 }).toEqual({ stream: stream.stream, newest: true, applied: true });
    expect(dataAsOf.oldestStreamAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('groups by member (done only: plans are team-level), by village (with its current name) and by day', async () => {
    const byMember = await progress('&groupBy=member');
    const member = (id: string) => byMember.groups.find((g) => g.memberId === id)!;
    expect([member(m1).households.done, member(m2).households.done]).toEqual([3, 1]);
    expect(member(m1).households).toMatchObject({ planned: null, behindPlan: null, requiredRate: null });
    expect(member(m1).teamName).toBe('Tổ công tác số 1');
    const byVillage = await progress('&groupBy=village');
    expect(byVillage.groups.map((g) => [g.villageName, g.households.done])).toEqual([['Thôn Đông Tiến', 4]]);
    const byDay = await progress('&groupBy=day');
    expect(byDay.groups.map((g) => [g.day, g.days[0].households.planned, g.days[0].households.done])).toEqual([[day(-3), 2, 3], [day(-2), 2, 1], [day(-1), 4, 0], [TODAY, 4, 0], [day(1), 4, 0], [day(2), 4, 0], [day(3), 4, 0]]);
    // Reports listing villages use the village projection's name too.
    const households = await get<{ villages: Array<{ villageName: string }> }>(`/communes/${COMMUNE}/households-by-village`);
    expect(households.body.villages.map((v) => v.villageName)).toEqual(['Thôn Đông Tiến']);
  });

  it('counts only verified work when asked (a returned visit is taken back)', async () => {
    await eventually(async () => {
      const team = (await progress('&verifiedOnly=true')).groups.find((g) => g.teamId === teamId)!;
      expect(team.days.map((d) => d.households.done)).toEqual([1, 0, 0, 0, 0, 0, 0]);
      expect(team.enrollments[0]).toMatchObject({ done: 1 });
    }, { timeoutMs: 30000, intervalMs: 300 });
  });

  it('ranks teams and individuals with the figures behind the ranking, as JSON, CSV and XLSX', async () => {
    const body = (await get<Commendations>(`/communes/${COMMUNE}/commendations?from=${from}&to=${to}`, agent)).body;
    expect(body.teams).toEqual([{ rank: 1, teamId, teamName: 'Tổ công tác số 1', householdsVisited: 4, enrollmentsOpened: 1, enrollmentsCompleted: 1, plannedHouseholds: 12, percentOfPlan: 33.3 }]);
    expect(body.members.map((m) => [m.rank, m.memberId, m.householdsVisited, m.enrollmentsOpened, m.enrollmentsCompleted])).toEqual([[1, m1, 3, 1, 1], [2, m2, 1, 0, 0]]);
    const verified = (await get<Commendations>(`/communes/${COMMUNE}/commendations?from=${from}&to=${to}&verifiedOnly=true&limit=1`)).body;
    expect(verified.members.map((m) => [m.memberId, m.householdsVisited])).toEqual([[m1, 1]]);
    expect(body.dataAsOf.streams.map((s) => s.stream)).toEqual(STREAMS);
    expect(body.dataAsOf.oldestStreamAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const csv = await fetch(`${reporting.url}/communes/${COMMUNE}/commendations.csv?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('Hạng / Rank,Tổ / Team');
    expect(text).toContain(`1,Tổ công tác số 1,${teamId},4,1,1,12,33.3`);
    expect(text).toContain(`2,${m2},Tổ công tác số 1,${teamId},1,0,0`);
    // Data as of: the header, and its own section after the rankings.
    expect(csv.headers.get('x-data-as-of')).toMatch(DATA_AS_OF_HEADER);
    expect(text).toContain('# Số liệu cập nhật đến\r\nLuồng dữ liệu / Source stream,Sự kiện mới nhất / Newest event');
    expect(text).toMatch(/\r\ntraining\.events,\d{4}-\d\d-\d\dT[^,]+,\d{4}-\d\d-\d\dT[^,]+,\d+\r\n/);
    const xlsx = await fetch(`${reporting.url}/communes/${COMMUNE}/commendations.xlsx?from=${from}&to=${to}&lang=en`, { headers: { authorization: `Bearer ${admin}` } });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(xlsx.headers.get('x-data-as-of')).toMatch(DATA_AS_OF_HEADER);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Top teams', 'Top individuals', 'Data as of']);
    const asOf = workbook.getWorksheet('Data as of')!.getSheetValues().filter(Boolean) as unknown[][];
    expect(asOf.map((row) => row[1])).toEqual(['Source stream / Luồng dữ liệu', ...STREAMS]);
    const rows = workbook.getWorksheet('Top teams')!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows[0][1]).toBe('Rank / Hạng');
    expect(rows[1].slice(1)).toEqual([1, 'Tổ công tác số 1', teamId, 4, 1, 1, 12, 33.3]);
  });

  it('keeps the commune to its own scope and names no one', async () => {
    expect((await get(`/communes/${COMMUNE}/plan-progress`, otherAdmin)).status).toBe(404);
    expect((await get(`/communes/${COMMUNE}/commendations`, integrator)).status).toBe(403);
    const bad = await get<{ errors?: Array<{ field: string }> }>(`/communes/${COMMUNE}/plan-progress?from=${to}&to=${from}`);
    expect(bad.status).toBe(422);
  });

  it('answers the same after a rebuild from the topics, table by table', async () => {
    const reports = async () => ({
      team: figuresOf(await progress()),
      verified: figuresOf(await progress('&verifiedOnly=true')),
      commendations: figuresOf((await get<Commendations>(`/communes/${COMMUNE}/commendations?from=${from}&to=${to}`)).body),
    });
    const before = await reports();
    const live = await activeProjectionSchema(reporting);
    const rebuilt = await runOpsCli(['rebuild'], { REPORTING_URL: reporting.url, JWT_SECRET: TEST_JWT_SECRET, TOPIC_PREFIX: `t-${runId}.`, DATABASE_SCHEMA: reporting.schema });
    expect({ code: rebuilt.code, stderr: rebuilt.code === 0 ? '' : rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
    const now = await activeProjectionSchema(reporting);
    expect(now).not.toBe(live);
    const tables: Record<string, string> = {
      villages: 'true',
      teams: 'true',
      plan_versions: 'true',
      visit_reviews: 'true',
      enrollment_step_reviews: 'true',
      // A verified-then-returned visit leaves a zero row when the two came in separate batches.
      work_daily: 'value <> 0',
    };
    for (const [table, where] of Object.entries(tables)) {
      const [diff] = await query<{ missing: number; extra: number; total: number }>(
        `select (select count(*)::int from (select * from "${live}".${table} where ${where} except all select * from "${now}".${table} where ${where}) d) as missing,
                (select count(*)::int from (select * from "${now}".${table} where ${where} except all select * from "${live}".${table} where ${where}) d) as extra,
                (select count(*)::int from "${live}".${table} where ${where}) as total`,
      );
      expect({ table, ...diff, total: diff.total > 0 }).toEqual({ table, missing: 0, extra: 0, total: true });
    }
    const after = await reports();
    expect(after).toEqual(before);
  }, 180000);
});
