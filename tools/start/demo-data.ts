/**
 * Loads a small, realistic demo commune through the registry's public API (as an operator and
 * field agents would), only when the commune is not there yet, and a commune and a province
 * campaign with targets in reporting. Usage: demo-data.ts REGISTRY_URL ENROLLMENT_URL TRAINING_URL REPORTING_URL
 */
import { randomUUID } from 'node:crypto';
import { addDays, ProgressBar, signToken, vietnamDay, vietnamMonth, vietnamToday, vietnamYear } from '@dtc/platform';
import { DEV_JWT_SECRET } from './dev-env';

const registryUrl = process.argv[2] ?? 'http://127.0.0.1:3001';
const enrollmentUrl = process.argv[3] ?? 'http://127.0.0.1:3002';
const trainingUrl = process.argv[4] ?? 'http://127.0.0.1:3003';
const reportingUrl = process.argv[5] ?? 'http://127.0.0.1:3004';
// The console under the one-origin gateway (npm start passes it; the gateway starts after this load).
const consoleUrl = process.argv[6] ?? 'http://localhost:3000/console/';
const COMMUNE = { code: '16279', name: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa' };
const VILLAGES = [
  { code: 'DONG-HOA', name: 'Thôn Đông Hòa', households: 42, distanceKm: 1.5, signal: 'good' },
  { code: 'DONG-PHU', name: 'Thôn Đông Phú', households: 35, distanceKm: 3.2, signal: 'good' },
  { code: 'TRUNG-THANH', name: 'Thôn Trung Thành', households: 28, distanceKm: 6.8, signal: 'weak' },
  { code: 'BAI-TRANH', name: 'Bản Bãi Tranh', households: 18, distanceKm: 14.5, signal: 'weak', minority: true },
  { code: 'KHE-NUOC', name: 'Bản Khe Nước', households: 12, distanceKm: 27.0, signal: 'none', minority: true, offGrid: true },
  { code: 'TDP-1', name: 'Tổ dân phố 1', households: 30, distanceKm: 0.4, signal: 'good' },
] as const;
const SURNAMES = ['Nguyễn', 'Lê', 'Trần', 'Phạm', 'Hoàng', 'Vũ', 'Đỗ', 'Lò', 'Hà', 'Lương'];
const GIVEN = ['Văn An', 'Thị Bình', 'Văn Cường', 'Thị Dung', 'Văn Hùng', 'Thị Lan', 'Văn Minh', 'Thị Ngọc', 'Văn Phúc', 'Thị Thu'];

let seed = 20260721;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const settings = { secret: process.env.JWT_SECRET || DEV_JWT_SECRET, issuer: process.env.JWT_ISSUER || 'dtc-platform', audience: process.env.JWT_AUDIENCE || 'dtc-api' };
const operator = signToken(settings, { sub: 'demo-operator', role: 'operations' });
const agent = signToken(settings, { sub: 'demo-field-agent', role: 'field_agent', communes: [COMMUNE.code] });
const communeAdmin = signToken(settings, { sub: 'demo-commune-admin', role: 'commune_admin', communes: [COMMUNE.code] });
const provinceOfficer = signToken(settings, { sub: 'demo-province-officer', role: 'province_officer', province: COMMUNE.provinceCode });


async function call(method: string, path: string, token: string, body?: unknown, baseUrl = registryUrl): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expectCreated(response: Response, what: string): Promise<void> {
  if (response.status !== 201) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
}

interface SyncItem {
  clientId: string;
  command: string;
  occurredAt: string;
  target?: string;
  refs?: Record<string, string>;
  payload: Record<string, unknown>;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
/** Phones generate their client ids the same way: random v4 UUIDs. */
const clientId = () => randomUUID();
let serial = 100000;
/** A structurally valid CCCD number: Thanh Hóa (038), century/sex digit, birth year, serial. */
function idNumber(dateOfBirth: string, sex: 'male' | 'female'): string {
  const year = Number(dateOfBirth.slice(0, 4));
  const century = Math.floor((year - 1900) / 100) * 2 + (sex === 'female' ? 1 : 0);
  serial += 1 + Math.floor(random() * 50);
  return `038${century}${String(year % 100).padStart(2, '0')}${String(serial).padStart(6, '0')}`;
}
function birthDate(minAge: number, maxAge: number): string {
  const age = minAge + Math.floor(random() * (maxAge - minAge + 1));
  const year = vietnamYear() - age;
  return `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
}

/** One household's offline session: the household, its members, its digital core and a visit. */
/** The commune hall, and each village on a bearing of its own at its distance from it. */
const COMMUNE_CENTRE = { latitude: 19.9012, longitude: 105.6487 };
const KM_PER_DEGREE = 111.32;

/** Where a household of the village stands: the village's centre, give or take 300 m (the map's demo positions). */
function positionIn(village: (typeof VILLAGES)[number]): { latitude: number; longitude: number } {
  const bearing = (VILLAGES.indexOf(village) / VILLAGES.length) * 2 * Math.PI;
  const north = village.distanceKm * Math.cos(bearing) + (random() - 0.5) * 0.6;
  const east = village.distanceKm * Math.sin(bearing) + (random() - 0.5) * 0.6;
  const latitude = COMMUNE_CENTRE.latitude + north / KM_PER_DEGREE;
  const longitude = COMMUNE_CENTRE.longitude + east / (KM_PER_DEGREE * Math.cos((COMMUNE_CENTRE.latitude * Math.PI) / 180));
  return { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6 };
}

function householdSession(village: (typeof VILLAGES)[number], daysAgo: number, visitor: { teamId: string; memberId: string }): SyncItem[] {
  const at = (minutes: number) => new Date(Date.now() - daysAgo * 86400000 + minutes * 60000).toISOString();
  const remote = village.signal === 'none';
  const surname = pick(SURNAMES);
  const household = clientId();
  const items: SyncItem[] = [
    {
      clientId: household,
      command: 'household.register',
      occurredAt: at(0),
      payload: {
        communeCode: COMMUNE.code,
        villageCode: village.code,
        address: `Xóm ${1 + Math.floor(random() * 5)}, ${village.name}`,
        headName: `${surname} ${pick(GIVEN)}`,
        ethnicMinority: 'minority' in village,
        hasElectricity: !('offGrid' in village) || random() < 0.3,
        mobileSignal: village.signal,
        hasInternet: village.signal === 'good' && random() < 0.7,
        smartDevices: Math.floor(random() * (remote ? 2 : 4)),
        distanceToCentreKm: Math.round((village.distanceKm + random()) * 10) / 10,
        ...positionIn(village),
      },
    },
  ];
  const members: Array<{ id: string; smartphone: boolean }> = [];
  const size = 2 + Math.floor(random() * 4);
  for (let m = 0; m < size; m += 1) {
    const relationship = m === 0 ? 'head' : m === 1 ? 'spouse' : m === size - 1 && random() < 0.3 ? 'parent' : 'child';
    const sex: 'male' | 'female' = m === 0 ? 'male' : m === 1 ? 'female' : random() < 0.5 ? 'male' : 'female';
    const dateOfBirth = relationship === 'child' ? birthDate(2, 25) : relationship === 'parent' ? birthDate(65, 90) : birthDate(28, 60);
    const adult = Number(dateOfBirth.slice(0, 4)) <= vietnamYear() - 14;
    const smartphone = adult && random() < (remote ? 0.25 : relationship === 'parent' ? 0.2 : 0.75);
    const id = clientId();
    members.push({ id, smartphone });
    items.push({
      clientId: id,
      command: 'resident.register',
      occurredAt: at(5 + m),
      refs: { householdId: household },
      payload: {
        fullName: m === 0 ? (items[0].payload['headName'] as string) : `${m === 1 ? pick(SURNAMES) : surname} ${sex === 'male' ? pick(GIVEN.filter((g) => g.startsWith('Văn'))) : pick(GIVEN.filter((g) => g.startsWith('Thị')))}`,
        dateOfBirth,
        sex,
        ethnicity: 'minority' in village ? pick(['Thái', 'Mường', 'H’Mông']) : 'Kinh',
        relationshipToHead: relationship,
        ownsSmartphone: smartphone,
        ...(adult && random() < 0.9 ? { idNumber: idNumber(dateOfBirth, sex) } : {}),
        ...(smartphone ? { phone: `09${String(10000000 + Math.floor(random() * 89999999))}` } : {}),
      },
    });
  }
  const core = members.find((member) => member.smartphone);
  if (core) items.push({ clientId: clientId(), command: 'household.set-digital-core', occurredAt: at(15), refs: { target: household, residentId: core.id }, payload: { version: 1 } });
  const outcome = core ? pick(['done', 'done', 'partly_done'] as const) : pick(['partly_done', 'nobody_home', 'refused'] as const);
  const obstacles = outcome === 'done' ? [] : remote ? ['no_signal', 'no_smartphone'] : core ? ['missing_documents'] : ['no_smartphone', 'elderly'];
  items.push({ clientId: clientId(), command: 'visit.record', occurredAt: at(20), refs: { target: household }, payload: { outcome, obstacles, ...visitor } });
  return items;
}

const ORGANISATIONS = [
  { name: 'Hợp tác xã Nông nghiệp Đông Tiến', kind: 'cooperative', village: 'DONG-HOA', eIdStatus: 'identified' },
  { name: 'Hợp tác xã Dịch vụ Thủy lợi Đông Phú', kind: 'cooperative', village: 'DONG-PHU', eIdStatus: 'identified' },
  { name: 'Công ty TNHH May mặc Trung Thành', kind: 'enterprise', village: 'TRUNG-THANH', eIdStatus: 'applied' },
  { name: 'Công ty Cổ phần Vật liệu Xây dựng Đông Tiến', kind: 'enterprise', village: 'TDP-1', eIdStatus: 'identified' },
  { name: 'Hợp tác xã Dược liệu Bãi Tranh', kind: 'cooperative', village: 'BAI-TRANH', eIdStatus: 'none' },
  { name: 'Doanh nghiệp tư nhân Thương mại Khe Nước', kind: 'enterprise', village: 'KHE-NUOC', eIdStatus: 'none' },
] as const;

/**
 * One resident registered a second time from another phone, the name typed without diacritics and
 * no CCCD number: the commune's review queue has a likely duplicate to decide.
 */
async function loadLookalike(): Promise<void> {
  const response = await call('GET', `/residents?communeCode=${COMMUNE.code}&pageSize=1`, communeAdmin);
  const [original] = ((await response.json()) as { items: Array<{ householdId: string; fullName: string; dateOfBirth: string; sex: string; ethnicity: string }> }).items;
  if (!original) return;
  const plain = original.fullName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const { householdId, dateOfBirth, sex, ethnicity } = original;
  const payload = { householdId, fullName: plain, dateOfBirth, sex, ethnicity, relationshipToHead: 'other', ownsSmartphone: false };
  await upload([{ clientId: clientId(), command: 'resident.register', occurredAt: new Date(Date.now() - 86400000).toISOString(), payload }]);
}

const DEMO_PHONES = ['android-a51-0193', 'android-redmi9-2207', 'android-vsmart-0412'];
type SyncResult = { clientId: string; status: number; body: { id?: string } };

/** Uploads as a phone would, naming the device so the commune admin's sync health tells phones apart. */
async function upload(items: SyncItem[], baseUrl = registryUrl, token = agent): Promise<SyncResult[]> {
  const device = DEMO_PHONES[Math.floor(random() * DEMO_PHONES.length)];
  const response = await fetch(`${baseUrl}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-device-id': device },
    body: JSON.stringify({ items }),
  });
  if (response.status !== 200) throw new Error(`sync failed: ${response.status} ${await response.text()}`);
  const { results } = (await response.json()) as { results: SyncResult[] };
  const failed = results.filter((result) => result.status >= 300);
  if (failed.length > 0) throw new Error(`sync items failed: ${JSON.stringify(failed.slice(0, 3))}`);
  return results;
}

