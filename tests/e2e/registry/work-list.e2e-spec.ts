import { addDays, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// The phones' work list, served by the registry from its own data and what it learns from the
// training (teams, plans) and enrollment events through the real broker.
const runId = newRunId();
const commune = '50091';
const other = '50092';
const admin = testToken({ sub: 'admin-50091', role: 'commune_admin', communes: [commune] });
const otherAdmin = testToken({ sub: 'admin-50092', role: 'commune_admin', communes: [other] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const ops = testToken({ sub: 'ops-1', role: 'operations' });

interface Item {
  householdId: string;
  removed: boolean;
  household?: { id: string; villageCode: string; headName: string; version: number };
  residents?: Array<{ id: string; fullName: string; eligible14: boolean; enrollments: Array<{ serviceCode: string; state: string; open: boolean }>; todos: string[] }>;
  visit?: { status: string; obstacles: string[] };
  todos?: string[];
}
interface Page {
  day: string;
  items: Item[];
  reset: boolean;
  hasMore: boolean;
  next: string | null;
  cursor: string;
}

describe('work list (GET /work-list)', () => {
  let registry: RunningService;
  let training: RunningService;
  let enrollment: RunningService;
  let stop: () => Promise<void>;
  let agent: string;
  let strangerAgent: string;
  let teamId: string;
  const households: Record<string, string> = {};
  let adultId: string;
  const workList = (token: string, params: Record<string, string | number> = {}) =>
    request<Page & { fields?: Array<{ field: string }> }>('GET', `${registry.url}/work-list?${new URLSearchParams({ communeCode: commune, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) })}`, token);
  const ids = (page: Page) => page.items.map((item) => item.householdId).sort();

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, training, enrollment }, stop } = (await startServices(runId, ['household-registry', 'training', 'enrollment'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1', 'THON-2', 'THON-3']);
    await onboardCommune(registry.url, other, '39', ['THON-9']);
    const register = async (name: string, token: string, communeCode: string, village: string) => {
      const created = await request<{ id: string; villageId: string }>('POST', `${registry.url}/households`, token, householdBody(communeCode, village, { headName: `Chủ hộ ${name}` }));
      expect(created.status).toBe(201);
      households[name] = created.body.id;
      return created.body.villageId;
    };
    const thon1 = await register('planned1', admin, commune, 'THON-1');
    await register('planned2', admin, commune, 'THON-1');
    const thon2 = await register('assigned', admin, commune, 'THON-2');
    const thon3 = await register('listed', admin, commune, 'THON-3');
    await register('later', admin, commune, 'THON-3');
    await register('foreign', otherAdmin, other, 'THON-9');
    const adult = await request<{ id: string }>('POST', `${registry.url}/residents`, admin, {
      householdId: households.planned1, fullName: 'Lò Thị Xuân', dateOfBirth: '1985-04-04', sex: 'female', ethnicity: 'Thái', relationshipToHead: 'spouse',
    });
    adultId = adult.body.id;
    const child = await request('POST', `${registry.url}/residents`, admin, {
      householdId: households.planned1, fullName: 'Lò Văn Nhỏ', dateOfBirth: addDays(vietnamToday(), -365 * 10), sex: 'male', ethnicity: 'Thái', relationshipToHead: 'child',
    });
    expect(child.status).toBe(201);

    const team = await request<{ id: string; memberships: Array<{ memberId: string }> }>('POST', `${training.url}/teams`, admin, {
      communeCode: commune, name: 'Tổ công tác số 1', kind: 'mobile_working_group', activeFrom: addDays(vietnamToday(), -30),
    });
    expect(team.status).toBe(201);
    teamId = team.body.id;
    const joined = await request<{ memberships: Array<{ memberId: string }> }>('POST', `${training.url}/teams/${teamId}/members`, admin, { fullName: 'Hà Văn Tuấn', affiliation: 'youth_union' });
    agent = testToken({ sub: joined.body.memberships[0].memberId, role: 'field_agent', communes: [commune] });
    const lonely = await request<{ id: string }>('POST', `${training.url}/teams`, admin, { communeCode: commune, name: 'Tổ 2', kind: 'community_digital_team', activeFrom: addDays(vietnamToday(), -30) });
    const stranger = await request<{ memberships: Array<{ memberId: string }> }>('POST', `${training.url}/teams/${lonely.body.id}/members`, admin, { fullName: 'Đinh Thị Mai', affiliation: 'teacher' });
    strangerAgent = testToken({ sub: stranger.body.memberships[0].memberId, role: 'field_agent', communes: [commune] });

    // Training learns villages and households from the registry's events: plans are refused until then.
    await eventually(async () => expect((await request('PUT', `${training.url}/teams/${teamId}/villages`, admin, { villageIds: [thon2] })).status).toBe(200), { timeoutMs: 30000 });
    const plan = (startsOn: string, endsOn: string, villageIds: string[], householdIds: string[]) =>
      request('POST', `${training.url}/plans`, admin, { communeCode: commune, teamId, startsOn, endsOn, villageIds, householdIds, householdsPerDay: 5, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 3 }] });
    await eventually(async () => expect((await plan(addDays(vietnamToday(), -1), addDays(vietnamToday(), 5), [thon1], [households.listed])).status).toBe(201), { timeoutMs: 30000 });
    // Not active today: its village stays off the list.
    expect((await plan(addDays(vietnamToday(), 3), addDays(vietnamToday(), 9), [thon3], [])).status).toBe(201);
    // Every setup event applied before the tests read cursors (a late one would show as a change).
    await eventually(async () => {
      const [applied] = await query(`select (select count(*)::int from "${registry.schema}".field_plans) as plans, (select count(*)::int from "${registry.schema}".field_team_villages) as villages`);
      expect(applied).toEqual({ plans: 2, villages: 1 });
    }, { timeoutMs: 30000 });
  }, 120000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it("lists the households of the team's plans active today and of its villages, with residents and to-dos", async () => {
    const page = await eventually(async () => {
      const answer = await workList(agent);
      expect(answer.status).toBe(200);
      expect(ids(answer.body)).toEqual([households.planned1, households.planned2, households.assigned, households.listed].sort());
      return answer.body;
    }, { timeoutMs: 30000 });
    expect(page).toMatchObject({ day: vietnamToday(), reset: true, hasMore: false, next: null });
    const planned = page.items.find((item) => item.householdId === households.planned1)!;
    expect(planned.household).toMatchObject({ villageCode: 'THON-1', headName: 'Chủ hộ planned1' });
    expect(planned.visit).toMatchObject({ status: 'not_visited' });
    const adult = planned.residents!.find((r) => r.id === adultId)!;
    expect(adult).toMatchObject({ fullName: 'Lò Thị Xuân', eligible14: true, todos: ['needs_id_card', 'needs_vneid_level2'] });
    expect(planned.residents!.find((r) => r.id !== adultId)).toMatchObject({ eligible14: false, todos: [] });
    expect(planned.todos).toEqual(['not_visited', 'needs_id_card', 'needs_vneid_level2']);
    // Admins see every team's list; filters narrow it.
    expect(ids((await workList(admin, { teamId })).body)).toEqual(ids(page));
    expect(ids((await workList(admin, { status: 'needs_vneid_level2' })).body)).toEqual([households.planned1]);
    // Another team's agent has nothing here, and may not ask for this team.
    expect((await workList(strangerAgent)).body.items).toEqual([]);
    expect((await workList(strangerAgent, { teamId })).status).toBe(403);
  });

  it('an enrollment, a visit and a removal reach the next incremental refresh, and only those households', async () => {
    const first = await eventually(async () => {
      const answer = (await workList(agent)).body;
      expect(answer.items).toHaveLength(4);
      return answer;
    });
    const unchanged = await workList(agent, { since: first.cursor });
    expect(unchanged.body).toMatchObject({ items: [], reset: false });

    const opened = await request('POST', `${enrollment.url}/enrollments`, agent, { communeCode: commune, serviceCode: 'vneid_level2', residentId: adultId });
    expect(opened.status).toBe(201);
    const visit = await request('POST', `${registry.url}/households/${households.assigned}/visits`, agent, { outcome: 'nobody_home', obstacles: ['absent'] });
    expect(visit.status).toBe(201);
    const changed = await eventually(async () => {
      const answer = (await workList(agent, { since: first.cursor })).body;
      const planned = answer.items.find((item) => item.householdId === households.planned1);
      expect(planned?.residents?.find((r) => r.id === adultId)?.enrollments).toEqual([expect.objectContaining({ serviceCode: 'vneid_level2', state: 'registered', open: true })]);
      return answer;
    }, { timeoutMs: 30000 });
    expect(changed.reset).toBe(false);
    expect(ids(changed)).toEqual([households.planned1, households.assigned].sort());
    const adult = changed.items.find((item) => item.householdId === households.planned1)!.residents!.find((r) => r.id === adultId)!;
    expect(adult.todos).toEqual(['needs_id_card', 'open_enrollment']);
    expect(changed.items.find((item) => item.householdId === households.assigned)).toMatchObject({ visit: { status: 'obstacle', obstacles: ['absent'] }, todos: ['obstacle'] });

    // The team no longer covers THON-2: the household is removed from its list.
    expect((await request('PUT', `${training.url}/teams/${teamId}/villages`, admin, { villageIds: [] })).status).toBe(200);
    const removed = await eventually(async () => {
      const answer = (await workList(agent, { since: changed.cursor })).body;
      expect(answer.items).toEqual([{ householdId: households.assigned, removed: true }]);
      return answer;
    }, { timeoutMs: 30000 });
    expect(removed.reset).toBe(false);
    expect(ids((await workList(agent)).body)).toEqual([households.planned1, households.planned2, households.listed].sort());
  });

  it('pages with next, and the pages of one answer share one refresh cursor', async () => {
    const whole = (await workList(admin)).body;
    const seen: string[] = [];
    let page = (await workList(admin, { limit: 1 })).body;
    const cursor = page.cursor;
    for (;;) {
      seen.push(...page.items.map((item) => item.householdId));
      expect(page.cursor).toBe(cursor);
      if (!page.hasMore) break;
      expect(page.items).toHaveLength(1);
      page = (await workList(admin, { limit: 1, after: page.next! })).body;
    }
    expect(page.next).toBeNull();
    expect(seen).toEqual(whole.items.map((item) => item.householdId));
    expect(seen.length).toBeGreaterThan(1);
  });

  it("keeps personal data to the commune's agents and admins and operations, and refuses bad input", async () => {
    expect((await workList(officer)).status).toBe(403);
    expect((await workList(otherAdmin)).status).toBe(403);
    const forOps = (await workList(ops)).body;
    expect(forOps.items.map((item) => item.householdId)).not.toContain(households.foreign);
    const foreignList = await request<Page>('GET', `${registry.url}/work-list?communeCode=${other}`, otherAdmin);
    expect(foreignList.status).toBe(200);
    expect(foreignList.body.items).toEqual([]);
    const bad: Array<Record<string, string | number>> = [{ limit: 0 }, { limit: 501 }, { status: 'lazy' }, { teamId: 'x' }, { since: 'bm90LWEtY3Vyc29y' }, { after: 'bm90LWEtY3Vyc29y' }];
    for (const params of bad) {
      const answer = await workList(admin, params);
      expect(answer.status).toBe(400);
      expect(answer.body.fields?.[0].field).toBe(Object.keys(params)[0]);
    }
    const first = (await workList(admin, { limit: 1 })).body;
    expect((await workList(admin, { since: first.cursor, after: first.next! })).status).toBe(422);
    expect((await workList(admin, { after: first.next!, status: 'done' })).status).toBe(422);
  });
});
