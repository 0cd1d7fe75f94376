import { randomUUID } from 'node:crypto';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Micro-plans, team names and member names through the training API, fed by the registry's real
// events (villages and households known from them), checked on the real broker.
const runId = newRunId();
const commune = '50101';
const admin = testToken({ sub: 'admin-50101', role: 'commune_admin', communes: [commune] });
const outsider = testToken({ sub: 'admin-50102', role: 'commune_admin', communes: ['50102'] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const otherOfficer = testToken({ sub: 'officer-39', role: 'province_officer', province: '39' });
const agentOf = (memberId: string) => testToken({ sub: memberId, role: 'field_agent', communes: [commune] });

interface Team {
  id: string;
  name: string;
  memberships: Array<{ memberId: string; fullName?: string; phone?: string | null }>;
}
interface Plan {
  id: string;
  version: number;
  status: string;
  teamId: string;
  villageIds: string[];
  householdIds: string[];
  householdsPerDay: number;
  enrollmentsPerDay: Array<{ serviceCode: string; perDay: number }>;
  history?: Array<{ version: number; change: string; changedBy: string; changedFields: string[]; previousTeamId: string | null; reason: string | null; state: { teamId: string } }>;
}
interface Problem {
  currentVersion?: number;
  fields?: Array<{ field: string; reason: string }>;
}

describe('micro-plans, team names and member names', () => {
  let registry: RunningService;
  let training: RunningService;
  let stop: () => Promise<void>;
  let events: Awaited<ReturnType<typeof collectTopic>>;
  let villageIds: string[];
  let foreignVillageId: string;
  let householdId: string;
  let teamA: Team;
  let teamB: Team;
  let memberA: string;
  let memberB: string;
  const url = (path: string) => `${training.url}${path}`;
  const planBody = (extra: Record<string, unknown> = {}) => ({
    communeCode: commune,
    teamId: teamA.id,
    startsOn: '2026-07-21',
    endsOn: '2026-08-31',
    villageIds: [villageIds[0]],
    householdIds: [householdId],
    householdsPerDay: 25,
    enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }],
    ...extra,
  });
  const published = (type: string, key: string) =>
    events.messages.filter((m) => m.message.headers?.ce_type?.toString() === type && m.message.key?.toString() === key).map((m) => JSON.parse(m.message.value!.toString()).data);

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, training }, stop } = (await startServices(runId, ['household-registry', 'training'])) as never);
    events = await collectTopic(`t-${runId}.training.events`, `t-${runId}.probe-${randomUUID()}`);
    await onboardCommune(registry.url, commune, '38', ['THON-1', 'THON-2']);
    await onboardCommune(registry.url, '50102', '39', ['THON-9']);
    const villages = await request<Array<{ id: string; code: string }>>('GET', `${registry.url}/communes/${commune}/villages`, admin);
    villageIds = villages.body.map((v) => v.id);
    foreignVillageId = (await request<Array<{ id: string }>>('GET', `${registry.url}/communes/50102/villages`, outsider)).body[0].id;
    householdId = (await request<{ id: string }>('POST', `${registry.url}/households`, admin, householdBody(commune, 'THON-2'))).body.id;
    // Villages are known from the registry's village events (before any household), households from theirs.
    await eventually(
      async () => {
        const [{ villages: known }] = await query<{ villages: number }>(`select count(*)::int as villages from "${training.schema}".known_villages where id = any($1::uuid[])`, [[...villageIds, foreignVillageId]]);
        const households = await query(`select 1 from "${training.schema}".known_households where id = $1 and commune_code = $2`, [householdId, commune]);
        expect({ known, households: households.length }).toEqual({ known: 3, households: 1 });
      },
      { timeoutMs: 30000, intervalMs: 100 },
    );
    const form = async (name: string) => (await request<Team>('POST', url('/teams'), admin, { communeCode: commune, name, kind: 'mobile_working_group', activeFrom: '2026-07-01', activeTo: '2026-12-31' })).body;
    teamA = await form('Tổ công tác số 1');
    teamB = await form('Tổ công tác số 2');
    const join = async (team: Team, fullName: string) => {
      const joined = await request<Team>('POST', url(`/teams/${team.id}/members`), admin, { fullName, affiliation: 'youth_union', phone: '0912345678' });
      return joined.body.memberships[joined.body.memberships.length - 1].memberId;
    };
    memberA = await join(teamA, 'Lò Văn Phúc');
    memberB = await join(teamB, 'Hà Thị Lan');
  });

  afterAll(async () => {
    await events?.stop();
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('publishes a plan: version 1, active, its full state on the topic', async () => {
    const created = await request<Plan>('POST', url('/plans'), admin, planBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'active', teamId: teamA.id, villageIds: [villageIds[0]], householdIds: [householdId], householdsPerDay: 25, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }] });
    await eventually(() => {
      expect(published('vn.dtc.training.plan.published.v1', created.body.id)).toEqual([
        { planId: created.body.id, version: 1, teamId: teamA.id, startsOn: '2026-07-21', endsOn: '2026-08-31', villageIds: [villageIds[0]], householdIds: [householdId], householdsPerDay: 25, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }], occurredAt: expect.any(String) },
      ]);
    });
  });

  it('refuses a stale version with the current one, and publishes a reassignment with the previous team and both versions in the history', async () => {
    const plan = (await request<Plan>('POST', url('/plans'), admin, planBody())).body;
    const { communeCode: _commune, ...fields } = planBody();
    const moved = await request<Plan>('PUT', url(`/plans/${plan.id}`), admin, { ...fields, version: 1, teamId: teamB.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ version: 2, teamId: teamB.id });
    const stale = await request<Problem>('PUT', url(`/plans/${plan.id}`), admin, { ...fields, version: 1, householdsPerDay: 30 });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    const detail = await request<Plan>('GET', url(`/plans/${plan.id}`), admin);
    expect(detail.body.history!.map((v) => [v.version, v.change, v.state.teamId, v.previousTeamId, v.changedBy])).toEqual([
      [1, 'published', teamA.id, null, 'admin-50101'],
      [2, 'reassigned', teamB.id, teamA.id, 'admin-50101'],
    ]);
    expect(detail.body.history![1].changedFields).toEqual(['teamId']);
    await eventually(() => {
      const versions = published('vn.dtc.training.plan.published.v1', plan.id);
      expect(versions.map((v) => [v.version, v.teamId, v.previousTeamId])).toEqual([
        [1, teamA.id, undefined],
        [2, teamB.id, teamA.id],
      ]);
    });
  });

  it('withdraws a plan once (PlanWithdrawnV1); a withdrawn plan is not changed any more', async () => {
    const plan = (await request<Plan>('POST', url('/plans'), admin, planBody())).body;
    expect((await request('POST', url(`/plans/${plan.id}/withdraw`), admin, { version: 2 })).status).toBe(409);
    const withdrawn = await request<Plan>('POST', url(`/plans/${plan.id}/withdraw`), admin, { version: 1, reason: 'Thôn đã hoàn thành' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', version: 2 });
    const { communeCode: _commune, ...fields } = planBody();
    expect((await request('PUT', url(`/plans/${plan.id}`), admin, { ...fields, version: 2, householdsPerDay: 5 })).status).toBe(409);
    expect((await request('POST', url(`/plans/${plan.id}/withdraw`), admin, { version: 2 })).status).toBe(409);
    const detail = await request<Plan>('GET', url(`/plans/${plan.id}`), admin);
    expect(detail.body.history!.map((v) => [v.version, v.change, v.reason])).toEqual([
      [1, 'published', null],
      [2, 'withdrawn', 'Thôn đã hoàn thành'],
    ]);
    await eventually(() => expect(published('vn.dtc.training.plan.withdrawn.v1', plan.id)).toEqual([{ planId: plan.id, version: 2, teamId: teamA.id, reason: 'Thôn đã hoàn thành', occurredAt: expect.any(String) }]));
    const active = await request<Plan[]>('GET', url(`/plans?communeCode=${commune}&activeOn=2026-07-25`), admin);
    expect(active.body.map((p) => p.id)).not.toContain(plan.id);
  });

  it('shows a field agent only the plans of the teams they are in; province officers read their province’s plans', async () => {
    const plan = (await request<Plan>('POST', url('/plans'), admin, planBody({ villageIds: [villageIds[1]], householdIds: [] }))).body;
    expect((await request('GET', url(`/plans/${plan.id}`), agentOf(memberA))).status).toBe(200);
    expect((await request('GET', url(`/plans/${plan.id}`), agentOf(memberB))).status).toBe(404);
    const mine = await request<Plan[]>('GET', url(`/plans?communeCode=${commune}`), agentOf(memberA));
    const theirs = await request<Plan[]>('GET', url(`/plans?communeCode=${commune}`), agentOf(memberB));
    expect(mine.body.map((p) => p.id)).toContain(plan.id);
    expect(mine.body.every((p) => p.teamId === teamA.id)).toBe(true);
    expect(theirs.body.map((p) => p.id)).not.toContain(plan.id);
    const byTeam = await request<Plan[]>('GET', url(`/plans?communeCode=${commune}&teamId=${teamA.id}&activeOn=2026-08-31&limit=500`), officer);
    expect(byTeam.status).toBe(200);
    expect(byTeam.body.map((p) => p.id)).toContain(plan.id);
    expect((await request<Plan[]>('GET', url(`/plans?communeCode=${commune}&activeOn=2026-09-01`), officer)).body).toEqual([]);
    expect((await request('GET', url(`/plans/${plan.id}`), otherOfficer)).status).toBe(404);
    expect((await request('GET', url(`/plans?communeCode=${commune}`), outsider)).status).toBe(403);
    expect((await request('PUT', url(`/plans/${plan.id}`), outsider, { ...planBody(), communeCode: undefined, version: 1 })).status).toBe(404);
    expect((await request('POST', url('/plans'), agentOf(memberA), planBody())).status).toBe(403);
  });

  it('refuses what a plan cannot cover: an unknown village or household, another commune’s village or team, a team not active over the dates', async () => {
    const refused = async (body: Record<string, unknown>, field: string, reason: RegExp) => {
      const answer = await request<Problem>('POST', url('/plans'), admin, planBody(body));
      expect(answer.status).toBe(422);
      expect(answer.body.fields).toEqual([{ field, reason: expect.stringMatching(reason) }]);
    };
    await refused({ villageIds: [randomUUID()] }, 'villageIds', /^unknown village: not registered in the household registry$/);
    await refused({ householdIds: [randomUUID()] }, 'householdIds', /unknown household/);
    await refused({ villageIds: [foreignVillageId] }, 'villageIds', /another commune/);
    await refused({ endsOn: '2027-01-31' }, 'teamId', /not over the whole plan/);
    await refused({ startsOn: '2026-08-01', endsOn: '2026-07-31' }, 'endsOn', /before startsOn/);
    await refused({ villageIds: [], householdIds: [] }, 'villageIds', /at least one/);
    const foreignTeam = await request<Team>('POST', url('/teams'), outsider, { communeCode: '50102', name: 'Tổ khác', kind: 'mobile_working_group', activeFrom: '2026-07-01' });
    await refused({ teamId: foreignTeam.body.id }, 'teamId', /unknown team/);
    const team = await request<Problem>('POST', url('/teams'), admin, { communeCode: commune, name: 'Tổ lạ', kind: 'mobile_working_group', activeFrom: '2026-07-01', villageIds: [randomUUID()] });
    expect(team.status).toBe(422);
    expect(team.body.fields).toEqual([{ field: 'villageIds', reason: 'unknown village: not registered in the household registry' }]);
  });

  it('names teams in their events (formed with the name, renamed) and keeps member names from province officers', async () => {
    const renamed = await request<Team>('PATCH', url(`/teams/${teamA.id}`), admin, { name: 'Tổ công tác số 1 (thôn Đông)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Tổ công tác số 1 (thôn Đông)');
    expect((await request('PATCH', url(`/teams/${teamA.id}`), agentOf(memberA), { name: 'Tổ của tôi' })).status).toBe(403);
    await eventually(() => {
      expect(published('vn.dtc.training.team.formed.v1', teamA.id).map((d) => d.teamName)).toEqual(['Tổ công tác số 1']);
      expect(published('vn.dtc.training.team.renamed.v1', teamA.id).map((d) => d.teamName)).toEqual(['Tổ công tác số 1 (thôn Đông)']);
    });

    const asAdmin = await request<Team>('GET', url(`/teams/${teamA.id}`), admin);
    expect(asAdmin.body.memberships[0]).toMatchObject({ memberId: memberA, fullName: 'Lò Văn Phúc', phone: '0912345678' });
    const asOfficer = await request<Team>('GET', url(`/teams/${teamA.id}`), officer);
    const listed = await request<Team[]>('GET', url(`/teams?communeCode=${commune}`), officer);
    expect(asOfficer.body.memberships[0].memberId).toBe(memberA);
    for (const text of [JSON.stringify(asOfficer.body), JSON.stringify(listed.body)]) {
      expect(text).not.toContain('Lò Văn Phúc');
      expect(text).not.toContain('0912345678');
    }

    const members = await request<Array<{ id: string; fullName: string; teams: Array<{ teamId: string; teamName: string }> }>>('GET', url(`/communes/${commune}/members`), agentOf(memberB));
    expect(members.status).toBe(200);
    expect(members.body.find((m) => m.id === memberA)).toMatchObject({ fullName: 'Lò Văn Phúc', teams: [{ teamId: teamA.id, teamName: 'Tổ công tác số 1 (thôn Đông)' }] });
    expect((await request('GET', url(`/communes/${commune}/members`), officer)).status).toBe(403);
    expect((await request('GET', url(`/communes/${commune}/members`), outsider)).status).toBe(403);
    const all = events.messages.map((m) => m.message.value!.toString()).join('\n');
    for (const name of ['Lò Văn Phúc', 'Hà Thị Lan', '0912345678']) expect(all).not.toContain(name);
  });
});
