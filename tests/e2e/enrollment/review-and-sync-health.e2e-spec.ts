import { randomUUID } from 'node:crypto';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Issue 17: a commune admin verifies or returns enrollment steps (published through the real
// broker for verified-only reports), and sees whose phone has not synced (GET /sync/health).
const runId = newRunId();
const [A, B] = ['40011', '40012'];
const recorder = testToken({ sub: 'member-recorder', role: 'field_agent', communes: [A] });
const lan = testToken({ sub: 'member-lan', role: 'field_agent', communes: [A] });
const agentB = testToken({ sub: 'member-b', role: 'field_agent', communes: [B] });
const adminA = testToken({ sub: 'admin-a', role: 'commune_admin', communes: [A] });
const adminB = testToken({ sub: 'admin-b', role: 'commune_admin', communes: [B] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const ops = testToken({ sub: 'ops-1', role: 'operations' });

interface Step {
  stepNumber: number | null;
  to: string | null;
  obstacle: string | null;
  reviewStatus: string | null;
  reviewReason: string | null;
  reviewedBy: string | null;
}
interface Enrollment {
  id: string;
  validation: string;
  history: Step[];
}
interface Problem {
  message: string;
  fields?: Array<{ field: string; reason: string }>;
}
interface Device {
  deviceId: string | null;
  itemsUploaded: number;
  refused: number;
  lastRefusedAt: string | null;
}
interface Health {
  communeCode: string;
  days: number;
  since: string;
  members: Array<{ memberId: string; lastUploadAt: string | null; itemsUploaded: number; refused: number; pendingEnrollments?: number; devices: Device[] }>;
}

/** POST /sync with the phone's x-device-id (the shared request helper sends no extra headers). */
async function sync(url: string, token: string, items: unknown[], deviceId?: string) {
  const response = await fetch(`${url}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(deviceId !== undefined ? { 'x-device-id': deviceId } : {}) },
    body: JSON.stringify({ items }),
  });
  return { status: response.status, body: (await response.json()) as { results: Array<{ status: number; body: { id?: string } }> } & Problem };
}

describe('enrollment step review and sync health', () => {
  let registry: RunningService;
  let enrollment: RunningService;
  let stop: () => Promise<void>;
  let adult: string;
  const url = (path: string) => `${enrollment.url}${path}`;
  const review = (id: string, step: number | string, body: unknown, token = adminA) => request<Enrollment & Problem>('POST', url(`/enrollments/${id}/steps/${step}/review`), token, body);

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, enrollment }, stop } = (await startServices(runId, ['household-registry', 'enrollment'])) as never);
    await onboardCommune(registry.url, A, '38', ['THON-1']);
    await onboardCommune(registry.url, B, '38', ['THON-1']);
    const household = await request<{ id: string }>('POST', `${registry.url}/households`, recorder, householdBody(A, 'THON-1'));
    const resident = await request<{ id: string }>('POST', `${registry.url}/residents`, recorder, {
      householdId: household.body.id,
      fullName: 'Nguyễn Thị Lan',
      dateOfBirth: '1990-05-14',
      sex: 'female',
      ethnicity: 'Kinh',
      relationshipToHead: 'spouse',
    });
    adult = resident.body.id;
    await eventually(async () => {
      const probe = await request<Enrollment>('POST', url('/enrollments'), recorder, { communeCode: A, serviceCode: 'ehealth_book', residentId: adult });
      expect(probe.body.validation).toBe('valid');
    });
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('verifies or returns a step by its number (obstacles have none), publishes each verdict, and refuses what cannot be reviewed', async () => {
    const events = await collectTopic(`t-${runId}.enrollment.events`, `t-${runId}.probe-${randomUUID()}`);
    try {
      const opened = await request<Enrollment>('POST', url('/enrollments'), recorder, { communeCode: A, serviceCode: 'vneid_level2', residentId: adult });
      expect(opened.status).toBe(201);
      const id = opened.body.id;
      expect((await request('POST', url(`/enrollments/${id}/obstacles`), recorder, { obstacle: 'no_signal' })).status).toBe(200);
      expect((await request('POST', url(`/enrollments/${id}/transitions`), recorder, { to: 'issued', occurredAt: '2026-07-22T09:15:00.000Z' })).status).toBe(200);
      const before = await request<Enrollment>('GET', url(`/enrollments/${id}`), recorder);
      expect(before.body.history.map((s) => [s.stepNumber, s.to, s.reviewStatus])).toEqual([
        [1, 'registered', 'unreviewed'],
        [null, null, null],
        [2, 'issued', 'unreviewed'],
      ]);

      // Who may review: the commune's admins and operations; another commune's admin does not see it.
      expect((await review(id, 2, { verdict: 'verified' }, recorder)).status).toBe(403);
      expect((await review(id, 2, { verdict: 'verified' }, officer)).status).toBe(403);
      const other = await review(id, 2, { verdict: 'verified' }, adminB);
      expect(other.status).toBe(404);
      // What is reviewed: a step that exists, returned with a reason.
      expect((await review(id, 3, { verdict: 'verified' })).status).toBe(404);
      const zero = await review(id, 0, { verdict: 'verified' });
      expect([zero.status, zero.body.fields?.[0].field]).toEqual([400, 'stepNumber']);
      const badVerdict = await review(id, 2, { verdict: 'approved' });
      expect([badVerdict.status, badVerdict.body.fields?.[0].field]).toEqual([400, 'verdict']);
      const noReason = await review(id, 2, { verdict: 'returned' });
      expect([noReason.status, noReason.body.fields?.[0].field]).toEqual([422, 'reason']);

      const returned = await review(id, 2, { verdict: 'returned', reason: 'Chưa có ảnh chụp tài khoản đã cấp' });
      expect(returned.status).toBe(200);
      expect(returned.body.history[2]).toMatchObject({ stepNumber: 2, reviewStatus: 'returned', reviewReason: 'Chưa có ảnh chụp tài khoản đã cấp', reviewedBy: 'admin-a' });
      const again = await review(id, 2, { verdict: 'returned', reason: 'again' });
      expect(again.status).toBe(409);
      const verified = await review(id, 2, { verdict: 'verified' }, ops);
      expect(verified.status).toBe(200);
      expect((await request<Enrollment>('GET', url(`/enrollments/${id}`), recorder)).body.history[2]).toMatchObject({ reviewStatus: 'verified', reviewReason: null, reviewedBy: 'ops-1' });
      expect((await review(id, 1, { verdict: 'verified' })).status).toBe(200);

      // A pending enrollment's steps are not published yet: nothing to review.
      const held = await request<Enrollment>('POST', url('/enrollments'), recorder, { communeCode: A, serviceCode: 'vneid_level2', residentId: randomUUID() });
      expect([held.status, held.body.validation]).toEqual([202, 'pending_subject']);
      expect((await review(held.body.id, 1, { verdict: 'verified' })).status).toBe(409);

      const history = await query<{ step_number: number; verdict: string; reviewed_by: string }>(
        `select step_number, verdict, reviewed_by from "${enrollment.schema}".enrollment_step_reviews where enrollment_id = $1 order by id`,
        [id],
      );
      expect(history.map((r) => [r.step_number, r.verdict, r.reviewed_by])).toEqual([
        [2, 'returned', 'admin-a'],
        [2, 'verified', 'ops-1'],
        [1, 'verified', 'admin-a'],
      ]);
      const audit = await query<{ n: number }>(`select count(*)::int as n from "${enrollment.schema}".audit_log where entity_id = $1 and action = 'review-step'`, [id]);
      expect(audit[0].n).toBe(3);

      await eventually(() => {
        const reviews = events.messages
          .filter((m) => m.message.key?.toString() === id)
          .map((m) => JSON.parse(m.message.value!.toString()))
          .filter((e) => e.type === 'vn.dtc.enrollment.step.reviewed.v1');
        expect(reviews.map((e) => [e.data.stepNumber, e.data.stepState, e.data.verdict, e.data.reason ?? null])).toEqual([
          [2, 'issued', 'returned', 'Chưa có ảnh chụp tài khoản đã cấp'],
          [2, 'issued', 'verified', null],
          [1, 'registered', 'verified', null],
        ]);
        expect(reviews[0].data).toMatchObject({ enrollmentId: id, residentId: adult, serviceCode: 'vneid_level2', stepOccurredAt: '2026-07-22T09:15:00.000Z' });
        expect(JSON.stringify(reviews)).not.toMatch(/Nguyễn/);
      });
      expect(events.messages.some((m) => m.message.key?.toString() === held.body.id)).toBe(false);
    } finally {
      await events.stop();
    }
  });

  it('lists the steps returned and not yet redone with the member who recorded them, until a later step or a verification', async () => {
    const household = await request<{ id: string }>('POST', `${registry.url}/households`, recorder, householdBody(A, 'THON-1'));
    const resident = await request<{ id: string }>('POST', `${registry.url}/residents`, recorder, {
      householdId: household.body.id,
      fullName: 'Trần Văn Bình',
      dateOfBirth: '1985-02-03',
      sex: 'male',
      ethnicity: 'Kinh',
      relationshipToHead: 'head',
    });
    const [teamId, memberId] = [randomUUID(), randomUUID()];
    const open = async (serviceCode: string) => {
      const opened = await eventually(async () => {
        const response = await request<Enrollment>('POST', url('/enrollments'), recorder, { communeCode: A, serviceCode, residentId: resident.body.id, teamId, memberId });
        // Held as pending (202) until the registry's resident event arrives, then answered as it stands (200).
        expect([[200, 201].includes(response.status), response.body.validation]).toEqual([true, 'valid']);
        return response;
      });
      return opened.body.id;
    };
    const vneid = await open('vneid_level2');
    const ehealth = await open('ehealth_book');
    expect((await request('POST', url(`/enrollments/${vneid}/transitions`), recorder, { to: 'issued', teamId, memberId })).status).toBe(200);
    expect((await review(vneid, 2, { verdict: 'returned', reason: 'Chưa kích hoạt trên điện thoại' })).status).toBe(200);
    expect((await review(ehealth, 1, { verdict: 'returned', reason: 'Sai ngày sinh' })).status).toBe(200);
    const returned = async () => (await request<{ items: Array<Record<string, unknown>>; truncated: boolean }>('GET', url(`/enrollments/returned?communeCode=${A}`), adminA)).body;
    const mine = async () => (await returned()).items.filter((item) => item.subjectId === resident.body.id);
    // Newest returned first.
    expect(await mine()).toEqual([
      { enrollmentId: ehealth, serviceCode: 'ehealth_book', subjectType: 'resident', subjectId: resident.body.id, stepNumber: 1, state: 'registered', teamId, memberId, occurredAt: expect.any(String), reason: 'Sai ngày sinh', returnedAt: expect.any(String) },
      { enrollmentId: vneid, serviceCode: 'vneid_level2', subjectType: 'resident', subjectId: resident.body.id, stepNumber: 2, state: 'issued', teamId, memberId, occurredAt: expect.any(String), reason: 'Chưa kích hoạt trên điện thoại', returnedAt: expect.any(String) },
    ]);
    expect((await returned()).truncated).toBe(false);
    // The team moves on (a later step), and the other is verified once fixed: neither waits any more.
    expect((await request('POST', url(`/enrollments/${vneid}/transitions`), recorder, { to: 'activated', teamId, memberId })).status).toBe(200);
    expect((await review(ehealth, 1, { verdict: 'verified' })).status).toBe(200);
    expect(await mine()).toEqual([]);

    // The commune's admins and operations; nobody else, and never another commune's.
    expect((await request('GET', url(`/enrollments/returned?communeCode=${A}`), ops)).status).toBe(200);
    for (const token of [recorder, officer, adminB]) expect((await request('GET', url(`/enrollments/returned?communeCode=${A}`), token)).status).toBe(403);
    const bad = await request<Problem>('GET', url('/enrollments/returned?communeCode=4001'), adminA);
    expect([bad.status, bad.body.fields?.[0].field]).toEqual([400, 'communeCode']);
  });

  it("shows per member and phone what was uploaded and refused, and the enrollments held for their resident; another commune's uploads never", async () => {
    const applyId = randomUUID();
    const first = await sync(url(''), lan, [{ clientId: applyId, command: 'enrollment.apply', occurredAt: new Date().toISOString(), payload: { communeCode: A, serviceCode: 'cccd', residentId: randomUUID() } }], 'lan-phone-1');
    expect(first.status).toBe(200);
    expect(first.body.results[0].status).toBe(201);
    // The second phone's item is refused (409: no such state), and stored for the phone's retries.
    const second = await sync(url(''), lan, [{ clientId: randomUUID(), command: 'enrollment.transition', occurredAt: new Date().toISOString(), refs: { target: applyId }, payload: { to: 'flying' } }], 'lan-phone-2');
    expect(second.body.results[0].status).toBe(409);
    const inB = await sync(url(''), agentB, [{ clientId: randomUUID(), command: 'enrollment.apply', occurredAt: new Date().toISOString(), payload: { communeCode: B, serviceCode: 'cccd', residentId: randomUUID() } }], 'b-phone');
    expect(inB.body.results[0].status).toBe(201);

    const stored = async () => (await query<{ n: number }>(`select count(*)::int as n from "${enrollment.schema}".sync_results`))[0].n;
    const storedBefore = await stored();
    for (const bad of ['phone 1', 'x'.repeat(65), 'a/b']) {
      const refused = await sync(url(''), lan, [{ clientId: randomUUID(), command: 'enrollment.apply', occurredAt: new Date().toISOString(), payload: { communeCode: A, serviceCode: 'cccd', residentId: randomUUID() } }], bad);
      expect([refused.status, refused.body.fields?.[0].field]).toEqual([400, 'x-device-id']);
    }
    expect(await stored()).toBe(storedBefore);

    const health = await request<Health>('GET', url(`/sync/health?communeCode=${A}`), adminA);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ communeCode: A, days: 7 });
    const member = health.body.members.find((m) => m.memberId === 'member-lan');
    expect(member).toMatchObject({ itemsUploaded: 2, refused: 1, pendingEnrollments: 1 });
    expect(member!.devices.map((d) => [d.deviceId, d.itemsUploaded, d.refused])).toEqual([
      ['lan-phone-1', 1, 0],
      ['lan-phone-2', 1, 1],
    ]);
    expect(member!.devices[1].lastRefusedAt).toEqual(expect.any(String));
    // The recorder uploaded nothing but holds one enrollment waiting for its resident.
    expect(health.body.members.find((m) => m.memberId === 'member-recorder')).toMatchObject({ lastUploadAt: null, itemsUploaded: 0, pendingEnrollments: 1, devices: [] });
    expect(JSON.stringify(health.body)).not.toMatch(/member-b|b-phone/);

    const healthB = await request<Health>('GET', url(`/sync/health?communeCode=${B}&days=1`), adminB);
    expect(healthB.body.members.map((m) => [m.memberId, m.devices.map((d) => d.deviceId), m.pendingEnrollments])).toEqual([['member-b', ['b-phone'], 1]]);
    expect((await request('GET', url(`/sync/health?communeCode=${A}`), adminB)).status).toBe(403);
    expect((await request('GET', url(`/sync/health?communeCode=${A}`), lan)).status).toBe(403);
    expect((await request('GET', url(`/sync/health?communeCode=${A}`), officer)).status).toBe(403);
    expect((await request('GET', url(`/sync/health?communeCode=${A}&days=90`), ops)).status).toBe(200);
    for (const days of ['0', '91', 'abc']) {
      const bad = await request<Problem>('GET', url(`/sync/health?communeCode=${A}&days=${days}`), adminA);
      expect([bad.status, bad.body.fields?.[0].field]).toEqual([400, 'days']);
    }
  });

  it("answers the registry's sync health the same way", async () => {
    const registered = await sync(registry.url, lan, [{ clientId: randomUUID(), command: 'household.register', occurredAt: new Date().toISOString(), payload: householdBody(A, 'THON-1') }], 'lan-phone-1');
    expect(registered.body.results[0].status).toBe(201);
    const health = await request<Health>('GET', `${registry.url}/sync/health?communeCode=${A}`, adminA);
    expect(health.body.members.find((m) => m.memberId === 'member-lan')).toMatchObject({ itemsUploaded: 1, refused: 0, devices: [expect.objectContaining({ deviceId: 'lan-phone-1' })] });
    expect(health.body.members.every((m) => m.pendingEnrollments === undefined)).toBe(true);
    expect((await request('GET', `${registry.url}/sync/health?communeCode=${A}`, adminB)).status).toBe(403);
  });
});
