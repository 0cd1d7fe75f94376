import { randomUUID } from 'node:crypto';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { startServices, type RunningService } from '../../support/services';

// Training and field teams through the HTTP API, fed by the registry's real events.
const runId = newRunId();
const commune = '50001';
const admin = testToken({ sub: 'admin-50001', role: 'commune_admin', communes: [commune] });
const agent = testToken({ sub: 'agent-50001', role: 'field_agent', communes: [commune] });
const outsider = testToken({ sub: 'admin-50002', role: 'commune_admin', communes: ['50002'] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });

interface Team {
  id: string;
  villageIds: string[];
  memberships: Array<{ memberId: string; leftAt: string | null }>;
}
interface Session {
  id: string;
  state: string;
  attendees: number;
}
interface Attendance {
  recorded: number;
  results: Array<{ index: number; status: number; reason?: string; walkInId?: string }>;
}

describe('training and field teams API', () => {
  let registry: RunningService;
  let training: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let villageId: string;
  let foreignVillageId: string;
  let residentId: string;
  let trainerId: string;
  const url = (path: string) => `${training.url}${path}`;
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600000).toISOString();
  const session = (extra: Record<string, unknown> = {}) => ({
    communeCode: commune,
    topicCode: 'vneid',
    audience: 'residents',
    venueType: 'village_cultural_house',
    venueName: 'Nhà văn hóa thôn 1',
    villageId,
    startsAt: hoursFromNow(-2),
    endsAt: hoursFromNow(-1),
    capacity: 3,
    trainerMemberIds: [trainerId],
    ...extra,
  });

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, training, reporting }, stop } = (await startServices(runId, ['household-registry', 'training', 'reporting'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1']);
    await onboardCommune(registry.url, '50002', '39', ['THON-9']);
    const household = await request<{ id: string; villageId: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    villageId = household.body.villageId;
    const foreign = await request<{ villageId: string }>('POST', `${registry.url}/households`, outsider, householdBody('50002', 'THON-9'));
    foreignVillageId = foreign.body.villageId;
    const resident = await request<{ id: string }>('POST', `${registry.url}/residents`, agent, {
      householdId: household.body.id,
      fullName: 'Lò Thị Xuân',
      dateOfBirth: '1985-04-04',
      sex: 'female',
      ethnicity: 'Thái',
      relationshipToHead: 'spouse',
    });
    residentId = resident.body.id;
    // Villages are no longer taken on trust: wait until training knows both from the registry's events.
    await eventually(async () => {
      const known = await query(`select 1 from "${training.schema}".known_residents where id = $1 union all select 1 from "${training.schema}".known_villages where id = any($2::uuid[])`, [residentId, [villageId, foreignVillageId]]);
      expect(known).toHaveLength(3);
    });
    const team = await request<Team>('POST', url('/teams'), admin, { communeCode: commune, name: 'Tổ công nghệ số cộng đồng thôn 1', kind: 'community_digital_team', activeFrom: '2026-07-01' });
    const joined = await request<Team>('POST', url(`/teams/${team.body.id}/members`), admin, { fullName: 'Hà Văn Tuấn', affiliation: 'digital_technology_team' });
    trainerId = joined.body.memberships[0].memberId;
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('forms teams whose members join and leave with history, and assigns villages of the commune', async () => {
    const team = await request<Team>('POST', url('/teams'), admin, { communeCode: commune, name: 'Tổ công tác lưu động số 1', kind: 'mobile_working_group', activeFrom: '2026-07-21', activeTo: '2026-08-31', villageIds: [villageId] });
    expect(team.status).toBe(201);
    expect(team.body.villageIds).toEqual([villageId]);
    const joined = await request<Team>('POST', url(`/teams/${team.body.id}/members`), admin, { fullName: 'Trần Văn Công an', affiliation: 'commune_police' });
    const memberId = joined.body.memberships[0].memberId;
    expect((await request('POST', url(`/teams/${team.body.id}/members`), admin, { memberId })).status).toBe(409);
    expect((await request('POST', url(`/teams/${team.body.id}/members/${memberId}/leave`), admin, {})).status).toBe(200);
    const rejoined = await request<Team>('POST', url(`/teams/${team.body.id}/members`), admin, { memberId });
    expect(rejoined.body.memberships.map((m) => [m.memberId, m.leftAt === null])).toEqual([
      [memberId, false],
      [memberId, true],
    ]);
    const foreign = await request<{ fields: Array<{ field: string }> }>('PUT', url(`/teams/${team.body.id}/villages`), admin, { villageIds: [villageId, foreignVillageId] });
    expect(foreign.status).toBe(422);
    expect((await request('POST', url('/teams'), admin, { communeCode: commune, name: 'X', kind: 'choir', activeFrom: 'soon' })).status).toBe(400);
    expect((await request('POST', url('/teams'), agent, { communeCode: commune, name: 'Tổ B', kind: 'mobile_working_group', activeFrom: '2026-07-21' })).status).toBe(403);
  });

  it('refuses attendance for a future or cancelled session, and cancels only scheduled ones', async () => {
    const future = await request<Session>('POST', url('/sessions'), agent, session({ startsAt: hoursFromNow(24), endsAt: hoursFromNow(26) }));
    expect(future.status).toBe(201);
    const early = await request<{ message: string }>('POST', url(`/sessions/${future.body.id}/attendance`), agent, { attendees: [{ residentId, outcome: 'attended' }] });
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/not started/);
    expect((await request('POST', url(`/sessions/${future.body.id}/held`), agent, {})).status).toBe(409);
    const cancelled = await request<Session>('POST', url(`/sessions/${future.body.id}/cancel`), agent, { reason: 'Mưa bão' });
    expect(cancelled.body.state).toBe('cancelled');
    const late = await request<{ message: string }>('POST', url(`/sessions/${future.body.id}/attendance`), agent, { attendees: [{ residentId, outcome: 'attended' }] });
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/cancelled/);
    expect((await request('POST', url('/sessions'), agent, session({ topicCode: 'juggling' }))).status).toBe(422);
    expect((await request('POST', url('/sessions'), agent, session({ trainerMemberIds: [randomUUID()] }))).status).toBe(422);
  });

  it('records bulk attendance for residents and walk-ins: once per person, never over capacity', async () => {
    const held = await request<Session>('POST', url('/sessions'), agent, session({ capacity: 3 }));
    const first = await request<Attendance>('POST', url(`/sessions/${held.body.id}/attendance`), agent, {
      attendees: [
        { residentId, outcome: 'skill_check_passed' },
        { walkIn: { fullName: 'Hà Thị Mai', birthYear: 1978, sex: 'female' }, outcome: 'completed' },
        { residentId, outcome: 'attended' },
        { walkIn: { fullName: 'hà thị mai', birthYear: 1978 }, outcome: 'attended' },
        { walkIn: { fullName: 'Vi Văn Nam' }, outcome: 'attended' },
        { walkIn: { fullName: 'Quá Chỗ' }, outcome: 'attended' },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => r.status)).toEqual([201, 201, 409, 409, 201, 409]);
    expect(first.body.results[2].reason).toMatch(/already recorded/);
    expect(first.body.results[5].reason).toMatch(/full/);
    expect(first.body.recorded).toBe(3);
    // A walk-in recorded by an earlier request is refused too; the same name with another birth year is someone else.
    const roomy = await request<Session>('POST', url('/sessions'), agent, session({ capacity: 10 }));
    const before = await request<Attendance>('POST', url(`/sessions/${roomy.body.id}/attendance`), agent, { attendees: [{ walkIn: { fullName: 'Lò Thị Hoa', birthYear: 1990 }, outcome: 'attended' }] });
    expect(before.body.results.map((r) => r.status)).toEqual([201]);
    const again = await request<Attendance>('POST', url(`/sessions/${roomy.body.id}/attendance`), agent, {
      attendees: [
        { walkIn: { fullName: 'LÒ THỊ HOA', birthYear: 1990 }, outcome: 'completed' },
        { walkIn: { fullName: 'Lò Thị Hoa', birthYear: 1991 }, outcome: 'attended' },
        { walkIn: { fullName: 'lò thị hoa', birthYear: 1991 }, outcome: 'attended' },
      ],
    });
    expect(again.body.results.map((r) => r.status)).toEqual([409, 201, 409]);
    expect(again.body.results[0].reason).toMatch(/same walk-in name and birth year/);
    expect(again.body.recorded).toBe(2);
    expect((await request<Session>('POST', url(`/sessions/${held.body.id}/held`), agent, {})).body.state).toBe('held');
    const walkInId = first.body.results[1].walkInId!;
    expect((await request('POST', url(`/walk-ins/${walkInId}/link`), agent, { residentId })).status).toBe(200);
    expect((await request('POST', url(`/walk-ins/${walkInId}/link`), agent, { residentId })).status).toBe(409);
    const events = await collectTopic(`t-${runId}.training.events`, `t-${runId}.probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const attendance = events.messages.filter((m) => m.message.headers?.ce_type?.toString() === 'vn.dtc.training.attendance.recorded.v1' && m.message.key?.toString() === held.body.id);
        expect(attendance).toHaveLength(3);
        const data = attendance.map((m) => JSON.parse(m.message.value!.toString()).data);
        expect(data.map((d) => d.outcome).sort()).toEqual(['attended', 'completed', 'skill_check_passed']);
        expect(data.every((d) => d.audience === 'residents' && d.topicCode === 'vneid' && d.villageId === villageId)).toBe(true);
      });
      const all = events.messages.map((m) => m.message.value!.toString()).join('\n');
      for (const name of ['Hà Thị Mai', 'Vi Văn Nam', 'Hà Văn Tuấn', 'Trần Văn Công an']) expect(all).not.toContain(name);
    } finally {
      await events.stop();
    }
  });

  it('keeps topics, teaching points and sessions as data with their own rules', async () => {
    expect((await request('POST', url('/topics'), agent, { code: 'digital_farming', nameVi: 'Nông nghiệp số', nameEn: 'Digital farming' })).status).toBe(403);
    expect((await request('POST', url('/topics'), officer, { code: `farming_${runId.slice(-4)}`, nameVi: 'Nông nghiệp số', nameEn: 'Digital farming' })).status).toBe(201);
    const topics = await request<Array<{ code: string }>>('GET', url('/topics'), agent);
    expect(topics.body.map((t) => t.code)).toEqual(expect.arrayContaining(['online_public_services', 'vneid', 'cashless_qr', 'bills_online', 'selling_online', 'fraud_prevention', 'ai_for_officials']));
    const point = await request<{ id: string }>('POST', url('/teaching-points'), admin, { communeCode: commune, name: 'Điểm dạy học lưu động chợ', address: 'Sân chợ', weekdays: [6, 7], startTime: '19:00', durationMinutes: 90, activeFrom: '2026-07-01' });
    expect(point.status).toBe(201);
    expect((await request('POST', url('/teaching-points'), admin, { communeCode: commune, name: 'Sai', address: 'X', weekdays: [8], startTime: '25:00', durationMinutes: 5, activeFrom: '2026-07-01' })).status).toBe(400);
    const atPoint = await request<Session>('POST', url('/sessions'), agent, session({ venueType: 'mobile_teaching_point', teachingPointId: point.body.id }));
    expect(atPoint.status).toBe(201);
    const listed = await request<Array<{ id: string }>>('GET', url(`/teaching-points?communeCode=${commune}`), agent);
    expect(listed.body.map((p) => p.id)).toContain(point.body.id);
  });

  it('syncs offline training commands once: a retry returns the same results and records nobody twice', async () => {
    const scheduleId = randomUUID();
    const items = [
      { clientId: scheduleId, command: 'session.schedule', occurredAt: hoursFromNow(-3), payload: session({ capacity: 30 }) },
      { clientId: randomUUID(), command: 'attendance.record', occurredAt: hoursFromNow(-1), refs: { target: scheduleId }, payload: { attendees: [{ residentId, outcome: 'completed' }, { walkIn: { fullName: 'Lường Văn Khách' }, outcome: 'attended' }] } },
      { clientId: randomUUID(), command: 'session.hold', occurredAt: hoursFromNow(-1), refs: { target: scheduleId }, payload: {} },
    ];
    const attendance = async () => (await query<{ n: number }>(`select count(*)::int as n from "${training.schema}".attendance`))[0].n;
    const before = await attendance();
    const first = await request<{ results: Array<{ status: number; body: unknown }> }>('POST', url('/sync'), agent, { items });
    expect(first.body.results.map((r) => r.status)).toEqual([201, 200, 200]);
    const retry = await request<{ results: Array<{ status: number; body: unknown; replayed: boolean }> }>('POST', url('/sync'), agent, { items });
    expect(retry.body.results.map((r) => r.body)).toEqual(first.body.results.map((r) => r.body));
    expect(await attendance()).toBe(before + 2);
    const formByAgent = await request<{ results: Array<{ status: number }> }>('POST', url('/sync'), agent, {
      items: [{ clientId: randomUUID(), command: 'team.form', occurredAt: hoursFromNow(-1), payload: { communeCode: commune, name: 'Tổ tự lập', kind: 'mobile_working_group', activeFrom: '2026-07-21' } }],
    });
    expect(formByAgent.body.results[0].status).toBe(403);
  });

  it('keeps communes apart', async () => {
    const team = await request<Team>('POST', url('/teams'), admin, { communeCode: commune, name: 'Tổ riêng', kind: 'mobile_working_group', activeFrom: '2026-07-21' });
    const held = await request<Session>('POST', url('/sessions'), agent, session());
    expect((await request('GET', url(`/teams/${team.body.id}`), outsider)).status).toBe(404);
    expect((await request('POST', url(`/teams/${team.body.id}/members`), outsider, { fullName: 'Kẻ lạ', affiliation: 'official' })).status).toBe(404);
    expect((await request('GET', url(`/sessions/${held.body.id}`), outsider)).status).toBe(404);
    expect((await request('POST', url(`/sessions/${held.body.id}/attendance`), outsider, { attendees: [{ residentId, outcome: 'attended' }] })).status).toBe(404);
    expect((await request('POST', url('/sessions'), outsider, session())).status).toBe(403);
    expect((await request('GET', url(`/sessions?communeCode=${commune}`), outsider)).status).toBe(403);
    expect((await request('GET', url(`/teams?communeCode=${commune}`), officer)).status).toBe(200);
  });

  it('describes every endpoint with a summary and responses, and every schema field with an example', async () => {
    const gaps = openApiGaps((await request<OpenApiDocument>('GET', url('/docs-json'))).body);
    expect(gaps.operations).toBeGreaterThanOrEqual(15);
    expect([gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample]).toEqual([[], [], []]);
  });

  it('feeds the reporting projection: sessions held and attendance by topic and audience', async () => {
    const [{ held }] = await query<{ held: number }>(`select count(*)::int as held from "${training.schema}".sessions where state = 'held' and commune_code = $1`, [commune]);
    const [{ attended, passed }] = await query<{ attended: number; passed: number }>(
      `select count(*)::int as attended, count(*) filter (where a.outcome = 'skill_check_passed')::int as passed
       from "${training.schema}".attendance a join "${training.schema}".sessions s on s.id = a.session_id where s.commune_code = $1`,
      [commune],
    );
    expect(held).toBeGreaterThanOrEqual(2);
    await eventually(async () => {
      const report = await request<{ total: { sessionsHeld: number; attendees: number; passed: number }; rows: Array<{ topicCode: string; audience: string }> }>('GET', `${reporting.url}/communes/${commune}/training`, admin);
      expect(report.body.total).toMatchObject({ sessionsHeld: held, attendees: attended, passed });
      expect(report.body.rows.map((r) => `${r.topicCode}/${r.audience}`)).toContain('vneid/residents');
    });
    expect((await request('GET', `${reporting.url}/communes/${commune}/training`, outsider)).status).toBe(404);
  });
});