async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page += 1) {
    const response = await call('GET', `${path}&page=${page}&pageSize=200`, agent);
    const body = (await response.json()) as { items: T[]; total: number };
    items.push(...body.items);
    if (items.length >= body.total || body.items.length === 0) return items;
  }
}

/** An opened enrollment, and whether it is a resident's with its opening still its latest step (a returned opening then shows in the work list). */
interface DemoEnrollment {
  id: string;
  onlyOpened: boolean;
}

/**
 * Enrollments as field teams record them: each resident's services at a realistic stage of
 * their lifecycle, steps a few days apart. Uploaded through the enrollment service's /sync;
 * those whose resident event has not reached enrollment yet are held and validated on arrival.
 */
async function loadEnrollments(teams: DemoTeam[]): Promise<{ count: number; opened: DemoEnrollment[] }> {
  const residents = await all<{ id: string; dateOfBirth: string; ownsSmartphone: boolean }>(`/residents?communeCode=${COMMUNE.code}&status=living`);
  const organisations = await all<{ id: string; eIdStatus: string }>(`/organisations?communeCode=${COMMUNE.code}`);
  const items: SyncItem[] = [];
  const onlyOpened = new Set<string>();
  const enroll = (subject: Record<string, string>, serviceCode: string, path: string[], reached: number, extra: Record<string, unknown> = {}) => {
    const start = 3 + Math.floor(random() * 27);
    const applyId = clientId();
    const team = pick(teams);
    const who = { teamId: team.id, memberId: pick(team.memberships).memberId };
    const day = (offset: number) => new Date(Date.now() - (start - offset) * 86400000).toISOString();
    items.push({ clientId: applyId, command: 'enrollment.apply', occurredAt: day(0), payload: { communeCode: COMMUNE.code, serviceCode, ...who, ...subject, ...extra } });
    if (reached === 0 && subject.residentId) onlyOpened.add(applyId);
    for (let step = 1; step <= reached && step < path.length; step += 1) {
      items.push({ clientId: clientId(), command: 'enrollment.transition', occurredAt: day(Math.min(step * 2, start - 1)), refs: { target: applyId }, payload: { to: path[step], ...who } });
    }
    if (reached < 0) items.push({ clientId: clientId(), command: 'enrollment.transition', occurredAt: day(1), refs: { target: applyId }, payload: { to: 'rejected', reason: 'Thiếu giấy tờ', ...who } });
  };
  const stage = (weights: number[]) => {
    let roll = random();
    for (let i = 0; i < weights.length; i += 1) {
      if (roll < weights[i]) return i - 1;
      roll -= weights[i];
    }
    return weights.length - 2;
  };
  const year = vietnamYear();
  for (const resident of residents) {
    const age = year - Number(resident.dateOfBirth.slice(0, 4));
    const subject = { residentId: resident.id };
    if (age >= 15) enroll(subject, 'cccd', ['applied', 'issued', 'delivered'], stage([0.03, 0.07, 0.2, 0.7]));
    if (age >= 15 && random() < 0.8) enroll(subject, 'vneid_level2', ['registered', 'issued', 'activated'], stage([0.02, 0.2, 0.5, 0.28]));
    if (random() < 0.5) enroll(subject, 'ehealth_book', ['registered', 'activated'], stage([0, 0.4, 0.6]));
    if (resident.ownsSmartphone && age >= 18) {
      if (random() < 0.5) enroll(subject, 'epayment_account', ['opened', 'activated'], stage([0, 0.3, 0.7]));
      enroll(subject, 'public_service_app', ['installed', 'set_up'], stage([0, 0.3, 0.7]), { detail: pick(['VNeID', 'eTax Mobile', 'ThanhHoaS']) });
      if (random() < 0.15) enroll(subject, 'online_application', ['submitted', 'completed'], stage([0, 0.4, 0.6]), { detail: pick(['Đăng ký khai sinh', 'Cấp phiếu lý lịch tư pháp', 'Đăng ký kết hôn']) });
    }
  }
  for (const organisation of organisations) enroll({ organisationId: organisation.id }, 'org_eid', ['applied', 'issued'], organisation.eIdStatus === 'identified' ? 1 : 0);
  const applies = new Set(items.filter((item) => item.command === 'enrollment.apply').map((item) => item.clientId));
  const opened: DemoEnrollment[] = [];
  let start = 0;
  while (start < items.length) {
    // Keep an apply and its transitions in the same upload: cut only before an apply.
    let end = Math.min(start + 400, items.length);
    while (end < items.length && items[end].command !== 'enrollment.apply') end += 1;
    const results = await upload(items.slice(start, end), enrollmentUrl);
    for (const result of results) if (applies.has(result.clientId) && result.body.id) opened.push({ id: result.body.id, onlyOpened: onlyOpened.has(result.clientId) });
    start = end;
  }
  return { count: applies.size, opened };
}

