import { randomUUID } from 'node:crypto';
import { vietnamMonth } from '@dtc/platform';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testKafka, testToken } from '@dtc/testkit';
import { onboardCommune } from '../../support/demo-commune';
import { request, type JsonResponse } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { findPersonalData, type PersonalValue } from '../../support/personal-data';
import { startServices, type RunningService, type ServiceName } from '../../support/services';

// Personal data (names, ID numbers, phones, dates of birth, addresses) is written through all four
// services, also in requests that fail validation; none of it may reach Kafka, the logs or the
// metrics, and every write must be in the audit log with its actor and tenant, without values.
const runId = newRunId();
const commune = '46101';
const neighbourCommune = '46102';
const province = '46';
const agent = testToken({ sub: 'pd-agent-46101', role: 'field_agent', communes: [commune] });
const admin = testToken({ sub: 'pd-admin-46101', role: 'commune_admin', communes: [commune] });
const officer = testToken({ sub: 'pd-officer-46', role: 'province_officer', province });
const ops = testToken({ sub: 'pd-ops', role: 'operations' });
const neighbour = testToken({ sub: 'pd-admin-46102', role: 'commune_admin', communes: [neighbourCommune] });
const integrator = testToken({ sub: 'pd-integrator-46', role: 'integrator', province });

const HEAD = { fullName: 'Trịnh Văn Quyết', idNumber: '046062531907', phone: '0913572468', dateOfBirth: '1962-11-08', sex: 'male' } as const;
const SPOUSE = { fullName: 'Lê Thị Ngọc Diệp', idNumber: '046165294638', phone: '0386420975', dateOfBirth: '1965-04-23', sex: 'female' } as const;
const SPOUSE_NEW_PHONE = '0867319254';
const SYNCED = { fullName: 'Võ Thị Kim Oanh', idNumber: '046188604172', phone: '0708246135', dateOfBirth: '1988-06-19', sex: 'female' } as const;
/** Only ever sent in requests that fail validation. */
const REFUSED = { fullName: 'Phạm Thị Bích Ngọc', idNumber: '046197713380', phone: '0971246835', dateOfBirth: '1997-09-30', sex: 'female' } as const;
const MEMBER = { fullName: 'Đặng Minh Khuê', phone: '0354817926' };
const WALK_IN = 'Lương Thị Thủy Tiên';
const SYNCED_WALK_IN = 'Hồ Sỹ Đức Thắng';
const ADDRESS = 'Số 27 ngõ 118 đường Lê Lợi, tổ dân phố Yên Hòa';
const SYNCED_ADDRESS = 'Xóm Rú Mưng, đội 6, khu Bãi Sậy';
const REFUSED_ADDRESS = 'Số 5 hẻm 73 đường Trần Hưng Đạo';

const PERSONAL: PersonalValue[] = [
  ...[HEAD, SPOUSE, SYNCED, REFUSED].flatMap((p): PersonalValue[] => [
    { kind: 'name', value: p.fullName },
    { kind: 'idNumber', value: p.idNumber },
    { kind: 'phone', value: p.phone },
    { kind: 'dateOfBirth', value: p.dateOfBirth },
  ]),
  { kind: 'phone', value: SPOUSE_NEW_PHONE },
  { kind: 'name', value: MEMBER.fullName },
  { kind: 'phone', value: MEMBER.phone },
  { kind: 'name', value: WALK_IN },
  { kind: 'name', value: SYNCED_WALK_IN },
  { kind: 'address', value: ADDRESS },
  { kind: 'address', value: SYNCED_ADDRESS },
  { kind: 'address', value: REFUSED_ADDRESS },
];

const SERVICES: ServiceName[] = ['household-registry', 'enrollment', 'training', 'reporting'];

interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  communeCode: string | null;
  provinceCode: string | null;
  fields: string[];
  syncClientId: string | null;
  at: string;
}
interface AuditPage {
  items: AuditEntry[];
  total: number;
}
/** A write this test made, as the audit log must show it. */
interface ExpectedAudit {
  service: ServiceName;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  communeCode?: string;
  provinceCode?: string;
  fields?: string[];
  syncClientId?: string;
}
interface SyncResult {
  results: Array<{ clientId: string; status: number; body: { id?: string; fields?: Array<{ field: string }>; attendanceId?: string; results?: Array<{ status: number; attendanceId?: string; walkInId?: string }> } }>;
}

describe('personal data stays out of events, logs and metrics; every write is audited', () => {
  let services: Record<ServiceName, RunningService>;
  let stop: () => Promise<void>;
  const expected: ExpectedAudit[] = [];
  const failed: Array<{ what: string; status: number }> = [];
  const at = (service: ServiceName, path: string) => `${services[service].url}${path}`;
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600000).toISOString();

  /** A write that must succeed; its audit entry is expected. */
  async function write<T>(service: ServiceName, method: string, path: string, token: string, body: unknown, status: number): Promise<T> {
    const response = await request<T>(method, at(service, path), token, body);
    if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /** A request that must be refused (4xx) and write nothing. */
  async function refused(what: string, service: ServiceName, method: string, path: string, token: string, body: unknown): Promise<JsonResponse> {
    const response = await request(method, at(service, path), token, body);
    failed.push({ what, status: response.status });
    return response;
  }

  beforeAll(async () => {
    const debugLogs = { LOG_LEVEL: 'debug' };
    ({ services, stop } = (await startServices(runId, SERVICES, { 'household-registry': debugLogs, enrollment: debugLogs, training: debugLogs, reporting: debugLogs })) as never);

    // --- household registry ---------------------------------------------------------------
    await onboardCommune(services['household-registry'].url, commune, province, ['THON-1', 'THON-2']);
    await onboardCommune(services['household-registry'].url, neighbourCommune, province, ['THON-9']);
    expected.push({ service: 'household-registry', actor: 'ops-test', action: 'onboard', entity: 'commune', entityId: commune, communeCode: commune, fields: ['code', 'name', 'provinceCode', 'provinceName'] });
    const household = await write<{ id: string; villageId: string }>('household-registry', 'POST', '/households', agent, { communeCode: commune, villageCode: 'THON-1', address: ADDRESS, headName: HEAD.fullName, hasElectricity: true }, 201);
    expected.push({ service: 'household-registry', actor: 'pd-agent-46101', action: 'register', entity: 'household', entityId: household.id, communeCode: commune, fields: ['address', 'headName'] });
    const residentBody = (person: typeof HEAD | typeof SPOUSE | typeof REFUSED, extra: Record<string, unknown> = {}) => ({
      householdId: household.id,
      fullName: person.fullName,
      idNumber: person.idNumber,
      phone: person.phone,
      dateOfBirth: person.dateOfBirth,
      sex: person.sex,
      ethnicity: 'Kinh',
      relationshipToHead: person === HEAD ? 'head' : 'spouse',
      ownsSmartphone: true,
      ...extra,
    });
    const head = await write<{ id: string }>('household-registry', 'POST', '/residents', agent, residentBody(HEAD), 201);
    const spouse = await write<{ id: string; version: number }>('household-registry', 'POST', '/residents', agent, residentBody(SPOUSE), 201);
    for (const id of [head.id, spouse.id]) {
      expected.push({ service: 'household-registry', actor: 'pd-agent-46101', action: 'register', entity: 'resident', entityId: id, communeCode: commune, fields: ['fullName', 'idNumber', 'phone', 'dateOfBirth'] });
    }
    await write('household-registry', 'PATCH', `/residents/${spouse.id}`, admin, { version: spouse.version, phone: SPOUSE_NEW_PHONE, ownsSmartphone: false }, 200);
    expected.push({ service: 'household-registry', actor: 'pd-admin-46101', action: 'update', entity: 'resident', entityId: spouse.id, communeCode: commune, fields: ['phone', 'ownsSmartphone'] });
    const visit = await write<{ id: string }>('household-registry', 'POST', `/households/${household.id}/visits`, agent, { outcome: 'done', obstacles: [] }, 201);
    expected.push({ service: 'household-registry', actor: 'pd-agent-46101', action: 'record', entity: 'visit', entityId: visit.id, communeCode: commune });
    const householdItem = randomUUID();
    const residentItem = randomUUID();
    const registrySync = await write<SyncResult>('household-registry', 'POST', '/sync', agent, {
      items: [
        { clientId: householdItem, command: 'household.register', occurredAt: hoursFromNow(-3), payload: { communeCode: commune, villageCode: 'THON-2', address: SYNCED_ADDRESS, headName: SYNCED.fullName } },
        {
          clientId: residentItem,
          command: 'resident.register',
          occurredAt: hoursFromNow(-3),
          refs: { householdId: householdItem },
          payload: { fullName: SYNCED.fullName, idNumber: SYNCED.idNumber, phone: SYNCED.phone, dateOfBirth: SYNCED.dateOfBirth, sex: SYNCED.sex, ethnicity: 'Kinh', relationshipToHead: 'head' },
        },
        // Refused inside the batch: an impossible date of birth, a NUL byte.
        { clientId: randomUUID(), command: 'resident.register', occurredAt: hoursFromNow(-3), refs: { householdId: householdItem }, payload: { ...residentBody(REFUSED, { dateOfBirth: '1997-02-30' }), householdId: undefined } },
        { clientId: randomUUID(), command: 'resident.register', occurredAt: hoursFromNow(-3), refs: { householdId: householdItem }, payload: { ...residentBody(REFUSED, { fullName: `${REFUSED.fullName}\u0000` }), householdId: undefined } },
      ],
    }, 200);
    expect(registrySync.results.map((r) => r.status)).toEqual([201, 201, 400, 400]);
    const syncedHousehold = registrySync.results[0].body.id!;
    const synced = registrySync.results[1].body.id!;
    expected.push({ service: 'household-registry', actor: 'pd-agent-46101', action: 'register', entity: 'household', entityId: syncedHousehold, communeCode: commune, syncClientId: householdItem });
    expected.push({ service: 'household-registry', actor: 'pd-agent-46101', action: 'register', entity: 'resident', entityId: synced, communeCode: commune, syncClientId: residentItem, fields: ['fullName', 'idNumber'] });

    // Refused requests carrying personal data: bad enum, ID number not matching the birth date,
    // a NUL byte, unknown village, unknown fields, malformed JSON, personal data in the path.
    await refused('resident with a bad sex', 'household-registry', 'POST', '/residents', agent, residentBody(REFUSED, { sex: 'unknown' }));
    await refused('resident whose ID number does not match the birth year', 'household-registry', 'POST', '/residents', agent, residentBody(REFUSED, { dateOfBirth: '1979-09-30' }));
    await refused('resident with a NUL byte in the name', 'household-registry', 'POST', '/residents', agent, residentBody(REFUSED, { fullName: `${REFUSED.fullName}\u0000` }));
    await refused('household in an unknown village', 'household-registry', 'POST', '/households', agent, { communeCode: commune, villageCode: 'THON-404', address: REFUSED_ADDRESS, headName: REFUSED.fullName });
    await refused('household with unknown personal fields', 'household-registry', 'POST', '/households', agent, { communeCode: commune, villageCode: 'THON-1', address: REFUSED_ADDRESS, headName: REFUSED.fullName, idNumber: REFUSED.idNumber, phone: REFUSED.phone });
    await refused('malformed JSON', 'household-registry', 'POST', '/residents', agent, `{"householdId":"${household.id}","fullName":"${REFUSED.fullName}","idNumber":"${REFUSED.idNumber}","phone":"${REFUSED.phone}",`);
    await refused('ID number where a resident id belongs', 'household-registry', 'GET', `/residents/${REFUSED.idNumber}`, agent, undefined);
    await refused('phone number where a resident id belongs', 'household-registry', 'PATCH', `/residents/${REFUSED.phone}`, agent, { version: 1, fullName: REFUSED.fullName });

    // --- enrollment (its read model learns the residents from registry events) -----------------
    await eventually(async () => expect(await query(`select id from "${services.enrollment.schema}".known_residents where id = any($1::uuid[])`, [[head.id, spouse.id]])).toHaveLength(2), { timeoutMs: 30000 });
    const enrollment = await write<{ id: string; validation: string }>('enrollment', 'POST', '/enrollments', agent, { communeCode: commune, serviceCode: 'vneid_level2', residentId: head.id }, 201);
    expect(enrollment.validation).toBe('valid');
    expected.push({ service: 'enrollment', actor: 'pd-agent-46101', action: 'apply', entity: 'enrollment', entityId: enrollment.id, communeCode: commune, fields: ['communeCode', 'serviceCode', 'residentId'] });
    await write('enrollment', 'POST', `/enrollments/${enrollment.id}/transitions`, agent, { to: 'issued' }, 200);
    expected.push({ service: 'enrollment', actor: 'pd-agent-46101', action: 'transition', entity: 'enrollment', entityId: enrollment.id, communeCode: commune, fields: ['to'] });
    await write('enrollment', 'POST', `/enrollments/${enrollment.id}/obstacles`, agent, { obstacle: 'no_smartphone' }, 200);
    expected.push({ service: 'enrollment', actor: 'pd-agent-46101', action: 'record-obstacle', entity: 'enrollment', entityId: enrollment.id, communeCode: commune, fields: ['obstacle'] });
    const enrollmentItem = randomUUID();
    const enrollmentSync = await write<SyncResult>('enrollment', 'POST', '/sync', agent, {
      items: [{ clientId: enrollmentItem, command: 'enrollment.apply', occurredAt: hoursFromNow(-1), payload: { communeCode: commune, serviceCode: 'ehealth_book', residentId: spouse.id } }],
    }, 200);
    expect(enrollmentSync.results[0].status).toBe(201);
    expected.push({ service: 'enrollment', actor: 'pd-agent-46101', action: 'apply', entity: 'enrollment', entityId: enrollmentSync.results[0].body.id!, communeCode: commune, syncClientId: enrollmentItem });
    await write('enrollment', 'POST', '/services', officer, { code: `pd_app_${runId}`.slice(0, 40), nameVi: 'Cài đặt ứng dụng Huế-S', nameEn: 'Hue-S app set up', subject: 'resident', minAge: 14, states: ['installed', 'set_up'], provinceCode: province }, 201);
    expected.push({ service: 'enrollment', actor: 'pd-officer-46', action: 'add', entity: 'service', entityId: `pd_app_${runId}`.slice(0, 40), provinceCode: province });
    await refused('enrollment with personal fields', 'enrollment', 'POST', '/enrollments', agent, { communeCode: commune, serviceCode: 'vneid_level2', residentId: head.id, fullName: REFUSED.fullName, idNumber: REFUSED.idNumber });

    // --- training ----------------------------------------------------------------------------
    await eventually(async () => expect(await query(`select id from "${services.training.schema}".known_residents where id = $1`, [head.id])).toHaveLength(1), { timeoutMs: 30000 });
    // Training takes a team's villages only from the registry's village events (no village on trust).
    await eventually(async () => expect(await query(`select id from "${services.training.schema}".known_villages where id = $1`, [household.villageId])).toHaveLength(1), { timeoutMs: 30000 });
    const team = await write<{ id: string }>('training', 'POST', '/teams', admin, { communeCode: commune, name: 'Tổ công nghệ số cộng đồng thôn 1', kind: 'community_digital_team', activeFrom: '2026-07-01', villageIds: [household.villageId] }, 201);
    expected.push({ service: 'training', actor: 'pd-admin-46101', action: 'form', entity: 'team', entityId: team.id, communeCode: commune });
    const joined = await write<{ memberships: Array<{ memberId: string }> }>('training', 'POST', `/teams/${team.id}/members`, admin, { fullName: MEMBER.fullName, phone: MEMBER.phone, affiliation: 'digital_technology_team' }, 200);
    const memberId = joined.memberships[0].memberId;
    expected.push({ service: 'training', actor: 'pd-admin-46101', action: 'register', entity: 'member', entityId: memberId, communeCode: commune, fields: ['fullName', 'affiliation', 'phone'] });
    expected.push({ service: 'training', actor: 'pd-admin-46101', action: 'member-join', entity: 'team', entityId: team.id, communeCode: commune });
    await refused('new member with a malformed phone', 'training', 'POST', `/teams/${team.id}/members`, admin, { fullName: REFUSED.fullName, phone: `${REFUSED.phone}x`, affiliation: 'youth_union' });
    const session = await write<{ id: string }>('training', 'POST', '/sessions', agent, {
      communeCode: commune,
      topicCode: 'vneid',
      audience: 'residents',
      venueType: 'village_cultural_house',
      venueName: 'Nhà văn hóa thôn 1',
      villageId: household.villageId,
      startsAt: hoursFromNow(-2),
      endsAt: hoursFromNow(-1),
      capacity: 10,
      trainerMemberIds: [memberId],
    }, 201);
    expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'schedule', entity: 'session', entityId: session.id, communeCode: commune });
    await write('training', 'POST', `/sessions/${session.id}/held`, agent, {}, 200);
    expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'hold', entity: 'session', entityId: session.id, communeCode: commune });
    const attendance = await write<{ results: Array<{ status: number; attendanceId: string; walkInId?: string }> }>('training', 'POST', `/sessions/${session.id}/attendance`, agent, {
      attendees: [
        { residentId: head.id, outcome: 'skill_check_passed' },
        { walkIn: { fullName: WALK_IN, birthYear: 1971, sex: 'female' }, outcome: 'completed' },
      ],
    }, 200);
    expect(attendance.results.map((r) => r.status)).toEqual([201, 201]);
    for (const result of attendance.results) expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'record', entity: 'attendance', entityId: result.attendanceId, communeCode: commune });
    expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'register', entity: 'walk-in', entityId: attendance.results[1].walkInId!, communeCode: commune, fields: ['fullName', 'birthYear', 'sex'] });
    await refused('walk-in with an impossible birth year', 'training', 'POST', `/sessions/${session.id}/attendance`, agent, { attendees: [{ walkIn: { fullName: REFUSED.fullName, birthYear: 1800 }, outcome: 'attended' }] });
    const attendanceItem = randomUUID();
    const trainingSync = await write<SyncResult>('training', 'POST', '/sync', agent, {
      items: [{ clientId: attendanceItem, command: 'attendance.record', target: session.id, occurredAt: hoursFromNow(-1), payload: { attendees: [{ walkIn: { fullName: SYNCED_WALK_IN, birthYear: 1958 }, outcome: 'attended' }] } }],
    }, 200);
    const syncedAttendance = trainingSync.results[0].body.results![0];
    expect(syncedAttendance.status).toBe(201);
    expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'record', entity: 'attendance', entityId: syncedAttendance.attendanceId!, communeCode: commune, syncClientId: attendanceItem });
    expected.push({ service: 'training', actor: 'pd-agent-46101', action: 'register', entity: 'walk-in', entityId: syncedAttendance.walkInId!, communeCode: commune, syncClientId: attendanceItem });
    await write('training', 'POST', '/topics', officer, { code: `pd_topic_${runId}`.slice(0, 40), nameVi: 'An toàn thông tin cá nhân', nameEn: 'Personal data safety' }, 201);
    expected.push({ service: 'training', actor: 'pd-officer-46', action: 'add', entity: 'topic', entityId: `pd_topic_${runId}`.slice(0, 40), provinceCode: province });

    // --- reporting ---------------------------------------------------------------------------
    const campaign = await write<{ id: string; version: number }>('reporting', 'POST', '/campaigns', admin, {
      name: 'Chiến dịch làm sạch dữ liệu dân cư',
      communeCode: commune,
      provinceCode: province,
      startsOn: '2026-07-01',
      endsOn: '2026-08-31',
      targets: [{ indicatorCode: 'cccd_applications', targetCount: 50 }],
    }, 201);
    expected.push({ service: 'reporting', actor: 'pd-admin-46101', action: 'create', entity: 'campaign', entityId: campaign.id, communeCode: commune, fields: ['name', 'targets'] });
    expected.push({ service: 'reporting', actor: 'pd-admin-46101', action: 'set', entity: 'campaign-target', entityId: `${campaign.id}/cccd_applications`, communeCode: commune, fields: ['indicatorCode', 'targetCount'] });
    await write('reporting', 'PATCH', `/campaigns/${campaign.id}`, admin, { version: campaign.version, name: 'Chiến dịch làm sạch dữ liệu dân cư (đợt 2)' }, 200);
    expected.push({ service: 'reporting', actor: 'pd-admin-46101', action: 'update', entity: 'campaign', entityId: campaign.id, communeCode: commune, fields: ['name', 'version'] });
    const provinceCampaign = await write<{ id: string }>('reporting', 'POST', '/campaigns', officer, { name: 'Kế hoạch tỉnh', provinceCode: province, startsOn: '2026-07-01', endsOn: '2026-08-31', targets: [{ indicatorCode: 'cccd_applications', targetCount: 500 }] }, 201);
    expected.push({ service: 'reporting', actor: 'pd-officer-46', action: 'create', entity: 'campaign', entityId: provinceCampaign.id, provinceCode: province });
    const indicatorCode = `pd_share_${runId}`.slice(0, 60);
    await write('reporting', 'POST', '/indicators', officer, { code: indicatorCode, labelVi: 'Tỷ lệ hồ sơ trực tuyến', labelEn: 'Online share', definition: 'Share of applications filed online', unit: 'percent', source: 'external' }, 201);
    expected.push({ service: 'reporting', actor: 'pd-officer-46', action: 'add', entity: 'indicator', entityId: indicatorCode, provinceCode: province });
    const period = vietnamMonth();
    // Reporting learns the commune from its events; until then the value is refused (422) and nothing is written.
    await eventually(async () => expect((await request('PUT', at('reporting', `/communes/${commune}/indicator-values/${indicatorCode}/${period}`), admin, { value: 64.5 })).status).toBe(200), { timeoutMs: 30000 });
    expected.push({ service: 'reporting', actor: 'pd-admin-46101', action: 'report', entity: 'indicator-value', entityId: `${commune}/${indicatorCode}/${period}`, communeCode: commune, fields: ['value'] });
    await refused('indicator value with personal fields', 'reporting', 'PUT', `/communes/${commune}/indicator-values/${indicatorCode}/${period}`, admin, { value: 1, reportedBy: REFUSED.fullName, phone: REFUSED.phone });
  }, 180000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('the scan finds personal values however they are written', () => {
    const values: PersonalValue[] = [
      { kind: 'name', value: HEAD.fullName },
      { kind: 'idNumber', value: HEAD.idNumber },
      { kind: 'phone', value: HEAD.phone },
      { kind: 'dateOfBirth', value: HEAD.dateOfBirth },
      { kind: 'address', value: ADDRESS },
    ];
    const found = (text: string) => [...new Set(findPersonalData(text, values).map((leak) => leak.kind))];
    expect(found('{"msg":"ok","time":1763900000000}')).toEqual([]);
    expect(found('TRỊNH VĂN QUYẾT')).toEqual(['name']);
    expect(found(HEAD.fullName.normalize('NFD'))).toEqual(['name']);
    expect(found(JSON.stringify(HEAD.fullName).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))).toEqual(['name']);
    expect(found(`/residents?name=${encodeURIComponent(HEAD.fullName)}`)).toEqual(['name']);
    expect(found('trinh van quyet')).toEqual(['name']);
    expect(found('so 27 ngo 118 duong le loi, to dan pho yen hoa')).toEqual(['address']);
    expect(found('CCCD 046 062 531 907')).toEqual(['idNumber']);
    expect(found('id=046-062-531907')).toEqual(['idNumber']);
    expect(found('tel +84 913 572 468')).toEqual(['phone']);
    expect(found('0913.572.468')).toEqual(['phone']);
    expect(found('born 08/11/1962')).toEqual(['dateOfBirth']);
    expect(found('born 19621108')).toEqual(['dateOfBirth']);
  });

  it('refused every invalid request carrying personal data', () => {
    expect(failed).toHaveLength(12);
    expect(failed.filter((f) => f.status < 400 || f.status >= 500)).toEqual([]);
  });

  it('publishes no personal data in any message of any of the run’s topics', async () => {
    // Everything written is published first: no outbox row of the producers is still waiting.
    for (const service of ['household-registry', 'enrollment', 'training'] as const) {
      await eventually(async () => expect(await query(`select seq from "${services[service].schema}".outbox where published_at is null`)).toEqual([]), { timeoutMs: 30000 });
    }
    const admin = testKafka().admin();
    await admin.connect();
    const texts: string[] = [];
    const types: string[] = [];
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`t-${runId}.`));
      expect(topics).toEqual(expect.arrayContaining([`t-${runId}.household-registry.events`, `t-${runId}.enrollment.events`, `t-${runId}.training.events`]));
      // Every topic from the beginning, in parallel, until each holds as many messages as the broker has.
      await Promise.all(
        topics.map(async (topic) => {
          const size = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
          const reader = await collectTopic(topic, `t-${runId}.pii-scan-${randomUUID()}`);
          try {
            await eventually(() => expect(reader.messages.length).toBeGreaterThanOrEqual(size), { timeoutMs: 30000 });
            for (const { message } of reader.messages) {
              const headers = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`);
              texts.push([message.key?.toString() ?? '', message.value?.toString() ?? '', ...headers].join('\n'));
              types.push(message.headers?.ce_type?.toString() ?? '');
            }
          } finally {
            await reader.stop();
          }
        }),
      );
    } finally {
      await admin.disconnect();
    }
    // The scan saw the events of this test's writes (so finding nothing means something).
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(count('vn.dtc.registry.resident.registered.v1')).toBe(3);
    expect(count('vn.dtc.registry.resident.updated.v1')).toBe(1);
    expect(count('vn.dtc.registry.household.registered.v1')).toBe(2);
    expect(count('vn.dtc.enrollment.enrollment.opened.v1')).toBe(2);
    expect(count('vn.dtc.training.attendance.recorded.v1')).toBe(3);
    expect(count('vn.dtc.training.team.member-joined.v1')).toBe(1);
    expect(findPersonalData(texts.join('\n'), PERSONAL)).toEqual([]);
  });

  it('logs no personal data (info and debug logs of every service)', async () => {
    const registryLog = () => services['household-registry'].output.join('');
    // The logs hold the requests of this test, refused ones included (so they were captured).
    await eventually(() => {
      expect(registryLog()).toMatch(/"method":"POST","url":"\/residents"[^\n]*"statusCode":201/);
      expect(registryLog()).toMatch(/"method":"POST","url":"\/residents"[^\n]*"statusCode":400/);
      expect(services.training.output.join('')).toMatch(/"url":"\/sessions\/[^"]+\/attendance"/);
    });
    for (const service of SERVICES) {
      const log = services[service].output.join('');
      expect(log.length).toBeGreaterThan(1000);
      expect({ service, leaks: findPersonalData(log, PERSONAL) }).toEqual({ service, leaks: [] });
    }
  });

  it('exposes no personal data in metrics (labels)', async () => {
    for (const service of SERVICES) {
      const metrics = await request<string>('GET', at(service, '/metrics'));
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('http_request_duration_seconds');
      expect({ service, leaks: findPersonalData(metrics.body, PERSONAL) }).toEqual({ service, leaks: [] });
    }
    expect((await request<string>('GET', at('household-registry', '/metrics'))).body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/residents"/);
  });

  it('has an audit entry for every write, with its actor and tenant, and no personal values', async () => {
    const entries: Partial<Record<ServiceName, AuditEntry[]>> = {};
    for (const service of SERVICES) {
      const page = await request<AuditPage>('GET', at(service, '/audit?pageSize=200'), ops);
      expect(page.status).toBe(200);
      entries[service] = page.body.items;
    }
    // Audit times are the database's clock (the process clock may differ: npm test's fixed-clock runs).
    const [{ now: databaseNow }] = await query<{ now: Date }>('select now()');
    const missing = expected.filter((want) => {
      const match = entries[want.service]!.find((entry) => entry.entity === want.entity && entry.entityId === want.entityId && entry.action === want.action && entry.actor === want.actor);
      if (!match) return true;
      expect({ want, tenant: [match.communeCode, match.provinceCode] }).toEqual({ want, tenant: [want.communeCode ?? null, want.provinceCode ?? null] });
      expect(match.syncClientId).toBe(want.syncClientId ?? null);
      if (want.fields) expect(match.fields).toEqual(expect.arrayContaining(want.fields));
      expect(databaseNow.getTime() - Date.parse(match.at)).toBeLessThan(10 * 60000);
      return false;
    });
    expect(missing).toEqual([]);
    // Refused requests wrote nothing: exactly the three residents registered above.
    expect(entries['household-registry']!.filter((e) => e.entity === 'resident' && e.action === 'register')).toHaveLength(3);
    expect(findPersonalData(JSON.stringify(entries), PERSONAL)).toEqual([]);
  });

  it('shows the audit log by tenant: a commune to its admins, a province to its officers, everything to operations', async () => {
    for (const service of SERVICES) {
      const audit = (path: string, token: string) => request<AuditPage>('GET', at(service, `/audit${path}`), token);
      const own = await audit(`?communeCode=${commune}&pageSize=200`, admin);
      expect({ service, status: own.status }).toEqual({ service, status: 200 });
      const mine = expected.filter((e) => e.service === service && e.communeCode === commune);
      expect(own.body.total).toBeGreaterThanOrEqual(mine.length);
      expect(own.body.items.every((e) => e.communeCode === commune)).toBe(true);
      const provinceWide = await audit(`?provinceCode=${province}&pageSize=200`, officer);
      expect(provinceWide.status).toBe(200);
      expect(provinceWide.body.total).toBeGreaterThanOrEqual(expected.filter((e) => e.service === service && (e.communeCode === commune || e.provinceCode === province)).length);
      for (const want of expected.filter((e) => e.service === service && e.provinceCode === province)) {
        expect(provinceWide.body.items.map((e) => e.entityId)).toContain(want.entityId);
        expect(own.body.items.map((e) => e.entityId)).not.toContain(want.entityId);
      }
      expect((await audit(`?communeCode=${commune}`, agent)).status).toBe(403);
      expect((await audit(`?provinceCode=${province}`, integrator)).status).toBe(403);
      expect((await audit(`?communeCode=${commune}`, neighbour)).status).toBe(403);
      expect((await audit(`?provinceCode=${province}`, admin)).status).toBe(403);
      expect((await audit('?provinceCode=47', officer)).status).toBe(403);
      expect((await audit('', admin)).status).toBe(422);
      const paged = await audit(`?communeCode=${commune}&pageSize=1&page=2`, admin);
      expect([paged.body.items.length, paged.body.total]).toEqual([1, own.body.total]);
    }
  });

  it('documents GET /audit in every service’s OpenAPI (summary, response, examples)', async () => {
    for (const service of SERVICES) {
      const { body: doc } = await request<OpenApiDocument>('GET', at(service, '/docs-json'));
      expect(doc.paths['/audit']?.get?.summary).toBeTruthy();
      const gaps = openApiGaps(doc);
      expect({ service, gaps: [gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample] }).toEqual({ service, gaps: [[], [], []] });
    }
  });
});
