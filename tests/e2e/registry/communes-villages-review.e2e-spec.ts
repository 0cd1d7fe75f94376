import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@dtc/contracts';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Issue 17 in the registry, through its HTTP API against the real Postgres and Kafka: commune and
// village names as events (keyed by the commune, so a commune's onboarding comes before its
// villages and a village's registration before its renames), villages added before those events
// existed announced once at start, and a commune admin's review of door-to-door visits.
const runId = newRunId();
const commune = '31001';
const otherCommune = '31002';
const legacyCommune = '31003';
const ops = testToken({ sub: 'ops-31', role: 'operations' });
const agent = testToken({ sub: 'agent-31001', role: 'field_agent', communes: [commune] });
const admin = testToken({ sub: 'admin-31001', role: 'commune_admin', communes: [commune] });
const outsider = testToken({ sub: 'admin-31002', role: 'commune_admin', communes: [otherCommune] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const topic = `t-${runId}.household-registry.events`;

interface Problem {
  message: string;
  fields?: Array<{ field: string; reason: string }>;
}
interface Village {
  id: string;
  code: string;
  name: string;
}
interface Visit {
  id: string;
  visitedAt: string;
  reviewStatus: string | null;
  reviewReason: string | null;
  reviewedAt: string | null;
}

describe('registry: commune and village events, visit review', () => {
  let registry: RunningService;
  let stop: () => Promise<void>;
  let reader: Awaited<ReturnType<typeof collectTopic>>;
  const url = (path: string) => `${registry.url}${path}`;
  const events = () => reader.messages.map((m) => JSON.parse(m.message.value!.toString()) as EventEnvelope);
  const eventsOf = (type: string) => events().filter((event) => event.type === type);
  const start = async () => {
    ({ services: { 'household-registry': registry }, stop } = (await startServices(runId, ['household-registry'])) as never);
  };

  beforeAll(async () => {
    await start();
    await onboardCommune(registry.url, commune, '38', ['THON-1', 'THON-2']);
    await onboardCommune(registry.url, otherCommune, '40', ['THON-9']);
    reader = await collectTopic(topic, `t-${runId}.communes-${randomUUID()}`);
  });

  afterAll(async () => {
    await reader?.stop();
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  describe('commune and village names', () => {
    it('publishes a village’s registration and rename and a commune’s rename, in order on the commune’s key', async () => {
      const added = await request<Village>('POST', url(`/communes/${commune}/villages`), admin, { code: 'THON-3', name: 'Thôn Ba' });
      expect(added.status).toBe(201);
      const renamed = await request<Village>('PATCH', url(`/communes/${commune}/villages/${added.body.id}`), admin, { name: 'Thôn Ba Mới' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ id: added.body.id, communeCode: commune, code: 'THON-3', name: 'Thôn Ba Mới' });
      const listed = await request<Village[]>('GET', url(`/communes/${commune}/villages`), agent);
      expect(listed.body.find((v) => v.id === added.body.id)?.name).toBe('Thôn Ba Mới');
      const communeRenamed = await request<{ name: string; provinceCode: string }>('PATCH', url(`/communes/${commune}`), ops, { name: 'Phường 31001' });
      expect(communeRenamed.status).toBe(200);
      expect(communeRenamed.body).toMatchObject({ name: 'Phường 31001', provinceCode: '38' });
      expect((await request<{ name: string }>('GET', url(`/communes/${commune}`), admin)).body.name).toBe('Phường 31001');

      await eventually(() => expect(reader.messages.filter((m) => m.message.key?.toString() === commune).length).toBeGreaterThanOrEqual(6), { timeoutMs: 30000, intervalMs: 100 });
      const onKey = reader.messages.filter((m) => m.message.key?.toString() === commune).map((m) => JSON.parse(m.message.value!.toString()) as EventEnvelope);
      expect(onKey.map((event) => event.type)).toEqual([
        'vn.dtc.registry.commune.onboarded.v1',
        'vn.dtc.registry.village.registered.v1',
        'vn.dtc.registry.village.registered.v1',
        'vn.dtc.registry.village.registered.v1',
        'vn.dtc.registry.village.renamed.v1',
        'vn.dtc.registry.commune.renamed.v1',
      ]);
      expect(onKey.every((event) => event.tenant === commune && event.province === '38' && event.subject === commune)).toBe(true);
      expect(onKey[3].data).toEqual({ villageId: added.body.id, communeCode: commune, villageCode: 'THON-3', villageName: 'Thôn Ba', occurredAt: expect.any(String) });
      expect(onKey[4].data).toEqual({ villageId: added.body.id, communeCode: commune, villageName: 'Thôn Ba Mới', occurredAt: expect.any(String) });
      expect(onKey[5].data).toEqual({ communeCode: commune, communeName: 'Phường 31001', occurredAt: expect.any(String) });
      const otherKey = eventsOf('vn.dtc.registry.village.registered.v1').filter((event) => event.subject === otherCommune);
      expect(otherKey.map((event) => [event.tenant, event.province])).toEqual([[otherCommune, '40']]);

      const audit = await request<{ items: Array<{ actor: string; action: string; fields: string[] }> }>('GET', url(`/audit?communeCode=${commune}&entity=village&entityId=${added.body.id}`), admin);
      expect(audit.body.items.map((entry) => [entry.actor, entry.action, entry.fields])).toEqual([
        ['admin-31001', 'rename', ['name']],
        ['admin-31001', 'add', ['code', 'name']],
      ]);
    });

    it('refuses renames outside the caller’s scope or role, of unknown places, bad names and no change', async () => {
      const [village] = (await request<Village[]>('GET', url(`/communes/${commune}/villages`), admin)).body;
      const [foreign] = (await request<Village[]>('GET', url(`/communes/${otherCommune}/villages`), ops)).body;
      const rename = (path: string, token: string, body: unknown = { name: 'Tên Khác' }) => request<Problem>('PATCH', url(path), token, body);
      const outbox = async () => (await query<{ n: number }>(`select count(*)::int as n from "${registry.schema}".outbox`))[0].n;
      const before = await outbox();

      expect((await rename(`/communes/${commune}/villages/${village.id}`, outsider)).status).toBe(404);
      expect((await rename(`/communes/${commune}/villages/${village.id}`, agent)).status).toBe(403);
      expect((await rename(`/communes/${commune}/villages/${village.id}`, officer)).status).toBe(403);
      expect((await rename(`/communes/${commune}/villages/${randomUUID()}`, admin)).status).toBe(404);
      expect((await rename(`/communes/${commune}/villages/${foreign.id}`, ops)).status).toBe(404);
      expect((await rename(`/communes/${commune}/villages/not-a-uuid`, admin)).status).toBe(400);
      expect((await rename(`/communes/${commune}`, admin)).status).toBe(403);
      expect((await rename('/communes/39999', ops)).status).toBe(404);
      for (const body of [{ name: '   ' }, { name: '' }, { name: 'x'.repeat(201) }, {}, { name: 7 }]) {
        const bad = await rename(`/communes/${commune}/villages/${village.id}`, admin, body);
        expect(bad.status).toBe(400);
        expect(bad.body.fields!.map((f) => f.field)).toContain('name');
      }
      const same = await rename(`/communes/${commune}/villages/${village.id}`, admin, { name: village.name });
      expect(same.status).toBe(409);
      expect(same.body.fields).toEqual([{ field: 'name', reason: 'is the current name' }]);
      expect((await rename(`/communes/${commune}`, ops, { name: 'Phường 31001' })).status).toBe(409);
      expect(await outbox()).toBe(before);
    });

    it('announces villages added before village events existed once, after their commune, however many instances start', async () => {
      // As an older registry left them: a commune and villages never announced, and a village of an announced commune.
      await query(`insert into "${registry.schema}".communes (code, name, province_code, province_name, created_by) values ($1, 'Xã Cũ', '38', 'Tỉnh 38', 'legacy')`, [legacyCommune]);
      const legacyVillages: Array<[string, string]> = [
        [legacyCommune, 'CU-1'],
        [legacyCommune, 'CU-2'],
        [commune, 'CU-3'],
      ];
      for (const [code, villageCode] of legacyVillages) {
        await query(`insert into "${registry.schema}".villages (id, commune_code, code, name, created_by) values (gen_random_uuid(), $1, $2, $3, 'legacy')`, [code, villageCode, `Thôn ${villageCode}`]);
      }
      await stop();
      const [first, second] = await Promise.all([startServices(runId, ['household-registry']), startServices(runId, ['household-registry'])]);
      registry = first.services['household-registry'];
      stop = async () => {
        await Promise.all([first.stop(), second.stop()]);
      };

      const announced = (event: EventEnvelope) => legacyVillages.some(([, villageCode]) => (event.data as { villageCode?: string }).villageCode === villageCode);
      await eventually(() => expect(eventsOf('vn.dtc.registry.village.registered.v1').filter(announced)).toHaveLength(3), { timeoutMs: 30000, intervalMs: 100 });
      const [{ n: inOutbox }] = await query<{ n: number }>(`select count(*)::int as n from "${registry.schema}".outbox where event_type = 'vn.dtc.registry.village.registered.v1' and payload::jsonb -> 'data' ->> 'villageCode' like 'CU-%'`);
      expect(inOutbox).toBe(3);
      const ofLegacy = events().filter((event) => event.subject === legacyCommune);
      expect(ofLegacy.map((event) => [event.type, event.tenant, event.province])).toEqual([
        ['vn.dtc.registry.commune.onboarded.v1', legacyCommune, '38'],
        ['vn.dtc.registry.village.registered.v1', legacyCommune, '38'],
        ['vn.dtc.registry.village.registered.v1', legacyCommune, '38'],
      ]);
      const cu3 = eventsOf('vn.dtc.registry.village.registered.v1').find((event) => (event.data as { villageCode: string }).villageCode === 'CU-3')!;
      expect([cu3.tenant, cu3.province, cu3.subject]).toEqual([commune, '38', commune]);
      const [{ n: unannounced }] = await query<{ n: number }>(`select count(*)::int as n from "${registry.schema}".villages where announced_at is null`);
      expect(unannounced).toBe(0);
    });
  });

  describe('visit review', () => {
    const teamId = randomUUID();
    const memberId = randomUUID();
    const newVisit = async (householdId: string) => {
      const visit = await request<Visit>('POST', url(`/households/${householdId}/visits`), agent, { outcome: 'partly_done', obstacles: ['no_smartphone'], teamId, memberId });
      expect(visit.status).toBe(201);
      return visit.body;
    };
    const review = (visitId: string, token: string, body: unknown) => request<Visit & Problem>('POST', url(`/visits/${visitId}/review`), token, body);

    it('returns a visit with a reason, verifies it once fixed, and keeps every verdict', async () => {
      const household = await request<{ id: string }>('POST', url('/households'), agent, householdBody(commune, 'THON-1'));
      const visit = await newVisit(household.body.id);
      const untouched = await newVisit(household.body.id);
      expect(visit).toMatchObject({ reviewStatus: null, reviewReason: null, reviewedAt: null });

      const returned = await review(visit.id, admin, { verdict: 'returned', reason: 'Thiếu ảnh biên bản' });
      expect(returned.status).toBe(200);
      expect(returned.body).toMatchObject({ id: visit.id, reviewStatus: 'returned', reviewReason: 'Thiếu ảnh biên bản', reviewedAt: expect.any(String) });
      expect((await review(visit.id, admin, { verdict: 'returned', reason: 'Lần nữa' })).status).toBe(409);
      const verified = await review(visit.id, admin, { verdict: 'verified' });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ reviewStatus: 'verified', reviewReason: null });
      const again = await review(visit.id, ops, { verdict: 'verified' });
      expect(again.status).toBe(409);
      expect(again.body.fields![0].field).toBe('verdict');
      expect((await review(visit.id, ops, { verdict: 'returned', reason: 'Sai hộ' })).status).toBe(200);

      const list = (filter = '') => request<Visit[]>('GET', url(`/households/${household.body.id}/visits${filter}`), agent);
      expect((await list()).body.map((v) => [v.id, v.reviewStatus, v.reviewReason])).toEqual([
        [visit.id, 'returned', 'Sai hộ'],
        [untouched.id, null, null],
      ]);
      expect((await list('?reviewStatus=returned')).body.map((v) => v.id)).toEqual([visit.id]);
      expect((await list('?reviewStatus=verified')).body).toEqual([]);
      expect((await list('?reviewStatus=unreviewed')).body.map((v) => v.id)).toEqual([untouched.id]);
      expect((await list('?reviewStatus=done')).status).toBe(400);

      const history = await query<{ verdict: string; reason: string | null; reviewed_by: string }>(`select verdict, reason, reviewed_by from "${registry.schema}".visit_reviews where visit_id = $1 order by reviewed_at`, [visit.id]);
      expect(history).toEqual([
        { verdict: 'returned', reason: 'Thiếu ảnh biên bản', reviewed_by: 'admin-31001' },
        { verdict: 'verified', reason: null, reviewed_by: 'admin-31001' },
        { verdict: 'returned', reason: 'Sai hộ', reviewed_by: 'ops-31' },
      ]);
      const audit = await request<{ items: Array<{ actor: string; action: string }> }>('GET', url(`/audit?communeCode=${commune}&entity=visit&entityId=${visit.id}`), admin);
      expect(audit.body.items.map((entry) => [entry.actor, entry.action])).toEqual([
        ['ops-31', 'review-returned'],
        ['admin-31001', 'review-verified'],
        ['admin-31001', 'review-returned'],
        ['agent-31001', 'record'],
      ]);

      await eventually(() => expect(eventsOf('vn.dtc.registry.visit.reviewed.v1').filter((e) => (e.data as { visitId: string }).visitId === visit.id)).toHaveLength(3), { timeoutMs: 30000, intervalMs: 100 });
      const reviewed = eventsOf('vn.dtc.registry.visit.reviewed.v1').filter((e) => (e.data as { visitId: string }).visitId === visit.id);
      const [villageOne] = (await request<Village[]>('GET', url(`/communes/${commune}/villages`), admin)).body.filter((v) => v.code === 'THON-1');
      expect(reviewed.map((event) => [event.tenant, event.province, event.subject])).toEqual(Array(3).fill([commune, '38', household.body.id]));
      expect(reviewed.map((event) => event.data)).toEqual([
        { visitId: visit.id, householdId: household.body.id, villageId: villageOne.id, teamId, memberId, verdict: 'returned', reason: 'Thiếu ảnh biên bản', visitedAt: expect.any(String), occurredAt: expect.any(String) },
        { visitId: visit.id, householdId: household.body.id, villageId: villageOne.id, teamId, memberId, verdict: 'verified', visitedAt: expect.any(String), occurredAt: expect.any(String) },
        { visitId: visit.id, householdId: household.body.id, villageId: villageOne.id, teamId, memberId, verdict: 'returned', reason: 'Sai hộ', visitedAt: expect.any(String), occurredAt: expect.any(String) },
      ]);
      expect(reviewed.map((event) => (event.data as { visitedAt: string }).visitedAt)).toEqual(Array(3).fill(visit.visitedAt));
    });

    it('lists visits returned and not yet redone with the member who recorded them, until a later visit or a verification', async () => {
      const first = await request<{ id: string }>('POST', url('/households'), agent, householdBody(commune, 'THON-1', { headName: 'Hộ Đinh Văn Trả' }));
      const second = await request<{ id: string }>('POST', url('/households'), agent, householdBody(commune, 'THON-2', { headName: 'Hộ Mai Thị Lại' }));
      const one = await newVisit(first.body.id);
      const two = await newVisit(second.body.id);
      expect((await review(one.id, admin, { verdict: 'returned', reason: 'Thiếu chữ ký chủ hộ' })).status).toBe(200);
      expect((await review(two.id, ops, { verdict: 'returned', reason: 'Sai thôn' })).status).toBe(200);
      const returned = async (token = admin) => request<{ items: Array<Record<string, unknown>>; truncated: boolean } & Problem>('GET', url(`/visits/returned?communeCode=${commune}`), token);
      const mine = async () => (await returned()).body.items.filter((item) => [first.body.id, second.body.id].includes(item.householdId as string));
      expect(await mine()).toEqual([
        { visitId: two.id, householdId: second.body.id, headName: 'Hộ Mai Thị Lại', address: expect.any(String), villageCode: 'THON-2', teamId, memberId, visitedAt: two.visitedAt, reason: 'Sai thôn', returnedAt: expect.any(String) },
        { visitId: one.id, householdId: first.body.id, headName: 'Hộ Đinh Văn Trả', address: expect.any(String), villageCode: 'THON-1', teamId, memberId, visitedAt: one.visitedAt, reason: 'Thiếu chữ ký chủ hộ', returnedAt: expect.any(String) },
      ]);
      // The team goes back to the second household; the first is verified once fixed.
      await newVisit(second.body.id);
      expect((await review(one.id, admin, { verdict: 'verified' })).status).toBe(200);
      expect(await mine()).toEqual([]);

      expect((await returned(ops)).status).toBe(200);
      for (const token of [agent, officer, outsider]) expect((await returned(token)).status).toBe(403);
      const bad = await request<Problem>('GET', url('/visits/returned?communeCode=3100'), admin);
      expect([bad.status, bad.body.fields?.[0].field]).toEqual([400, 'communeCode']);
      expect((await request('GET', url('/visits/returned?communeCode=99999'), ops)).status).toBe(404);
    });

    it('lets only the commune’s admins and operations review, with a verdict and a reason to return', async () => {
      const household = await request<{ id: string }>('POST', url('/households'), agent, householdBody(commune, 'THON-2'));
      const visit = await newVisit(household.body.id);
      const reviews = async () => (await query<{ n: number }>(`select count(*)::int as n from "${registry.schema}".visit_reviews where visit_id = $1`, [visit.id]))[0].n;

      expect((await review(visit.id, agent, { verdict: 'verified' })).status).toBe(403);
      expect((await review(visit.id, officer, { verdict: 'verified' })).status).toBe(403);
      expect((await review(visit.id, outsider, { verdict: 'verified' })).status).toBe(404);
      expect((await review(randomUUID(), admin, { verdict: 'verified' })).status).toBe(404);
      expect((await review('not-a-uuid', admin, { verdict: 'verified' })).status).toBe(400);
      const withoutReason = await review(visit.id, admin, { verdict: 'returned' });
      expect(withoutReason.status).toBe(422);
      expect(withoutReason.body.fields).toEqual([{ field: 'reason', reason: expect.stringMatching(/required/) }]);
      const cases: Array<[unknown, string]> = [
        [{ verdict: 'ok' }, 'verdict'],
        [{}, 'verdict'],
        [{ verdict: 'returned', reason: 'x'.repeat(301) }, 'reason'],
        [{ verdict: 'returned', reason: '  ' }, 'reason'],
        [{ verdict: 'returned', reason: 42 }, 'reason'],
        [{ verdict: 'verified', reviewedBy: 'someone' }, 'reviewedBy'],
      ];
      for (const [body, field] of cases) {
        const bad = await review(visit.id, admin, body);
        expect([bad.status, bad.body.fields?.some((f) => f.field === field)]).toEqual([400, true]);
      }
      expect(await reviews()).toBe(0);
      expect((await review(visit.id, admin, { verdict: 'returned', reason: 'x'.repeat(300) })).status).toBe(200);
      expect(await reviews()).toBe(1);
    });
  });

  it('publishes no personal data with these events', async () => {
    const household = await request<{ id: string }>('POST', url('/households'), agent, householdBody(commune, 'THON-1', { headName: 'Riêng Tư Chủ Hộ', address: 'Xóm Kín Đáo' }));
    const resident = await request<{ id: string }>('POST', url('/residents'), agent, {
      householdId: household.body.id,
      fullName: 'Riêng Tư Cư Dân',
      dateOfBirth: '1991-11-11',
      sex: 'female',
      ethnicity: 'Kinh',
      relationshipToHead: 'spouse',
      idNumber: '038191011112',
      phone: '0912345679',
    });
    expect(resident.status).toBe(201);
    const visit = await request<{ id: string }>('POST', url(`/households/${household.body.id}/visits`), agent, { outcome: 'done', obstacles: [] });
    expect((await request('POST', url(`/visits/${visit.body.id}/review`), admin, { verdict: 'verified' })).status).toBe(200);
    await eventually(() => expect(eventsOf('vn.dtc.registry.visit.reviewed.v1').some((e) => (e.data as { visitId: string }).visitId === visit.body.id)).toBe(true), { timeoutMs: 30000, intervalMs: 100 });
    const ours = ['commune.renamed', 'village.registered', 'village.renamed', 'visit.reviewed'].map((name) => `vn.dtc.registry.${name}.v1`);
    const text = events()
      .filter((event) => ours.includes(event.type))
      .map((event) => JSON.stringify(event))
      .join('\n');
    expect(text).toContain('vn.dtc.registry.visit.reviewed.v1');
    for (const secret of ['Riêng Tư', 'Xóm Kín Đáo', 'Nguyễn Văn An', 'Xóm Bãi', '038191011112', '0912345679', '1991-11-11']) expect(text).not.toContain(secret);
  });
});