const TEAMS = [
  { name: 'Tổ công tác lưu động số 1', kind: 'mobile_working_group', villages: ['DONG-HOA', 'DONG-PHU'], size: 9 },
  { name: 'Tổ công tác lưu động số 2', kind: 'mobile_working_group', villages: ['TRUNG-THANH', 'TDP-1'], size: 8 },
  { name: 'Tổ công tác lưu động số 3 (vùng cao)', kind: 'mobile_working_group', villages: ['BAI-TRANH', 'KHE-NUOC'], size: 10 },
  { name: 'Tổ công nghệ số cộng đồng Đông Hòa', kind: 'community_digital_team', villages: ['DONG-HOA'], size: 5 },
  { name: 'Tổ công nghệ số cộng đồng Bãi Tranh', kind: 'community_digital_team', villages: ['BAI-TRANH'], size: 5 },
] as const;
const AFFILIATIONS = ['commune_police', 'official', 'teacher', 'village_head', 'youth_union', 'womens_union', 'security_forces', 'student_volunteer', 'digital_technology_team'] as const;
const TOPICS = ['online_public_services', 'vneid', 'cashless_qr', 'bills_online', 'selling_online', 'fraud_prevention'] as const;

interface DemoTeam {
  id: string;
  villageIds: string[];
  villageCodes: readonly string[];
  memberships: Array<{ memberId: string }>;
}

