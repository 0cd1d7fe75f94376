import { randomUUID } from 'node:crypto';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { startServices, type RunningService } from '../../support/services';

// The household registry through its HTTP API, against the real Postgres and Kafka.
const runId = newRunId();
const commune = '30001';
const otherCommune = '30002';
const agent = testToken({ sub: 'agent-30001', role: 'field_agent', communes: [commune] });
const admin = testToken({ sub: 'admin-30001', role: 'commune_admin', communes: [commune] });
const outsider = testToken({ sub: 'admin-30002', role: 'commune_admin', communes: [otherCommune] });
const officer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });
const otherOfficer = testToken({ sub: 'officer-40', role: 'province_officer', province: '40' });
const integrator = testToken({ sub: 'integrator-38', role: 'integrator', province: '38' });

interface Household {
  id: string;
  version: number;
  villageCode: string;
  digitalCoreResidentId: string | null;
  villageHistory?: Array<{ villageCode: string; to: string | null }>;
}
interface Resident {
  id: string;
  version: number;
  status: string;
  duplicateFlags?: Array<{ flagId: string; duplicateOfId: string }>;
}
interface Problem {
  message: string;
  fields?: Array<{ field: string; reason: string }>;
  currentVersion?: number;
}

describe('household registry API', () => {
  let registry: RunningService;
  let stop: () => Promise<void>;
  const url = (path: string) => `${registry.url}${path}`;
  const newHousehold = async (village = 'THON-1', token = agent) => {
    const response = await request<Household>('POST', url('/households'), token, householdBody(commune, village));
    expect(response.status).toBe(201);
    return response.body;
  };
  const resident = (householdId: string, extra: Record<string, unknown> = {}) => ({
    householdId,
    fullName: 'Nguyễn Thị Lan',
    dateOfBirth: '1990-05-14',
    sex: 'female',
    ethnicity: 'Kinh',
    relationshipToHead: 'spouse',
    ownsSmartphone: true,
    ...extra,
  });
  const count = async (sql: string, params: unknown[] = []) => (await query<{ n: number }>(sql.replace('$schema', `"${registry.schema}"`), params))[0].n;

  beforeAll(async () => {
    ({ services: { 'household-registry': registry }, stop } = (await startServices(runId, ['household-registry'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1', 'THON-2']);
    await onboardCommune(registry.url, otherCommune, '40', ['THON-9']);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  describe('administrative units', () => {
    it('validates commune codes and rejects duplicates', async () => {
      const ops = testToken({ sub: 'ops', role: 'operations' });
      const bad = await request<Problem>('POST', url('/communes'), ops, { code: '3000', name: 'X', provinceCode: '3', provinceName: 'Tỉnh Y' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields!.map((f) => f.field).sort()).toEqual(['code', 'name', 'provinceCode']);
      const duplicate = await request<Problem>('POST', url('/communes'), ops, { code: commune, name: 'Xã trùng', provinceCode: '38', provinceName: 'Thanh Hóa' });
      expect(duplicate.status).toBe(409);
      const village = await request<Problem>('POST', url(`/communes/${commune}/villages`), admin, { code: 'THON-1', name: 'Thôn 1 lại' });
      expect(village.status).toBe(409);
      expect((await request('POST', url('/communes'), admin, { code: '30009', name: 'Xã mới', provinceCode: '38', provinceName: 'Thanh Hóa' })).status).toBe(403);
      expect((await request('POST', url(`/communes/${commune}/villages`), outsider, { code: 'THON-7', name: 'Thôn 7' })).status).toBe(403);
    });
  });

  describe('households', () => {
    it('updates with the version read and answers a stale version with 409 and the current version', async () => {
      const household = await newHousehold();
      const first = await request<Household>('PATCH', url(`/households/${household.id}`), agent, { version: 1, hasElectricity: false, mobileSignal: 'none' });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(2);
      const stale = await request<Problem>('PATCH', url(`/households/${household.id}`), admin, { version: 1, mobileSignal: 'good' });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(2);
      const current = await request<Household & { mobileSignal: string }>('GET', url(`/households/${household.id}`), agent);
      expect(current.body.mobileSignal).toBe('none');
    });

    it('keeps an optional GPS point, given as latitude and longitude together', async () => {
      const half = await request<Problem>('POST', url('/households'), agent, householdBody(commune, 'THON-1', { latitude: 19.8 }));
      expect(half.status).toBe(422);
      expect(half.body.fields![0].field).toBe('longitude');
      const outside = await request<Problem>('POST', url('/households'), agent, householdBody(commune, 'THON-1', { latitude: 191, longitude: 105.7 }));
      expect(outside.status).toBe(400);
      const placed = await request<Household & { latitude: number; longitude: number }>('POST', url('/households'), agent, householdBody(commune, 'THON-1', { latitude: 19.806712, longitude: 105.785201 }));
      expect(placed.status).toBe(201);
      const read = await request<{ latitude: number; longitude: number }>('GET', url(`/households/${placed.body.id}`), agent);
      expect([read.body.latitude, read.body.longitude]).toEqual([19.806712, 105.785201]);
    });

    it('moves a household between villages keeping its history', async () => {
      const household = await newHousehold('THON-1');
      const moved = await request<Household>('POST', url(`/households/${household.id}/move`), agent, { version: 1, villageCode: 'THON-2' });
      expect(moved.status).toBe(200);
      const read = await request<Household>('GET', url(`/households/${household.id}`), agent);
      expect(read.body.villageCode).toBe('THON-2');
      expect(read.body.villageHistory!.map((stay) => [stay.villageCode, stay.to === null])).toEqual([
        ['THON-1', false],
        ['THON-2', true],
      ]);
      expect((await request('POST', url(`/households/${household.id}/move`), agent, { version: 2, villageCode: 'THON-404' })).status).toBe(422);
    });

    it('sets the digital core to a living member and lists households without one', async () => {
      const household = await newHousehold('THON-2');
      const member = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Trần Văn Cường', dateOfBirth: '2001-03-02', sex: 'male' }));
      expect(member.status).toBe(201);
      const before = await request<{ items: Household[] }>('GET', url(`/households?communeCode=${commune}&withoutDigitalCore=true&pageSize=200`), agent);
      expect(before.body.items.map((h) => h.id)).toContain(household.id);
      const set = await request<Household>('PUT', url(`/households/${household.id}/digital-core`), agent, { version: 1, residentId: member.body.id });
      expect(set.status).toBe(200);
      expect(set.body.digitalCoreResidentId).toBe(member.body.id);
      const after = await request<{ items: Household[]; total: number }>('GET', url(`/households?communeCode=${commune}&withoutDigitalCore=true&pageSize=200`), agent);
      expect(after.body.items.map((h) => h.id)).not.toContain(household.id);
      const stranger = await newHousehold('THON-2');
      const notMember = await request<Problem>('PUT', url(`/households/${stranger.id}/digital-core`), agent, { version: 1, residentId: member.body.id });
      expect(notMember.status).toBe(422);
    });
  });

  describe('residents', () => {
    it('validates the 12-digit ID number against date of birth and sex with a clear reason', async () => {
      const household = await newHousehold();
      const cases: Array<[string, RegExp]> = [
        ['03819001234', /12 digits/],
        ['003190012345', /province/],
        ['038090012345', /female|male/],
        ['038288012345', /born|century/i],
        ['038185012345', /year/],
      ];
      for (const [idNumber, reason] of cases) {
        const response = await request<Problem>('POST', url('/residents'), agent, resident(household.id, { idNumber }));
        expect(response.status).toBe(422);
        expect(response.body.fields![0].field).toBe('idNumber');
        expect(response.body.fields![0].reason).toMatch(reason);
      }
      expect(await count('select count(*)::int as n from $schema.residents where household_id = $1', [household.id])).toBe(0);
      const valid = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { idNumber: '038190012345' }));
      expect(valid.status).toBe(201);
    });

    it('allows one resident per ID number in a commune (409)', async () => {
      const household = await newHousehold();
      const first = await request('POST', url('/residents'), agent, resident(household.id, { fullName: 'Lê Thị Hoa', idNumber: '038195004321', dateOfBirth: '1995-01-01' }));
      expect(first.status).toBe(201);
      const again = await request<Problem>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Lê Thị Hoa B', idNumber: '038195004321', dateOfBirth: '1995-01-01' }));
      expect(again.status).toBe(409);
      expect(again.body.fields![0].field).toBe('idNumber');
    });

    it('flags likely duplicates (same name without diacritics and birth date) for review instead of merging', async () => {
      const household = await newHousehold();
      const original = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Phạm Thị Ánh', dateOfBirth: '1988-08-08' }));
      const lookalike = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: '  pham thi  anh ', dateOfBirth: '1988-08-08' }));
      expect(lookalike.status).toBe(201);
      expect(lookalike.body.id).not.toBe(original.body.id);
      expect(lookalike.body.duplicateFlags).toEqual([{ flagId: expect.any(String), duplicateOfId: original.body.id }]);
      const open = await request<{ items: Array<{ id: string; residentId: string }> }>('GET', url(`/duplicate-flags?communeCode=${commune}`), admin);
      expect(open.body.items.map((f) => f.residentId)).toContain(lookalike.body.id);
      const flagId = lookalike.body.duplicateFlags![0].flagId;
      expect((await request('POST', url(`/duplicate-flags/${flagId}/resolve`), agent, { decision: 'not_duplicate' })).status).toBe(403);
      expect((await request('POST', url(`/duplicate-flags/${flagId}/resolve`), admin, { decision: 'not_duplicate' })).status).toBe(200);
      expect((await request('POST', url(`/duplicate-flags/${flagId}/resolve`), admin, { decision: 'duplicate' })).status).toBe(409);
    });

    it('searches by name ignoring diacritics, by ID number and by village, paginated', async () => {
      const household = await newHousehold('THON-2');
      await request('POST', url('/residents'), agent, resident(household.id, { fullName: 'Đặng Văn Đức', sex: 'male', dateOfBirth: '1970-02-02', idNumber: '038070098765' }));
      const byName = await request<{ items: Array<{ fullName: string }>; total: number }>('GET', url(`/residents?communeCode=${commune}&q=dang%20van%20duc`), agent);
      expect(byName.body.items.map((r) => r.fullName)).toEqual(['Đặng Văn Đức']);
      const byId = await request<{ items: Array<{ fullName: string }> }>('GET', url(`/residents?communeCode=${commune}&idNumber=038070098765`), agent);
      expect(byId.body.items).toHaveLength(1);
      const page = await request<{ items: unknown[]; total: number; pageSize: number }>('GET', url(`/residents?communeCode=${commune}&villageCode=THON-2&pageSize=1&page=1`), agent);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.total).toBeGreaterThanOrEqual(2);
      expect((await request('GET', url(`/residents?communeCode=${commune}&pageSize=1000`), agent)).status).toBe(400);
    });

    it('counts residents eligible by age on a date per village, excluding those who left or died', async () => {
      const household = await newHousehold('THON-1');
      const onDate = '2026-08-02';
      const before = await request<{ villages: Array<{ villageCode: string; eligible: number }> }>('GET', url(`/residents/eligible?communeCode=${commune}&onDate=${onDate}`), agent);
      const eligibleIn = (body: typeof before.body) => body.villages.find((v) => v.villageCode === 'THON-1')!.eligible;
      await request('POST', url('/residents'), agent, resident(household.id, { fullName: 'Vừa Đủ Tuổi', dateOfBirth: '2012-08-02', relationshipToHead: 'child' }));
      await request('POST', url('/residents'), agent, resident(household.id, { fullName: 'Chưa Đủ Tuổi', dateOfBirth: '2012-08-03', relationshipToHead: 'child' }));
      const leaving = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Sắp Chuyển Đi', dateOfBirth: '1980-01-01' }));
      const moved = await request<Resident>('POST', url(`/residents/${leaving.body.id}/move-out`), agent, { version: 1 });
      expect(moved.body.status).toBe('moved_out');
      const after = await request<{ villages: Array<{ villageCode: string; eligible: number }> }>('GET', url(`/residents/eligible?communeCode=${commune}&onDate=${onDate}`), agent);
      expect(eligibleIn(after.body) - eligibleIn(before.body)).toBe(1);
      expect((await request('POST', url(`/residents/${leaving.body.id}/deceased`), agent, { version: 2 })).status).toBe(409);
      const elder = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Cụ Già', dateOfBirth: '1930-01-01', relationshipToHead: 'grandparent' }));
      const died = await request<Resident>('POST', url(`/residents/${elder.body.id}/deceased`), agent, { version: 1 });
      expect(died.body.status).toBe('deceased');
      const last = await request<{ villages: Array<{ villageCode: string; eligible: number }> }>('GET', url(`/residents/eligible?communeCode=${commune}&onDate=${onDate}`), agent);
      expect(eligibleIn(last.body)).toBe(eligibleIn(after.body));
    });
  });

  describe('visits and organisations', () => {
    it('records a visit with outcome, obstacles and follow-up date', async () => {
      const household = await newHousehold();
      const visit = await request<{ outcome: string; obstacles: string[] }>('POST', url(`/households/${household.id}/visits`), agent, {
        outcome: 'partly_done',
        obstacles: ['no_smartphone', 'elderly'],
        followUpDate: '2099-01-01',
        teamId: randomUUID(),
      });
      expect(visit.status).toBe(201);
      expect(visit.body.obstacles).toEqual(['no_smartphone', 'elderly']);
      const bad = await request<Problem>('POST', url(`/households/${household.id}/visits`), agent, { outcome: 'maybe', obstacles: ['rain'] });
      expect(bad.status).toBe(400);
      expect(bad.body.fields!.map((f) => f.field).sort()).toEqual(['obstacles', 'outcome']);
      const list = await request<unknown[]>('GET', url(`/households/${household.id}/visits`), agent);
      expect(list.body).toHaveLength(1);
    });

    it('registers organisations and records their e-identification', async () => {
      const created = await request<{ id: string; version: number; eIdStatus: string }>('POST', url('/organisations'), agent, {
        communeCode: commune,
        villageCode: 'THON-1',
        name: 'HTX Nông nghiệp Đông Tiến',
        taxCode: '2801234567',
        kind: 'cooperative',
      });
      expect(created.status).toBe(201);
      expect((await request('POST', url('/organisations'), agent, { communeCode: commune, villageCode: 'THON-1', name: 'Trùng', taxCode: '2801234567', kind: 'enterprise' })).status).toBe(409);
      const identified = await request<{ eIdStatus: string; version: number }>('PUT', url(`/organisations/${created.body.id}/e-id-status`), agent, { version: 1, eIdStatus: 'identified' });
      expect(identified.body.eIdStatus).toBe('identified');
      const done = await request<{ total: number }>('GET', url(`/organisations?communeCode=${commune}&eIdStatus=identified`), officer);
      expect(done.body.total).toBe(1);
    });
  });

  describe('offline sync', () => {
    it('applies a batch once: a retry returns the same per-item results and creates nothing twice; a bad item does not block the others', async () => {
      const householdClientId = randomUUID();
      const items = [
        { clientId: householdClientId, command: 'household.register', occurredAt: '2026-07-20T07:00:00.000Z', payload: householdBody(commune, 'THON-2') },
        { clientId: randomUUID(), command: 'resident.register', occurredAt: '2026-07-20T07:05:00.000Z', refs: { householdId: householdClientId }, payload: { ...resident('ignored'), householdId: undefined, fullName: 'Hoàng Văn Sync' } },
        { clientId: randomUUID(), command: 'resident.register', occurredAt: '2026-07-20T07:06:00.000Z', refs: { householdId: householdClientId }, payload: { ...resident('ignored'), householdId: undefined, idNumber: '12345' } },
        { clientId: randomUUID(), command: 'visit.record', occurredAt: '2026-07-20T07:10:00.000Z', refs: { target: householdClientId }, payload: { outcome: 'done', obstacles: [] } },
        { clientId: randomUUID(), command: 'household.register', occurredAt: '2026-07-20T07:11:00.000Z', payload: { ...householdBody(commune, 'THON-1'), unknownField: 1 } },
      ];
      const households = () => count('select count(*)::int as n from $schema.households');
      const residents = () => count('select count(*)::int as n from $schema.residents');
      const [h0, r0] = [await households(), await residents()];
      const first = await request<{ results: Array<{ clientId: string; status: number; body: Problem & { id?: string; registeredAt?: string }; replayed: boolean }> }>('POST', url('/sync'), agent, { items });
      expect(first.status).toBe(200);
      expect(first.body.results.map((r) => r.status)).toEqual([201, 201, 422, 201, 400]);
      expect(first.body.results[2].body.fields![0].field).toBe('idNumber');
      expect(first.body.results[4].body.fields![0].field).toBe('payload.unknownField');
      expect(first.body.results[0].body.registeredAt).toBe('2026-07-20T07:00:00.000Z');
      expect([await households(), await residents()]).toEqual([h0 + 1, r0 + 1]);

      const retry = await request<typeof first.body>('POST', url('/sync'), agent, { items });
      expect(retry.body.results.map((r) => [r.status, r.replayed])).toEqual(first.body.results.map((r) => [r.status, true]));
      expect(retry.body.results.map((r) => r.body)).toEqual(first.body.results.map((r) => r.body));
      expect([await households(), await residents()]).toEqual([h0 + 1, r0 + 1]);

      const stolen = await request<typeof first.body>('POST', url('/sync'), outsider, { items: [items[0]] });
      expect(stolen.body.results[0].status).toBe(409);
      expect(JSON.stringify(stolen.body.results[0].body)).not.toContain(first.body.results[0].body.id!);
      const reusedForAnotherCommand = await request<typeof first.body>('POST', url('/sync'), agent, { items: [{ ...items[3], clientId: householdClientId }] });
      expect(reusedForAnotherCommand.body.results[0].status).toBe(409);
    });

    it('rejects a malformed batch as a whole with 400', async () => {
      const response = await request<Problem>('POST', url('/sync'), agent, { items: [{ clientId: 'not-a-uuid', command: 'household.explode', payload: {} }] });
      expect(response.status).toBe(400);
      expect(response.body.fields!.map((f) => f.field)).toEqual(expect.arrayContaining(['items.0.clientId', 'items.0.occurredAt']));
      const unknown = await request<{ results: Array<{ status: number; body: Problem }> }>('POST', url('/sync'), agent, {
        items: [{ clientId: randomUUID(), command: 'household.explode', occurredAt: '2026-07-20T07:00:00.000Z', payload: {} }],
      });
      expect(unknown.body.results[0].status).toBe(400);
      expect(unknown.body.results[0].body.fields![0].field).toBe('command');
    });
  });

  describe('tenant isolation and audit', () => {
    it('keeps one commune out of another commune’s data', async () => {
      const household = await newHousehold();
      const member = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Bí Mật Riêng', dateOfBirth: '1999-09-09' }));
      expect((await request('GET', url(`/households/${household.id}`), outsider)).status).toBe(404);
      expect((await request('GET', url(`/residents/${member.body.id}`), outsider)).status).toBe(404);
      expect((await request('PATCH', url(`/households/${household.id}`), outsider, { version: 1, hasInternet: true })).status).toBe(404);
      expect((await request('POST', url(`/residents/${member.body.id}/move-out`), outsider, { version: 1 })).status).toBe(404);
      expect((await request('POST', url(`/households/${household.id}/visits`), outsider, { outcome: 'done', obstacles: [] })).status).toBe(404);
      expect((await request('POST', url('/residents'), outsider, resident(household.id))).status).toBe(422);
      expect((await request('GET', url(`/residents?communeCode=${commune}`), outsider)).status).toBe(403);
      expect((await request('GET', url(`/households?communeCode=${commune}`), otherOfficer)).status).toBe(403);
      expect((await request('GET', url(`/residents?communeCode=${commune}`), integrator)).status).toBe(403);
      expect((await request('POST', url('/households'), officer, householdBody(commune, 'THON-1'))).status).toBe(403);
      expect((await request('GET', url(`/households/${household.id}`), officer)).status).toBe(200);
    });

    it('records who changed what and when, from the token subject', async () => {
      const household = await newHousehold('THON-1', admin);
      await request('PATCH', url(`/households/${household.id}`), agent, { version: 1, smartDevices: 3 });
      const audit = await request<{ items: Array<{ actor: string; action: string; fields: string[] }> }>('GET', url(`/audit?communeCode=${commune}&entity=household&entityId=${household.id}`), admin);
      expect(audit.body.items.map((e) => [e.actor, e.action])).toEqual([
        ['agent-30001', 'update'],
        ['admin-30001', 'register'],
      ]);
      expect(audit.body.items[0].fields).toEqual(['smartDevices']);
    });
  });

  describe('OpenAPI', () => {
    it('describes every endpoint with a summary and responses, and every schema field with an example', async () => {
      const { body: doc } = await request<OpenApiDocument>('GET', url('/docs-json'));
      const gaps = openApiGaps(doc);
      expect(gaps.operations).toBeGreaterThanOrEqual(25);
      expect([gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample]).toEqual([[], [], []]);
    });
  });

  describe('published events', () => {
    it('carry no names, ID numbers, phone numbers or birth dates', async () => {
      const household = await newHousehold();
      const member = await request<Resident>('POST', url('/residents'), agent, resident(household.id, { fullName: 'Kiểm Tra Riêng Tư', idNumber: '038191011111', phone: '0912345678', dateOfBirth: '1991-11-11' }));
      await request('PATCH', url(`/residents/${member.body.id}`), agent, { version: 1, ownsSmartphone: false });
      const reader = await collectTopic(`t-${runId}.household-registry.events`, `t-${runId}.pii-${randomUUID()}`);
      try {
        await eventually(() => {
          expect(reader.messages.filter((m) => m.message.key?.toString() === member.body.id)).toHaveLength(2);
          const types = new Set(reader.messages.map((m) => m.message.headers?.ce_type?.toString()));
          expect([...types]).toEqual(
            expect.arrayContaining([
              'vn.dtc.registry.household.registered.v1',
              'vn.dtc.registry.household.updated.v1',
              'vn.dtc.registry.household.moved.v1',
              'vn.dtc.registry.household.digital-core-set.v1',
              'vn.dtc.registry.resident.registered.v1',
              'vn.dtc.registry.resident.updated.v1',
              'vn.dtc.registry.resident.moved-out.v1',
              'vn.dtc.registry.visit.recorded.v1',
              'vn.dtc.registry.organisation.registered.v1',
              'vn.dtc.registry.organisation.e-identified.v1',
            ]),
          );
        });
        const all = reader.messages.map((m) => m.message.value!.toString()).join('\n');
        for (const secret of ['Kiểm Tra Riêng Tư', 'Nguyễn Thị Lan', 'Nguyễn Văn An', '038191011111', '0912345678', '1991-11-11', 'Xóm Bãi']) expect(all).not.toContain(secret);
      } finally {
        await reader.stop();
      }
    });
  });
});
