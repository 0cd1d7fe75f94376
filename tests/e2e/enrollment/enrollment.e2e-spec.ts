import { randomUUID } from 'node:crypto';
import { createEvent, ResidentRegisteredV1 } from '@dtc/contracts';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testKafka, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { startServices, type RunningService } from '../../support/services';

// Enrollment through its HTTP API, fed by the registry's real events through the real broker.
const runId = newRunId();
const commune = '40001';
const agent = testToken({ sub: 'agent-40001', role: 'field_agent', communes: [commune] });
const outsider = testToken({ sub: 'agent-40002', role: 'field_agent', communes: ['40002'] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });

interface Enrollment {
  id: string;
  state: string;
  open: boolean;
  validation: string;
  allowedTransitions: string[];
  villageId: string | null;
  history?: Array<{ from: string | null; to: string | null; reason: string | null; obstacle: string | null }>;
}
interface Problem {
  message: string;
  fields?: Array<{ field: string; reason: string }>;
  allowedTransitions?: string[];
}

describe('enrollment API', () => {
  let registry: RunningService;
  let enrollment: RunningService;
  let stop: () => Promise<void>;
  let householdId: string;
  let villageId: string;
  let adult: string;
  let child: string;
  const url = (path: string) => `${enrollment.url}${path}`;

  const registerResident = async (extra: Record<string, unknown>) => {
    const response = await request<{ id: string }>('POST', `${registry.url}/residents`, agent, {
      householdId,
      fullName: 'Nguyễn Thị Lan',
      dateOfBirth: '1990-05-14',
      sex: 'female',
      ethnicity: 'Kinh',
      relationshipToHead: 'spouse',
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body.id;
  };
  const apply = (body: Record<string, unknown>, token = agent) => request<Enrollment & Problem>('POST', url('/enrollments'), token, { communeCode: commune, ...body });
  const transition = (id: string, body: Record<string, unknown>) => request<Enrollment & Problem>('POST', url(`/enrollments/${id}/transitions`), agent, body);
  /** Waits until enrollment's read model knows the resident (an e-health book enrollment validates). */
  const whenKnown = async (residentId: string) => {
    const opened = await apply({ serviceCode: 'ehealth_book', residentId });
    await eventually(async () => expect((await request<Enrollment>('GET', url(`/enrollments/${opened.body.id}`), agent)).body.validation).toBe('valid'));
  };

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, enrollment }, stop } = (await startServices(runId, ['household-registry', 'enrollment'], {
      enrollment: { ENROLLMENT_PENDING_REPORT_MINUTES: '0' },
    })) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1']);
    const household = await request<{ id: string; villageId: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    householdId = household.body.id;
    villageId = household.body.villageId;
    adult = await registerResident({ idNumber: '038190012345' });
    child = await registerResident({ fullName: 'Nguyễn Văn Bé', dateOfBirth: '2015-03-01', sex: 'male', relationshipToHead: 'child' });
    await whenKnown(adult);
    await whenKnown(child);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('follows the service lifecycle and answers a disallowed step with 409 listing the allowed ones', async () => {
    const opened = await apply({ serviceCode: 'vneid_level2', residentId: adult, teamId: randomUUID() });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ state: 'registered', open: true, validation: 'valid', villageId, allowedTransitions: ['issued', 'rejected', 'cancelled'] });
    const skip = await transition(opened.body.id, { to: 'activated' });
    expect(skip.status).toBe(409);
    expect(skip.body.allowedTransitions).toEqual(['issued', 'rejected', 'cancelled']);
    expect((await transition(opened.body.id, { to: 'issued' })).body.state).toBe('issued');
    const activated = await transition(opened.body.id, { to: 'activated' });
    expect(activated.body).toMatchObject({ state: 'activated', open: false, allowedTransitions: [] });
    expect((await transition(opened.body.id, { to: 'cancelled' })).status).toBe(409);
    const history = await request<Enrollment>('GET', url(`/enrollments/${opened.body.id}`), agent);
    expect(history.body.history!.map((step) => [step.from, step.to])).toEqual([
      [null, 'registered'],
      ['registered', 'issued'],
      ['issued', 'activated'],
    ]);
  });

  it('returns the open enrollment when applying again, and needs a reason to reject', async () => {
    const first = await apply({ serviceCode: 'cccd', residentId: adult });
    const again = await apply({ serviceCode: 'cccd', residentId: adult });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    const noReason = await transition(first.body.id, { to: 'rejected' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.fields![0].field).toBe('reason');
    const rejected = await transition(first.body.id, { to: 'rejected', reason: 'Ảnh chân dung không đạt' });
    expect(rejected.body).toMatchObject({ state: 'rejected', open: false });
    const reopened = await apply({ serviceCode: 'cccd', residentId: adult });
    expect(reopened.status).toBe(201);
    expect(reopened.body.id).not.toBe(first.body.id);
    const obstacle = await request<Enrollment>('POST', url(`/enrollments/${reopened.body.id}/obstacles`), agent, { obstacle: 'missing_documents' });
    expect(obstacle.status).toBe(200);
    const read = await request<Enrollment>('GET', url(`/enrollments/${reopened.body.id}`), agent);
    expect(read.body.history!.map((s) => s.obstacle)).toContain('missing_documents');
  });

  it('checks eligibility against its own read model: 14+ for VNeID level 2, details where the service asks', async () => {
    const tooYoung = await apply({ serviceCode: 'vneid_level2', residentId: child });
    expect(tooYoung.status).toBe(422);
    expect(tooYoung.body.fields![0].reason).toMatch(/aged 1\d on .*needs 14 or older/);
    expect((await apply({ serviceCode: 'vneid_level1', residentId: child })).status).toBe(201);
    const noApp = await apply({ serviceCode: 'public_service_app', residentId: adult });
    expect(noApp.status).toBe(422);
    expect(noApp.body.fields![0].field).toBe('detail');
    expect((await apply({ serviceCode: 'public_service_app', residentId: adult, detail: 'eTax Mobile' })).status).toBe(201);
    expect((await apply({ serviceCode: 'no_such_service', residentId: adult })).status).toBe(422);
  });

  it('holds an enrollment that arrives before its resident, reports it when overdue, and validates it when the resident arrives', async () => {
    const early = randomUUID();
    const tooYoungEarly = randomUUID();
    const held = await apply({ serviceCode: 'vneid_level2', residentId: early, occurredAt: '2026-07-21T08:00:00.000Z' });
    expect(held.status).toBe(202);
    expect(held.body.validation).toBe('pending_subject');
    expect((await transition(held.body.id, { to: 'issued', occurredAt: '2026-07-22T08:00:00.000Z' })).status).toBe(200);
    const heldYoung = await apply({ serviceCode: 'vneid_level2', residentId: tooYoungEarly });
    const overdue = await request<{ items: Enrollment[] }>('GET', url(`/enrollments/pending?communeCode=${commune}`), agent);
    expect(overdue.body.items.map((e) => e.id)).toEqual(expect.arrayContaining([held.body.id, heldYoung.body.id]));

    // The registry's events for these residents arrive late (as from a phone that synced later).
    const producer = testKafka().producer();
    await producer.connect();
    const residentEvent = (residentId: string, birthYear: number) =>
      createEvent(ResidentRegisteredV1, { tenant: commune, province: '38', subject: residentId, time: new Date() }, { residentId, householdId, villageId, sex: 'female', birthYear, birthMonth: 1, ownsSmartphone: true, occurredAt: new Date().toISOString() });
    const late = [residentEvent(early, 1985), residentEvent(tooYoungEarly, 2020)];
    await producer.send({ topic: `t-${runId}.household-registry.events`, messages: late.map((event) => ({ key: event.subject, value: JSON.stringify(event) })) });
    await producer.disconnect();

    await eventually(async () => expect((await request<Enrollment>('GET', url(`/enrollments/${held.body.id}`), agent)).body).toMatchObject({ validation: 'valid', state: 'issued', villageId }));
    await eventually(async () => expect((await request<Enrollment>('GET', url(`/enrollments/${heldYoung.body.id}`), agent)).body).toMatchObject({ validation: 'ineligible', state: 'rejected', open: false }));
    const events = await collectTopic(`t-${runId}.enrollment.events`, `t-${runId}.probe-${randomUUID()}`);
    try {
      await eventually(() => {
        const mine = events.messages.filter((m) => m.message.key?.toString() === held.body.id).map((m) => JSON.parse(m.message.value!.toString()));
        expect(mine.map((e) => [e.type, e.data.state ?? e.data.to, e.data.occurredAt])).toEqual([
          ['vn.dtc.enrollment.enrollment.opened.v1', 'registered', '2026-07-21T08:00:00.000Z'],
          ['vn.dtc.enrollment.enrollment.transitioned.v1', 'issued', '2026-07-22T08:00:00.000Z'],
        ]);
        expect(mine[0].data).toMatchObject({ residentId: early, sex: 'female', birthYear: 1985, villageId });
      });
      expect(events.messages.filter((m) => m.message.key?.toString() === heldYoung.body.id)).toHaveLength(0);
    } finally {
      await events.stop();
    }
  });

  it('enrolls an organisation of the commune in organisational e-identification', async () => {
    const organisation = await request<{ id: string }>('POST', `${registry.url}/organisations`, agent, { communeCode: commune, villageCode: 'THON-1', name: 'HTX Đông Tiến', taxCode: '2809876543', kind: 'cooperative' });
    expect(organisation.status).toBe(201);
    const asResident = await apply({ serviceCode: 'org_eid', residentId: adult });
    expect(asResident.status).toBe(422);
    expect(asResident.body.fields![0].field).toBe('organisationId');
    await eventually(async () => {
      const opened = await apply({ serviceCode: 'org_eid', organisationId: organisation.body.id });
      expect(opened.body.validation).toBe('valid');
    });
    const listed = await request<{ items: Enrollment[] }>('GET', url(`/enrollments?communeCode=${commune}&serviceCode=org_eid`), agent);
    expect(listed.body.items).toHaveLength(1);
    expect((await transition(listed.body.items[0].id, { to: 'issued' })).body).toMatchObject({ state: 'issued', open: false });
  });

  it('lists enrollments by village, service and state, and a resident’s enrollments with history', async () => {
    const listed = await request<{ items: Enrollment[]; total: number }>('GET', url(`/enrollments?communeCode=${commune}&serviceCode=vneid_level2&state=activated&villageId=${villageId}`), agent);
    expect(listed.body.total).toBe(1);
    const mine = await request<Enrollment[]>('GET', url(`/residents/${adult}/enrollments`), agent);
    expect(mine.body.length).toBeGreaterThanOrEqual(4);
    expect(mine.body.every((e) => (e.history ?? []).length >= 1)).toBe(true);
  });

  it('syncs offline enrollment commands once: a retry returns the same results and writes nothing', async () => {
    const applyId = randomUUID();
    const items = [
      { clientId: applyId, command: 'enrollment.apply', occurredAt: '2026-07-23T08:00:00.000Z', payload: { communeCode: commune, serviceCode: 'epayment_account', residentId: adult } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: '2026-07-23T08:10:00.000Z', refs: { target: applyId }, payload: { to: 'activated' } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: '2026-07-23T08:11:00.000Z', refs: { target: applyId }, payload: { to: 'flying' } },
    ];
    const count = async () => (await query<{ n: number }>(`select count(*)::int as n from "${enrollment.schema}".enrollment_steps`))[0].n;
    const before = await count();
    const first = await request<{ results: Array<{ status: number; body: unknown }> }>('POST', url('/sync'), agent, { items });
    expect(first.body.results.map((r) => r.status)).toEqual([201, 200, 409]);
    const retry = await request<{ results: Array<{ status: number; body: unknown; replayed: boolean }> }>('POST', url('/sync'), agent, { items });
    expect(retry.body.results.map((r) => r.body)).toEqual(first.body.results.map((r) => r.body));
    expect(retry.body.results.every((r) => r.replayed)).toBe(true);
    expect(await count()).toBe(before + 2);
  });

  it('applies an upload of good items in one go: each step in its order, each audit row naming its own item', async () => {
    const applyId = randomUUID();
    const items = [
      { clientId: applyId, command: 'enrollment.apply', occurredAt: '2026-07-24T08:00:00.000Z', payload: { communeCode: commune, serviceCode: 'health_insurance_vneid', residentId: adult } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: '2026-07-24T08:05:00.000Z', refs: { target: applyId }, payload: { to: 'linked' } },
    ];
    const uploaded = await request<{ results: Array<{ status: number; body: { id: string; state: string } }> }>('POST', url('/sync'), agent, { items });
    expect(uploaded.body.results.map((r) => [r.status, r.body.state])).toEqual([
      [201, 'requested'],
      [200, 'linked'],
    ]);
    const id = uploaded.body.results[0].body.id;
    const read = await request<Enrollment>('GET', url(`/enrollments/${id}`), agent);
    expect(read.body.history!.map((step) => [step.from, step.to])).toEqual([
      [null, 'requested'],
      ['requested', 'linked'],
    ]);
    const audited = await query<{ action: string; sync_client_id: string }>(`select action, sync_client_id from "${enrollment.schema}".audit_log where entity_id = $1 order by id`, [id]);
    expect(audited).toEqual(items.map((item) => ({ action: item.command === 'enrollment.apply' ? 'apply' : 'transition', sync_client_id: item.clientId })));
  });

  it('keeps communes apart and lets a province add its own service', async () => {
    const opened = await apply({ serviceCode: 'digital_signature', residentId: adult });
    expect((await request('GET', url(`/enrollments/${opened.body.id}`), outsider)).status).toBe(404);
    expect((await request('POST', url(`/enrollments/${opened.body.id}/transitions`), outsider, { to: 'issued' })).status).toBe(404);
    expect((await apply({ serviceCode: 'digital_signature', residentId: adult }, outsider)).status).toBe(403);
    expect((await request('GET', url(`/enrollments?communeCode=${commune}`), outsider)).status).toBe(403);
    expect((await request('GET', url(`/enrollments/${opened.body.id}`), officer)).status).toBe(200);
    expect((await request('POST', url('/enrollments'), officer, { communeCode: commune, serviceCode: 'cccd', residentId: adult })).status).toBe(403);

    const service = { code: `thanhhoas_${runId.slice(-4)}`, nameVi: 'Cài đặt ứng dụng ThanhHoaS', nameEn: 'ThanhHoaS app set up', subject: 'resident', states: ['installed', 'set_up'] };
    expect((await request('POST', url('/services'), officer, { ...service, provinceCode: '39' })).status).toBe(403);
    expect((await request('POST', url('/services'), officer, service)).status).toBe(403);
    expect((await request('POST', url('/services'), agent, { ...service, provinceCode: '38' })).status).toBe(403);
    expect((await request('POST', url('/services'), officer, { ...service, provinceCode: '38' })).status).toBe(201);
    const catalogue = await request<Array<{ code: string }>>('GET', url('/services?provinceCode=38'), agent);
    expect(catalogue.body.map((s) => s.code)).toEqual(expect.arrayContaining(['cccd', 'vneid_level2', 'org_eid', service.code]));
    const added = await apply({ serviceCode: service.code, residentId: adult });
    expect(added.body.allowedTransitions).toEqual(['set_up', 'rejected', 'cancelled']);
  });

  it('describes every endpoint with a summary and responses, and every schema field with an example', async () => {
    const gaps = openApiGaps((await request<OpenApiDocument>('GET', url('/docs-json'))).body);
    expect(gaps.operations).toBeGreaterThanOrEqual(10);
    expect([gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample]).toEqual([[], [], []]);
  });
});