/**
 * The commune's field teams with their members, formed 35 days ago, before the door-to-door work
 * they record. Training learns the villages from the registry's events, so forming a team waits
 * out "unknown village" until it has (a 422 writes nothing, so asking again is safe).
 */
async function formTeams(villages: Array<{ id: string; code: string }>): Promise<DemoTeam[]> {
  const villageId = (code: string) => villages.find((v) => v.code === code)!.id;
  const formed = new Date(Date.now() - 35 * 86400000).toISOString();
  const teams: DemoTeam[] = [];
  for (const team of TEAMS) {
    const body = { communeCode: COMMUNE.code, name: team.name, kind: team.kind, activeFrom: vietnamDay(formed), villageIds: team.villages.map(villageId) };
    const created = await untilServiceKnows(`team ${team.name}`, () => call('POST', '/teams', communeAdmin, body, trainingUrl), /"field":"(communeCode|villageIds)"/);
    const { id } = (await created.json()) as { id: string };
    const joins: SyncItem[] = [];
    for (let m = 0; m < team.size; m += 1) {
      const affiliation = team.kind === 'community_digital_team' ? pick(['digital_technology_team', 'youth_union', 'village_head'] as const) : pick(AFFILIATIONS);
      joins.push({ clientId: clientId(), command: 'team.member-join', occurredAt: formed, target: id, payload: { fullName: `${pick(SURNAMES)} ${pick(GIVEN)}`, affiliation } });
    }
    await upload(joins, trainingUrl, communeAdmin);
    const view = (await (await call('GET', `/teams/${id}`, communeAdmin, undefined, trainingUrl)).json()) as { memberships: Array<{ memberId: string }> };
    teams.push({ id, villageIds: body.villageIds, villageCodes: team.villages, memberships: view.memberships });
  }
  return teams;
}

/** A member of a team that covers the village, as the visit's team and member. */
function visitorFor(teams: DemoTeam[], villageCode: string): { teamId: string; memberId: string } {
  const team = pick(teams.filter((t) => t.villageCodes.includes(villageCode)));
  return { teamId: team.id, memberId: pick(team.memberships).memberId };
}

/** A month of training sessions with attendance, as the teams would upload them. */
async function loadTraining(teams: DemoTeam[]): Promise<{ teams: number; sessions: number; attendees: number }> {
  const villages = (await (await call('GET', `/communes/${COMMUNE.code}/villages`, operator)).json()) as Array<{ id: string; code: string; name: string }>;
  const residents = await all<{ id: string; villageCode: string; dateOfBirth: string }>(`/residents?communeCode=${COMMUNE.code}&status=living`);
  const adults = residents.filter((r) => Number(r.dateOfBirth.slice(0, 4)) <= vietnamYear() - 15);
  const items: SyncItem[] = [];
  let sessions = 0;
  let attendees = 0;
  for (let i = 0; i < 14; i += 1) {
    const team = teams[i % teams.length];
    const village = villages.find((v) => team.villageIds.includes(v.id))!;
    const daysAgo = 2 + Math.floor(random() * 28);
    const startsAt = new Date(Date.now() - daysAgo * 86400000 - 3 * 3600000);
    const scheduleId = clientId();
    const capacity = 30 + Math.floor(random() * 20);
    items.push({
      clientId: scheduleId,
      command: 'session.schedule',
      occurredAt: new Date(startsAt.getTime() - 3 * 86400000).toISOString(),
      payload: {
        communeCode: COMMUNE.code,
        topicCode: pick(TOPICS),
        audience: i % 5 === 4 ? 'officials' : 'residents',
        venueType: 'village_cultural_house',
        venueName: `Nhà văn hóa ${village.name}`,
        villageId: village.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 2 * 3600000).toISOString(),
        capacity,
        trainerMemberIds: team.memberships.slice(0, 2).map((m) => m.memberId),
      },
    });
    sessions += 1;
    if (i === 13) {
      items.push({ clientId: clientId(), command: 'session.cancel', occurredAt: new Date(startsAt.getTime() - 86400000).toISOString(), refs: { target: scheduleId }, payload: { reason: 'Mưa lớn, đường trơn' } });
      continue;
    }
    const locals = adults.filter((r) => r.villageCode === village.code);
    const count = Math.min(capacity - 3, 8 + Math.floor(random() * 15), locals.length);
    const chosen = [...locals].sort(() => random() - 0.5).slice(0, count);
    const outcome = () => pick(['attended', 'completed', 'completed', 'skill_check_passed'] as const);
    const list = [
      ...chosen.map((r) => ({ residentId: r.id, outcome: outcome() })),
      ...Array.from({ length: Math.floor(random() * 3) }, () => ({ walkIn: { fullName: `${pick(SURNAMES)} ${pick(GIVEN)}`, birthYear: 1960 + Math.floor(random() * 40) }, outcome: outcome() })),
    ];
    attendees += list.length;
    const after = new Date(startsAt.getTime() + 2 * 3600000).toISOString();
    items.push({ clientId: clientId(), command: 'attendance.record', occurredAt: after, refs: { target: scheduleId }, payload: { attendees: list } });
    items.push({ clientId: clientId(), command: 'session.hold', occurredAt: after, refs: { target: scheduleId }, payload: {} });
  }
  for (let i = 1; i <= 3; i += 1) {
    const team = teams[i];
    const village = villages.find((v) => team.villageIds.includes(v.id))!;
    const startsAt = new Date(Date.now() + i * 2 * 86400000);
    items.push({
      clientId: clientId(),
      command: 'session.schedule',
      occurredAt: new Date().toISOString(),
      payload: {
        communeCode: COMMUNE.code,
        topicCode: pick(TOPICS),
        audience: 'residents',
        venueType: 'village_cultural_house',
        venueName: `Nhà văn hóa ${village.name}`,
        villageId: village.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 2 * 3600000).toISOString(),
        capacity: 40,
        trainerMemberIds: team.memberships.slice(0, 1).map((m) => m.memberId),
      },
    });
    sessions += 1;
  }
  await upload(items, trainingUrl);
  return { teams: TEAMS.length, sessions, attendees };
}

const isoDay = (offsetDays: number) => addDays(vietnamToday(), offsetDays);

/** A 45-day commune campaign that started 30 days ago, and the province's plan, with targets as communes set them. */
async function loadCampaigns(): Promise<void> {
  const existing = await call('GET', `/campaigns?communeCode=${COMMUNE.code}`, communeAdmin, undefined, reportingUrl);
  if (existing.status === 200 && ((await existing.json()) as unknown[]).length > 0) return;
  const window = { startsOn: isoDay(-30), endsOn: isoDay(15) };
  // The province counts each public-service app separately (one ward reported 950 iHanoi and
  // 2,300 eTax Mobile set-ups): indicators narrowed to the enrollment's detail.
  for (const app of [
    { code: 'etax_mobile_set_up', labelVi: 'Cài đặt eTax Mobile', labelEn: 'eTax Mobile set up', detail: 'eTax Mobile' },
    { code: 'thanhhoas_set_up', labelVi: 'Cài đặt ứng dụng ThanhHoaS', labelEn: 'ThanhHoaS app set up', detail: 'ThanhHoaS' },
  ]) {
    const created = await call('POST', '/indicators', provinceOfficer, { ...app, definition: `Người dân được hỗ trợ cài đặt và thiết lập ${app.detail} / residents helped to set up ${app.detail}`, unit: 'people', source: 'enrollment', serviceCode: 'public_service_app', state: 'set_up' }, reportingUrl);
    if (created.status !== 201 && created.status !== 409) throw new Error(`indicator ${app.code} failed: ${created.status} ${await created.text()}`);
  }
  // Reporting learns the commune (and its province) from the registry's event: ask again until it has.
  await untilReportingKnowsCommune('commune campaign', () =>
    call('POST', '/campaigns', communeAdmin, {
      name: 'Chiến dịch 45 ngày cao điểm chuyển đổi số',
      communeCode: COMMUNE.code,
      provinceCode: COMMUNE.provinceCode,
      ...window,
      targets: [
        { indicatorCode: 'cccd_applications', sharePercent: 100 },
        { indicatorCode: 'vneid_level2_registered', sharePercent: 100 },
        { indicatorCode: 'vneid_level2_activated', sharePercent: 50 },
        { indicatorCode: 'ehealth_book_activated', sharePercent: 30, population: 'residents' },
        { indicatorCode: 'households_visited', sharePercent: 100 },
        { indicatorCode: 'households_digital_core', sharePercent: 90 },
        { indicatorCode: 'organisations_e_identified', sharePercent: 100 },
        { indicatorCode: 'residents_trained', targetCount: 150 },
        { indicatorCode: 'online_application_share', targetValue: 80 },
        { indicatorCode: 'residents_supported_directly', targetCount: 400 },
        { indicatorCode: 'households_done', targetCount: 100 },
        { indicatorCode: 'etax_mobile_set_up', targetCount: 60 },
        { indicatorCode: 'thanhhoas_set_up', targetCount: 60 },
      ],
    }, reportingUrl),
  );
  await expectCreated(
    await call('POST', '/campaigns', provinceOfficer, {
      name: 'Kế hoạch của tỉnh: định danh điện tử cho người từ 14 tuổi',
      provinceCode: COMMUNE.provinceCode,
      ...window,
      targets: [
        { indicatorCode: 'cccd_applications', sharePercent: 100 },
        { indicatorCode: 'vneid_level2_activated', sharePercent: 60 },
      ],
    }, reportingUrl),
    'province campaign',
  );
  await untilReportingKnowsCommune('indicator value', () => call('PUT', `/communes/${COMMUNE.code}/indicator-values/online_application_share/${vietnamMonth()}`, communeAdmin, { value: 72.5 }, reportingUrl));
}

/** Sends a write to reporting until it succeeds; only "reporting does not know the commune yet" (422 on the commune) is waited out, for at most a minute. */
async function untilReportingKnowsCommune(what: string, send: () => Promise<Response>): Promise<void> {
  await untilServiceKnows(what, send, /"field":"(code|communeCode)"/);
}

/**
 * Sends a write until it succeeds. Only what the service learns from another service's events
 * (a 422 on one of `waitingFields` when given, or a 409 on an enrollment still waiting for its
 * resident) is waited out, for at most a minute.
 */
async function untilServiceKnows(what: string, send: () => Promise<Response>, waitingFields?: RegExp): Promise<Response> {
  const deadline = Date.now() + 60000;
  for (;;) {
    const answer = await send();
    if (answer.status === 200 || answer.status === 201) return answer;
    const text = await answer.text();
    const waiting = (answer.status === 422 && waitingFields !== undefined && waitingFields.test(text)) || (answer.status === 409 && /pending|not (yet )?validated|waiting/i.test(text));
    if (!waiting || Date.now() > deadline) throw new Error(`${what} failed: ${answer.status} ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * A micro-plan per team over the campaign window (its villages, households and enrollments a day),
 * and the remote village's plan reassigned mid-campaign from the upland team to the Bãi Tranh
 * community team (the history keeps both versions).
 */
async function loadPlans(teams: DemoTeam[], villages: Array<{ id: string; code: string }>): Promise<number> {
  const window = { startsOn: isoDay(-30), endsOn: isoDay(15) };
  const householdsOf = (codes: readonly string[]) => VILLAGES.filter((v) => codes.includes(v.code)).reduce((sum, v) => sum + v.households, 0);
  const plan = (team: DemoTeam, codes: readonly string[], perDay: number) => ({
    communeCode: COMMUNE.code,
    teamId: team.id,
    ...window,
    villageIds: villages.filter((v) => codes.includes(v.code)).map((v) => v.id),
    householdIds: [],
    householdsPerDay: perDay,
    enrollmentsPerDay: [
      { serviceCode: 'cccd', perDay: Math.max(1, Math.round(perDay * 1.5)) },
      { serviceCode: 'vneid_level2', perDay: Math.max(1, Math.round(perDay * 1.5)) },
    ],
  });
  let count = 0;
  for (const team of teams.slice(0, 4)) {
    const codes = team.villageCodes.filter((code) => code !== 'KHE-NUOC');
    await expectCreated(await call('POST', '/plans', communeAdmin, plan(team, codes, Math.max(1, Math.ceil(householdsOf(codes) / 30))), trainingUrl), 'plan');
    count += 1;
  }
  const remote = await call('POST', '/plans', communeAdmin, plan(teams[2], ['KHE-NUOC'], 1), trainingUrl);
  if (remote.status !== 201) throw new Error(`plan failed: ${remote.status} ${await remote.text()}`);
  const { id, version } = (await remote.json()) as { id: string; version: number };
  const reassigned = await call('PUT', `/plans/${id}`, communeAdmin, { version, ...plan(teams[4], ['KHE-NUOC'], 1), communeCode: undefined }, trainingUrl);
  if (reassigned.status !== 200) throw new Error(`plan reassignment failed: ${reassigned.status} ${await reassigned.text()}`);
  return count + 1;
}

/**
 * The commune admin's review: most of the first visits and enrollment openings verified, a few
 * returned to their teams with a reason (they show in the members' work lists).
 */
async function loadReviews(visits: string[], enrollments: DemoEnrollment[]): Promise<{ verified: number; returned: number }> {
  const REASONS = ['Thiếu ảnh chụp phiếu thu thập thông tin', 'Số điện thoại liên hệ chưa đúng, cần xác minh lại', 'Chưa ghi rõ lý do hộ từ chối'];
  let verified = 0;
  let returned = 0;
  for (const [index, visitId] of visits.slice(0, 45).entries()) {
    const body = index % 9 === 4 ? { verdict: 'returned', reason: REASONS[index % REASONS.length] } : { verdict: 'verified' };
    const reviewed = await call('POST', `/visits/${visitId}/review`, communeAdmin, body);
    if (reviewed.status !== 200) throw new Error(`visit review ${visitId} failed: ${reviewed.status} ${await reviewed.text()}`);
    if (body.verdict === 'verified') verified += 1;
    else returned += 1;
  }
  // A returned opening is the team's to redo only while it is the enrollment's latest step (a later
  // step supersedes it), so the returned ones are openings nothing has followed yet.
  const toReturn = new Set(enrollments.filter((e) => e.onlyOpened).slice(0, 5).map((e) => e.id));
  const toVerify = enrollments.filter((e) => !toReturn.has(e.id)).slice(0, 55).map((e) => e.id);
  for (const enrollmentId of [...toReturn, ...toVerify]) {
    const body = toReturn.has(enrollmentId) ? { verdict: 'returned', reason: 'Ảnh giấy tờ bị mờ, cần chụp lại' } : { verdict: 'verified' };
    await untilServiceKnows(`enrollment review ${enrollmentId}`, () => call('POST', `/enrollments/${enrollmentId}/steps/1/review`, communeAdmin, body, enrollmentUrl));
    if (body.verdict === 'verified') verified += 1;
    else returned += 1;
  }
  return { verified, returned };
}

function printSignInLinks(): void {
  // Development sign-in links: the token rides in the fragment (never sent to a server) and the
  // console moves it to the tab's session storage at once.
  process.stdout.write(`console, commune official (valid 8 h): ${consoleUrl}#token=${communeAdmin}\n`);
  process.stdout.write(`console, province officer:             ${consoleUrl}#token=${provinceOfficer}\n`);
  process.stdout.write(`console, operations:                   ${consoleUrl}#token=${operator}\n`);
  process.stdout.write(`commendation list (XLSX, commune admin token): ${reportingUrl.replace('127.0.0.1', 'localhost')}/communes/${COMMUNE.code}/commendations.xlsx\n`);
}

async function main(): Promise<void> {
  if ((await call('GET', `/communes/${COMMUNE.code}`, operator)).status === 200) {
    process.stdout.write(`demo commune ${COMMUNE.code} (${COMMUNE.name}) already loaded\n`);
    await loadCampaigns();
    printSignInLinks();
    return;
  }
  await expectCreated(await call('POST', '/communes', operator, COMMUNE), 'commune');
  const villages: Array<{ id: string; code: string }> = [];
  for (const village of VILLAGES) {
    const created = await call('POST', `/communes/${COMMUNE.code}/villages`, operator, { code: village.code, name: village.name });
    if (created.status !== 201) throw new Error(`village ${village.code} failed: ${created.status} ${await created.text()}`);
    villages.push((await created.json()) as { id: string; code: string });
  }
  const teams = await formTeams(villages);
  // Field phones upload what they recorded offline over the last 30 days, in batches.
  const total = VILLAGES.reduce((sum, v) => sum + v.households, 0);
  let done = 0;
  let batch: SyncItem[] = [];
  const visits: string[] = [];
  const bar = new ProgressBar('  households', total, process.stdout);
  for (const village of VILLAGES) {
    for (let i = 0; i < village.households; i += 1) {
      batch.push(...householdSession(village, 1 + Math.floor(random() * 30), visitorFor(teams, village.code)));
      done += 1;
      if (batch.length >= 150 || done === total) {
        const visitItems = new Set(batch.filter((item) => item.command === 'visit.record').map((item) => item.clientId));
        for (const result of await upload(batch)) if (visitItems.has(result.clientId) && result.body.id) visits.push(result.body.id);
        batch = [];
        bar.update(done);
      }
    }
  }
  await upload(
    ORGANISATIONS.map((org, index) => ({
      clientId: clientId(),
      command: 'organisation.register',
      occurredAt: new Date(Date.now() - (20 - index) * 86400000).toISOString(),
      payload: { communeCode: COMMUNE.code, villageCode: org.village, name: org.name, taxCode: `28010${String(12345 + index * 7)}`, kind: org.kind, eIdStatus: org.eIdStatus },
    })),
  );
  await loadLookalike();
  const training = await loadTraining(teams);
  const enrollments = await loadEnrollments(teams);
  const plans = await loadPlans(teams, villages);
  const reviews = await loadReviews(visits, enrollments.opened);
  process.stdout.write(
    `${process.stdout.isTTY ? '\n' : ''}demo commune ${COMMUNE.code} (${COMMUNE.name}, ${COMMUNE.provinceName}): ${VILLAGES.length} villages, ${total} households with residents, visits and digital cores, ${ORGANISATIONS.length} organisations, ${enrollments.count} enrollments at every stage, ${training.teams} field teams, ${training.sessions} training sessions with ${training.attendees} attendees (uploaded through offline sync), ${plans} micro-plans, ${reviews.verified} records verified and ${reviews.returned} returned to their teams\n`,
  );
  await loadCampaigns();
  printSignInLinks();
}

main().catch((error: Error) => {
  process.stderr.write(`demo data: ${error.message}\n`);
  process.exit(1);
});
