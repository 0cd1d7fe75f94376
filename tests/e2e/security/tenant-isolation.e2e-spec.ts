import { deleteTestTopics, dropTestSchemas, newRunId } from '@dtc/testkit';
import { householdBody } from '../../support/demo-commune';
import { request } from '../../support/http';
import type { OpenApiDocument } from '../../support/openapi';
import type { ServiceName } from '../../support/services';
import {
  ALL_SERVICES,
  campaignBody,
  fingerprint,
  hoursFromNow,
  leakedSecrets,
  operationsOf,
  ROLES,
  send,
  sessionBody,
  startWorld,
  uuid,
  type Commune,
  type Role,
  type SentResponse,
  type World,
} from '../../support/security-world';

// Issue 7: every endpoint of every service, called against another tenant's data with tokens of
// every role. Communes A and A2 are in province 61, B in province 62. A commune-A field agent or
// admin never reads, lists, searches, exports or changes B's data (403/404, or an empty list, and
// none of B's ids, names or addresses in the answer); a province-61 officer sees A and A2 but not
// B; an integrator only reads; only commune admins, province officers and operations change
// campaigns, targets and indicators; operations may do everything. A refused write changes nothing
// (every table the service's API writes, and its outbox, hash the same before and after). The
// table must name every operation of every service's OpenAPI document.
const runId = newRunId();

interface Call {
  path: string;
  /** A value, or a function for bodies that must differ on every send (offline-sync client ids). */
  body?: unknown;
  stream?: boolean;
}

interface CrossReference {
  why: string;
  /** A request in A's own scope that names one of B's records. */
  call: (a: Commune, b: Commune) => Call | Promise<Call>;
  /** What counts as refused (default: 403, 404 or 422). */
  refused?: (response: SentResponse) => boolean;
}

interface Row {
  write: boolean;
  /** Roles (besides operations) that may call it within their own scope. */
  allowed: Role[];
  /** Catalogue endpoints that hold no tenant's data: only the roles are checked. */
  global?: string;
  /** The request against commune c's data; may first create fresh records in c with c's own users. */
  call: (c: Commune) => Call | Promise<Call>;
  /** Refusal of another tenant's data when it is not 403/404. */
  refused?: (response: SentResponse) => boolean;
  /** Success when it is not a plain 2xx. */
  succeeded?: (response: SentResponse) => boolean;
  /** Own-scope answers that are not the default (2xx for allowed roles, 403 for the others). */
  own?: Partial<Record<Role, number>>;
  refs?: CrossReference[];
  /** Tables a refused request may legitimately write (offline sync stores each item's refusal for retries). */
  ignoreTables?: string[];
}

/** Public routes that carry no tenant data, left out of the table on purpose. */
const PUBLIC: Record<ServiceName, Record<string, string>> = {
  'household-registry': { 'GET /health': 'liveness/readiness for load balancers; no data', 'GET /health/live': 'liveness for Kubernetes; checks nothing, no data', 'GET /metrics': 'Prometheus counters; no tenant data' },
  enrollment: { 'GET /health': 'liveness/readiness for load balancers; no data', 'GET /health/live': 'liveness for Kubernetes; checks nothing, no data', 'GET /metrics': 'Prometheus counters; no tenant data' },
  training: { 'GET /health': 'liveness/readiness for load balancers; no data', 'GET /health/live': 'liveness for Kubernetes; checks nothing, no data', 'GET /metrics': 'Prometheus counters; no tenant data' },
  reporting: {
    'GET /health': 'liveness/readiness for load balancers; no data',
    'GET /health/live': 'liveness for Kubernetes; checks nothing, no data',
    'GET /metrics': 'Prometheus counters; no tenant data',
    'GET /dashboard': 'a redirect to the console, a static app; every figure it shows is fetched with the viewer’s token from the endpoints below',
  },
};

const FIELD: Role[] = ['field_agent', 'commune_admin'];
const READERS: Role[] = ['field_agent', 'commune_admin', 'province_officer'];
const EVERYONE: Role[] = ['field_agent', 'commune_admin', 'province_officer', 'integrator'];
const ADMIN: Role[] = ['commune_admin'];
const TARGET_SETTERS: Role[] = ['commune_admin', 'province_officer'];
const PROVINCE_READERS: Role[] = ['province_officer', 'integrator'];
/** The console's coverage map: officials of the commune and of its province (and operations). */
const MAP_READERS: Role[] = ['commune_admin', 'province_officer'];

const isEmpty = (body: unknown) => (Array.isArray(body) ? body.length === 0 : Array.isArray((body as { items?: unknown[] })?.items) && (body as { items: unknown[] }).items.length === 0);
const deniedOrEmpty = (r: SentResponse) => [403, 404].includes(r.status) || (r.status === 200 && isEmpty(r.body));
const results = (r: SentResponse) => ((r.body as { results?: Array<{ status: number }> })?.results ?? []).map((item) => item.status);
/** Offline sync: the batch is refused (403 for roles that may not sync), or every item in it is. */
const everyItemRefused = (r: SentResponse) => r.status === 403 || (r.status === 200 && results(r).length > 0 && results(r).every((s) => [403, 404, 422].includes(s)));
const everyItemApplied = (r: SentResponse) => r.status === 200 && results(r).length > 0 && results(r).every((s) => s >= 200 && s < 300);
const now = () => new Date().toISOString();
/** A province feed page that holds events, every one of A's province. */
const onlyOwnProvinceEvents = (r: SentResponse) => {
  const events = (r.body as { events?: Array<{ province: string }> })?.events ?? [];
  return r.status === 200 && events.length > 0 && events.every((e) => e.province === world.A.province);
};

let world: World;
let counter = 0;
const next = () => (counter += 1);
const url = (service: ServiceName, path: string) => `${world.services[service].url}${path}`;

async function created<T = { id: string }>(service: ServiceName, method: string, path: string, token: string, body: unknown): Promise<T> {
  const response = await request<T>(method, url(service, path), token, body);
  if (response.status < 200 || response.status > 299) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

// Fresh records of a commune, made by its own users, for writes that can happen only once.
const fresh = {
  household: (c: Commune) => created('household-registry', 'POST', '/households', c.tokens.field_agent, householdBody(c.code, c.villageCode)),
  resident: (c: Commune, fullName = `Người Mới ${next()}`) =>
    created('household-registry', 'POST', '/residents', c.tokens.field_agent, { householdId: c.householdId, fullName, dateOfBirth: '1985-03-03', sex: 'male', ethnicity: 'Kinh', relationshipToHead: 'other' }),
  flag: async (c: Commune) => {
    const name = `Trùng Tên ${next()}`;
    await fresh.resident(c, name);
    const twin = await created<{ duplicateFlags: Array<{ flagId: string }> }>('household-registry', 'POST', '/residents', c.tokens.field_agent, {
      householdId: c.householdId,
      fullName: name,
      dateOfBirth: '1985-03-03',
      sex: 'male',
      ethnicity: 'Kinh',
      relationshipToHead: 'other',
    });
    return twin.duplicateFlags[0].flagId;
  },
  organisation: (c: Commune) =>
    created('household-registry', 'POST', '/organisations', c.tokens.field_agent, { communeCode: c.code, villageCode: c.villageCode, name: `Doanh nghiệp ${next()}`, taxCode: `29${String(next()).padStart(8, '0')}`, kind: 'enterprise' }),
  enrollment: (c: Commune) => created('enrollment', 'POST', '/enrollments', c.tokens.field_agent, { communeCode: c.code, serviceCode: 'vneid_level1', residentId: c.twinId }),
  member: async (c: Commune) => {
    const team = await created<{ memberships: Array<{ memberId: string; fullName: string }> }>('training', 'POST', `/teams/${c.teamId}/members`, c.tokens.commune_admin, { fullName: `Tình Nguyện ${next()}`, affiliation: 'student_volunteer' });
    return team.memberships[team.memberships.length - 1].memberId;
  },
  session: (c: Commune) => created('training', 'POST', '/sessions', c.tokens.field_agent, sessionBody(c)),
  walkIn: async (c: Commune) => {
    const answer = await created<{ results: Array<{ walkInId: string }> }>('training', 'POST', `/sessions/${c.sessionId}/attendance`, c.tokens.field_agent, {
      attendees: [{ walkIn: { fullName: `Người Đến Sau ${next()}` }, outcome: 'attended' }],
    });
    return answer.results[0].walkInId;
  },
  team: (c: Commune) => created('training', 'POST', '/teams', c.tokens.commune_admin, { communeCode: c.code, name: `Tổ Sẽ Đổi Tên ${next()}`, kind: 'mobile_working_group', activeFrom: '2026-07-01' }),
  plan: (c: Commune) => created('training', 'POST', '/plans', c.tokens.commune_admin, planBody(c)),
};

/** A micro-plan of the commune's seeded team over its village and household. */
function planBody(c: Pick<Commune, 'code' | 'teamId' | 'villageId' | 'householdId'>, extra: Record<string, unknown> = {}) {
  return { communeCode: c.code, teamId: c.teamId, startsOn: '2026-07-21', endsOn: '2026-08-31', villageIds: [c.villageId], householdIds: [c.householdId], householdsPerDay: 20, enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 30 }], ...extra };
}
/** The same plan as an edit of version 1 (PUT sends the full state without the commune). */
function planEdit(c: Commune, extra: Record<string, unknown> = {}) {
  const { communeCode: _commune, ...fields } = planBody(c, extra);
  return { ...fields, version: 1 };
}

/** The head cursor of a province feed, read by operations. */
async function feedHead(province: string): Promise<string> {
  return (await created<{ head: string }>('reporting', 'GET', `/feeds/provinces/${province}`, world.ops, undefined)).head;
}

async function versionOf(service: ServiceName, path: string): Promise<number> {
  return (await created<{ version: number }>(service, 'GET', path, world.ops, undefined)).version;
}

/** The operations page's endpoints, which every service has: operations only (they span every tenant). */
function opsRows(consumer: string): Record<string, Row> {
  const global = 'the platform status and dead letters of every tenant: operations only';
  return {
    'GET /ops/status': { write: false, allowed: [], global, call: () => ({ path: '/ops/status' }) },
    'GET /ops/dead-letters/{consumer}': { write: false, allowed: [], global, call: () => ({ path: `/ops/dead-letters/${consumer}` }) },
    'POST /ops/dead-letters/{consumer}/replay': { write: true, allowed: [], global, call: () => ({ path: `/ops/dead-letters/${consumer}/replay` }) },
  };
}

const TABLE: Record<ServiceName, Record<string, Row>> = {
  'household-registry': {
    ...opsRows('registry-field-read-model'),
    'POST /communes': {
      write: true,
      allowed: [],
      call: (c) => ({ path: '/communes', body: { code: `${c.province}${900 + (next() % 99)}`, name: 'Xã Mới', provinceCode: c.province, provinceName: 'Tỉnh' } }),
    },
    'GET /communes/{code}': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}` }) },
    'POST /communes/{code}/villages': { write: true, allowed: ADMIN, call: (c) => ({ path: `/communes/${c.code}/villages`, body: { code: `V${next()}`, name: 'Thôn Mới' } }) },
    'GET /communes/{code}/villages': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}/villages` }) },
    'GET /communes/{code}/household-map': { write: false, allowed: MAP_READERS, call: (c) => ({ path: `/communes/${c.code}/household-map` }) },
    'PATCH /communes/{code}': { write: true, allowed: [], call: (c) => ({ path: `/communes/${c.code}`, body: { name: `Xã Đổi Tên ${next()}` } }) },
    'PATCH /communes/{code}/villages/{villageId}': {
      write: true,
      allowed: ADMIN,
      call: async (c) => {
        const village = await created('household-registry', 'POST', `/communes/${c.code}/villages`, c.tokens.commune_admin, { code: `R${next()}`, name: 'Thôn Sẽ Đổi Tên' });
        return { path: `/communes/${c.code}/villages/${village.id}`, body: { name: `Thôn Tên Mới ${next()}` } };
      },
      refs: [{ why: 'another commune’s village through one’s own commune', call: (a, b) => ({ path: `/communes/${a.code}/villages/${b.villageId}`, body: { name: 'Thôn Lấn Sân' } }) }],
    },
    'POST /households': { write: true, allowed: FIELD, call: (c) => ({ path: '/households', body: householdBody(c.code, c.villageCode) }) },
    'GET /households': { write: false, allowed: READERS, call: (c) => ({ path: `/households?communeCode=${c.code}&villageCode=${c.villageCode}` }) },
    'GET /households/{id}': { write: false, allowed: READERS, call: (c) => ({ path: `/households/${c.householdId}` }) },
    'PATCH /households/{id}': {
      write: true,
      allowed: FIELD,
      call: async (c) => ({ path: `/households/${c.householdId}`, body: { version: await versionOf('household-registry', `/households/${c.householdId}`), hasInternet: true } }),
    },
    'POST /households/{id}/move': { write: true, allowed: FIELD, call: async (c) => ({ path: `/households/${(await fresh.household(c)).id}/move`, body: { version: 1, villageCode: c.otherVillageCode } }) },
    'PUT /households/{id}/digital-core': {
      write: true,
      allowed: FIELD,
      call: async (c) => ({ path: `/households/${(await fresh.household(c)).id}/digital-core`, body: { version: 1, residentId: null } }),
      refs: [{ why: 'a member of another commune as the digital core', call: async (a, b) => ({ path: `/households/${(await fresh.household(a)).id}/digital-core`, body: { version: 1, residentId: b.residentId } }) }],
    },
    'GET /households/{householdId}/visits': { write: false, allowed: READERS, call: (c) => ({ path: `/households/${c.householdId}/visits` }) },
    'GET /visits/returned': { write: false, allowed: ADMIN, call: (c) => ({ path: `/visits/returned?communeCode=${c.code}` }) },
    'POST /households/{householdId}/visits': { write: true, allowed: FIELD, call: (c) => ({ path: `/households/${c.householdId}/visits`, body: { outcome: 'done', obstacles: [] } }) },
    'POST /visits/{visitId}/review': {
      write: true,
      allowed: ADMIN,
      call: async (c) => {
        const visit = await created('household-registry', 'POST', `/households/${c.householdId}/visits`, c.tokens.field_agent, { outcome: 'nobody_home', obstacles: [] });
        return { path: `/visits/${visit.id}/review`, body: { verdict: 'returned', reason: 'Thiếu ảnh biên bản' } };
      },
    },
    'GET /work-list': {
      write: false,
      allowed: FIELD,
      call: (c) => ({ path: `/work-list?communeCode=${c.code}` }),
      refs: [
        { why: 'one’s own commune’s work list filtered by another commune’s village', call: (a, b) => ({ path: `/work-list?communeCode=${a.code}&villageId=${b.villageId}` }), refused: deniedOrEmpty },
        { why: 'one’s own commune’s work list of another commune’s team', call: (a, b) => ({ path: `/work-list?communeCode=${a.code}&teamId=${b.teamId}` }), refused: deniedOrEmpty },
      ],
    },
    'POST /residents': {
      write: true,
      allowed: FIELD,
      refused: (r) => [403, 404, 422].includes(r.status),
      call: (c) => ({ path: '/residents', body: { householdId: c.householdId, fullName: 'Người Ở Mới', dateOfBirth: '2000-01-01', sex: 'male', ethnicity: 'Kinh', relationshipToHead: 'child' } }),
    },
    'GET /residents': {
      write: false,
      allowed: READERS,
      call: (c) => ({ path: `/residents?communeCode=${c.code}&q=${encodeURIComponent('Cư Dân')}` }),
      refs: [{ why: 'searching one’s own commune for another commune’s resident', call: (a, b) => ({ path: `/residents?communeCode=${a.code}&q=${encodeURIComponent(`Cư Dân ${b.code}`)}&idNumber=0381900${b.code}` }), refused: deniedOrEmpty }],
    },
    'GET /residents/eligible': { write: false, allowed: READERS, call: (c) => ({ path: `/residents/eligible?communeCode=${c.code}&onDate=2026-08-01` }) },
    'GET /residents/{id}': { write: false, allowed: READERS, call: (c) => ({ path: `/residents/${c.residentId}` }) },
    'PATCH /residents/{id}': {
      write: true,
      allowed: FIELD,
      call: async (c) => ({ path: `/residents/${c.residentId}`, body: { version: await versionOf('household-registry', `/residents/${c.residentId}`), phone: '0912345678' } }),
    },
    'POST /residents/{id}/move-out': { write: true, allowed: FIELD, call: async (c) => ({ path: `/residents/${(await fresh.resident(c)).id}/move-out`, body: { version: 1 } }) },
    'POST /residents/{id}/deceased': { write: true, allowed: FIELD, call: async (c) => ({ path: `/residents/${(await fresh.resident(c)).id}/deceased`, body: { version: 1 } }) },
    'GET /duplicate-flags': { write: false, allowed: ['commune_admin', 'province_officer'], call: (c) => ({ path: `/duplicate-flags?communeCode=${c.code}` }) },
    'POST /duplicate-flags/{id}/resolve': { write: true, allowed: ADMIN, call: async (c) => ({ path: `/duplicate-flags/${await fresh.flag(c)}/resolve`, body: { decision: 'not_duplicate' } }) },
    'POST /organisations': {
      write: true,
      allowed: FIELD,
      call: (c) => ({ path: '/organisations', body: { communeCode: c.code, villageCode: c.villageCode, name: 'Công ty Mới', taxCode: `31${String(next()).padStart(8, '0')}`, kind: 'enterprise' } }),
    },
    'GET /organisations': { write: false, allowed: READERS, call: (c) => ({ path: `/organisations?communeCode=${c.code}` }) },
    'PUT /organisations/{id}/e-id-status': { write: true, allowed: FIELD, call: async (c) => ({ path: `/organisations/${(await fresh.organisation(c)).id}/e-id-status`, body: { version: 1, eIdStatus: 'applied' } }) },
    'POST /sync': {
      write: true,
      allowed: FIELD,
      refused: everyItemRefused,
      succeeded: everyItemApplied,
      ignoreTables: ['sync_results'],
      call: (c) => ({
        path: '/sync',
        body: () => ({
          items: [
            { clientId: uuid(), command: 'household.register', occurredAt: now(), payload: householdBody(c.code, c.villageCode) },
            { clientId: uuid(), command: 'visit.record', occurredAt: now(), target: c.householdId, payload: { outcome: 'nobody_home', obstacles: [] } },
          ],
        }),
      }),
    },
    'GET /sync/health': { write: false, allowed: ADMIN, call: (c) => ({ path: `/sync/health?communeCode=${c.code}&days=7` }) },
    'GET /audit': {
      write: false,
      allowed: ['commune_admin', 'province_officer'],
      call: (c) => ({ path: `/audit?communeCode=${c.code}&entity=household` }),
      refs: [{ why: 'the audit log of another province', call: (_a, b) => ({ path: `/audit?provinceCode=${b.province}` }) }],
    },
  },

  enrollment: {
    ...opsRows('enrollment-registry-read-model'),
    'GET /services': { write: false, allowed: EVERYONE, global: 'the national and provincial service catalogue (names of services, no people)', call: (c) => ({ path: `/services?provinceCode=${c.province}` }) },
    'POST /services': {
      write: true,
      allowed: ['province_officer'],
      call: (c) => ({ path: '/services', body: { code: `svc_${c.province}_${next()}`, nameVi: 'Dịch vụ tỉnh', nameEn: 'Province service', subject: 'resident', states: ['installed', 'set_up'], provinceCode: c.province } }),
    },
    'POST /enrollments': {
      write: true,
      allowed: FIELD,
      call: (c) => ({ path: '/enrollments', body: { communeCode: c.code, serviceCode: 'ehealth_book', residentId: c.residentId } }),
      refs: [
        { why: 'applying in one’s own commune for another commune’s resident (who has an open enrollment)', call: (a, b) => ({ path: '/enrollments', body: { communeCode: a.code, serviceCode: 'cccd', residentId: b.residentId } }) },
        { why: 'applying in one’s own commune for another commune’s resident (no enrollment yet)', call: (a, b) => ({ path: '/enrollments', body: { communeCode: a.code, serviceCode: 'epayment_account', residentId: b.residentId } }) },
        { why: 'applying in one’s own commune for another commune’s organisation', call: (a, b) => ({ path: '/enrollments', body: { communeCode: a.code, serviceCode: 'org_eid', organisationId: b.organisationId } }) },
      ],
    },
    'GET /enrollments': {
      write: false,
      allowed: READERS,
      call: (c) => ({ path: `/enrollments?communeCode=${c.code}&serviceCode=cccd` }),
      refs: [{ why: 'listing one’s own commune filtered by another commune’s village', call: (a, b) => ({ path: `/enrollments?communeCode=${a.code}&villageId=${b.villageId}` }), refused: deniedOrEmpty }],
    },
    'GET /enrollments/pending': { write: false, allowed: READERS, call: (c) => ({ path: `/enrollments/pending?communeCode=${c.code}` }) },
    'GET /enrollments/returned': { write: false, allowed: ADMIN, call: (c) => ({ path: `/enrollments/returned?communeCode=${c.code}` }) },
    'GET /enrollments/{id}': { write: false, allowed: READERS, call: (c) => ({ path: `/enrollments/${c.enrollmentId}` }) },
    'POST /enrollments/{id}/transitions': { write: true, allowed: FIELD, call: async (c) => ({ path: `/enrollments/${(await fresh.enrollment(c)).id}/transitions`, body: { to: 'issued' } }) },
    'POST /enrollments/{id}/obstacles': { write: true, allowed: FIELD, call: (c) => ({ path: `/enrollments/${c.enrollmentId}/obstacles`, body: { obstacle: 'no_signal', note: 'Mất sóng' } }) },
    'GET /residents/{id}/enrollments': { write: false, allowed: READERS, refused: deniedOrEmpty, call: (c) => ({ path: `/residents/${c.residentId}/enrollments` }) },
    'POST /sync': {
      write: true,
      allowed: FIELD,
      refused: everyItemRefused,
      succeeded: everyItemApplied,
      ignoreTables: ['sync_results'],
      call: (c) => ({
        path: '/sync',
        body: () => ({
          items: [
            { clientId: uuid(), command: 'enrollment.apply', occurredAt: now(), payload: { communeCode: c.code, serviceCode: 'health_insurance_vneid', residentId: c.residentId } },
            { clientId: uuid(), command: 'enrollment.obstacle', occurredAt: now(), target: c.enrollmentId, payload: { obstacle: 'absent' } },
          ],
        }),
      }),
    },
    'GET /sync/health': { write: false, allowed: ADMIN, call: (c) => ({ path: `/sync/health?communeCode=${c.code}&days=7` }) },
    'POST /enrollments/{id}/steps/{stepNumber}/review': { write: true, allowed: ADMIN, call: (c) => ({ path: `/enrollments/${c.enrollmentId}/steps/1/review`, body: { verdict: 'verified' } }) },
    'GET /audit': {
      write: false,
      allowed: ['commune_admin', 'province_officer'],
      call: (c) => ({ path: `/audit?communeCode=${c.code}` }),
      refs: [{ why: 'the audit log of another province', call: (_a, b) => ({ path: `/audit?provinceCode=${b.province}` }) }],
    },
  },

  training: {
    ...opsRows('training-registry-read-model'),
    'GET /topics': { write: false, allowed: EVERYONE, global: 'the training topic catalogue', call: () => ({ path: '/topics' }) },
    'POST /topics': { write: true, allowed: ['province_officer'], global: 'the training topic catalogue', call: () => ({ path: '/topics', body: { code: `topic_${runId}_${next()}`, nameVi: 'Chủ đề mới', nameEn: 'New topic' } }) },
    'POST /teams': {
      write: true,
      allowed: ADMIN,
      call: (c) => ({ path: '/teams', body: { communeCode: c.code, name: 'Tổ Mới', kind: 'community_digital_team', activeFrom: '2026-07-01' } }),
      refs: [{ why: 'a team of one’s own commune covering another commune’s village', call: (a, b) => ({ path: '/teams', body: { communeCode: a.code, name: 'Tổ Lấn', kind: 'mobile_working_group', activeFrom: '2026-07-01', villageIds: [b.villageId] } }) }],
    },
    'GET /teams': { write: false, allowed: READERS, call: (c) => ({ path: `/teams?communeCode=${c.code}` }) },
    'GET /teams/{id}': { write: false, allowed: READERS, call: (c) => ({ path: `/teams/${c.teamId}` }) },
    'PATCH /teams/{id}': { write: true, allowed: ADMIN, call: async (c) => ({ path: `/teams/${(await fresh.team(c)).id}`, body: { name: `Tổ Đã Đổi Tên ${next()}` } }) },
    'GET /communes/{code}/members': { write: false, allowed: FIELD, call: (c) => ({ path: `/communes/${c.code}/members` }) },
    'POST /plans': {
      write: true,
      allowed: ADMIN,
      call: (c) => ({ path: '/plans', body: planBody(c) }),
      refs: [
        { why: 'a plan of one’s own commune over another commune’s village', call: (a, b) => ({ path: '/plans', body: planBody(a, { villageIds: [b.villageId] }) }) },
        { why: 'a plan of one’s own commune listing another commune’s household', call: (a, b) => ({ path: '/plans', body: planBody(a, { householdIds: [b.householdId] }) }) },
        { why: 'a plan of one’s own commune carried by another commune’s team', call: (a, b) => ({ path: '/plans', body: planBody(a, { teamId: b.teamId }) }) },
      ],
    },
    // The world's field agents are no team's members (their token subject is not a member id): a plan is not theirs to see.
    'GET /plans': { write: false, allowed: READERS, call: (c) => ({ path: `/plans?communeCode=${c.code}` }) },
    'GET /plans/{id}': { write: false, allowed: READERS, own: { field_agent: 404 }, call: async (c) => ({ path: `/plans/${(await fresh.plan(c)).id}` }) },
    'PUT /plans/{id}': {
      write: true,
      allowed: ADMIN,
      call: async (c) => ({ path: `/plans/${(await fresh.plan(c)).id}`, body: planEdit(c, { householdsPerDay: 35 }) }),
      refs: [
        { why: 'one’s own plan moved to another commune’s village', call: async (a, b) => ({ path: `/plans/${(await fresh.plan(a)).id}`, body: planEdit(a, { villageIds: [b.villageId] }) }) },
        { why: 'one’s own plan reassigned to another commune’s team', call: async (a, b) => ({ path: `/plans/${(await fresh.plan(a)).id}`, body: planEdit(a, { teamId: b.teamId }) }) },
      ],
    },
    'POST /plans/{id}/withdraw': { write: true, allowed: ADMIN, call: async (c) => ({ path: `/plans/${(await fresh.plan(c)).id}/withdraw`, body: { version: 1, reason: 'Đã xong' } }) },
    'POST /teams/{id}/members': {
      write: true,
      allowed: ADMIN,
      call: (c) => ({ path: `/teams/${c.teamId}/members`, body: { fullName: 'Người Tham Gia', affiliation: 'official' } }),
      refs: [{ why: 'another commune’s member joining one’s own team', call: (a, b) => ({ path: `/teams/${a.teamId}/members`, body: { memberId: b.memberId } }) }],
    },
    'POST /teams/{id}/members/{memberId}/leave': { write: true, allowed: ADMIN, call: async (c) => ({ path: `/teams/${c.teamId}/members/${await fresh.member(c)}/leave`, body: {} }) },
    'PUT /teams/{id}/villages': {
      write: true,
      allowed: ADMIN,
      call: (c) => ({ path: `/teams/${c.teamId}/villages`, body: { villageIds: [c.villageId] } }),
      refs: [{ why: 'one’s own team assigned another commune’s village', call: (a, b) => ({ path: `/teams/${a.teamId}/villages`, body: { villageIds: [a.villageId, b.villageId] } }) }],
    },
    'POST /teaching-points': {
      write: true,
      allowed: ADMIN,
      call: (c) => ({ path: '/teaching-points', body: { communeCode: c.code, name: 'Điểm Mới', address: 'Sân đình', weekdays: [7], startTime: '08:00', durationMinutes: 60, activeFrom: '2026-07-01' } }),
      refs: [
        {
          why: 'a teaching point of one’s own commune in another commune’s village',
          call: (a, b) => ({ path: '/teaching-points', body: { communeCode: a.code, name: 'Điểm Lấn', villageId: b.villageId, address: 'Sân', weekdays: [7], startTime: '08:00', durationMinutes: 60, activeFrom: '2026-07-01' } }),
        },
      ],
    },
    'GET /teaching-points': { write: false, allowed: READERS, call: (c) => ({ path: `/teaching-points?communeCode=${c.code}` }) },
    'POST /sessions': {
      write: true,
      allowed: FIELD,
      call: (c) => ({ path: '/sessions', body: sessionBody(c) }),
      refs: [
        { why: 'a session in another commune’s village', call: (a, b) => ({ path: '/sessions', body: sessionBody(a, { villageId: b.villageId }) }) },
        { why: 'a session at another commune’s teaching point', call: (a, b) => ({ path: '/sessions', body: sessionBody(a, { venueType: 'mobile_teaching_point', teachingPointId: b.teachingPointId }) }) },
        { why: 'a session trained by another commune’s member', call: (a, b) => ({ path: '/sessions', body: sessionBody(a, { trainerMemberIds: [b.memberId] }) }) },
      ],
    },
    'GET /sessions': { write: false, allowed: READERS, call: (c) => ({ path: `/sessions?communeCode=${c.code}` }) },
    'GET /sessions/{id}': { write: false, allowed: READERS, call: (c) => ({ path: `/sessions/${c.sessionId}` }) },
    'POST /sessions/{id}/held': { write: true, allowed: FIELD, call: async (c) => ({ path: `/sessions/${(await fresh.session(c)).id}/held`, body: {} }) },
    'POST /sessions/{id}/cancel': { write: true, allowed: FIELD, call: async (c) => ({ path: `/sessions/${(await fresh.session(c)).id}/cancel`, body: { reason: 'Mưa bão' } }) },
    'POST /sessions/{id}/attendance': {
      write: true,
      allowed: FIELD,
      call: (c) => ({ path: `/sessions/${c.sessionId}/attendance`, body: { attendees: [{ walkIn: { fullName: `Khách Mới ${next()}` }, outcome: 'attended' }] } }),
      refs: [
        {
          why: 'another commune’s resident and walk-in recorded at one’s own session',
          call: (a, b) => ({ path: `/sessions/${a.sessionId}/attendance`, body: { attendees: [{ residentId: b.residentId, outcome: 'attended' }, { walkInId: b.walkInId, outcome: 'attended' }] } }),
          refused: (r) => r.status === 200 && results(r).length === 2 && results(r).every((s) => s === 422),
        },
      ],
    },
    'POST /walk-ins/{id}/link': {
      write: true,
      allowed: FIELD,
      call: async (c) => ({ path: `/walk-ins/${await fresh.walkIn(c)}/link`, body: { residentId: c.twinId } }),
      refs: [{ why: 'one’s own walk-in linked to another commune’s resident', call: async (a, b) => ({ path: `/walk-ins/${await fresh.walkIn(a)}/link`, body: { residentId: b.residentId } }) }],
    },
    'POST /sync': {
      write: true,
      allowed: FIELD,
      refused: everyItemRefused,
      succeeded: everyItemApplied,
      ignoreTables: ['sync_results'],
      call: (c) => ({
        path: '/sync',
        body: () => ({
          items: [
            { clientId: uuid(), command: 'session.schedule', occurredAt: now(), payload: sessionBody(c) },
            { clientId: uuid(), command: 'attendance.record', occurredAt: now(), target: c.sessionId, payload: { attendees: [{ walkIn: { fullName: `Khách Đồng Bộ ${next()}` }, outcome: 'attended' }] } },
          ],
        }),
      }),
    },
    'GET /sync/health': { write: false, allowed: ADMIN, call: (c) => ({ path: `/sync/health?communeCode=${c.code}&days=7` }) },
    'GET /audit': {
      write: false,
      allowed: ['commune_admin', 'province_officer'],
      call: (c) => ({ path: `/audit?communeCode=${c.code}` }),
      refs: [{ why: 'the audit log of another province', call: (_a, b) => ({ path: `/audit?provinceCode=${b.province}` }) }],
    },
  },

  reporting: {
    ...opsRows('reporting-projections'),
    'POST /campaigns': { write: true, allowed: TARGET_SETTERS, call: (c) => ({ path: '/campaigns', body: campaignBody(c, { name: 'Chiến dịch bổ sung' }) }) },
    'GET /campaigns': {
      write: false,
      allowed: EVERYONE,
      refused: deniedOrEmpty,
      call: (c) => ({ path: `/campaigns?communeCode=${c.code}` }),
      refs: [
        { why: 'listing another province’s campaigns', call: (_a, b) => ({ path: `/campaigns?provinceCode=${b.province}` }), refused: deniedOrEmpty },
        { why: 'listing campaigns without a filter (only the caller’s own may show)', call: () => ({ path: '/campaigns' }), refused: (r) => r.status === 200 && Array.isArray(r.body) },
      ],
    },
    'GET /campaigns/{id}': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/campaigns/${c.campaignId}` }) },
    'PATCH /campaigns/{id}': {
      write: true,
      allowed: TARGET_SETTERS,
      call: async (c) => ({ path: `/campaigns/${c.campaignId}`, body: { version: await versionOf('reporting', `/campaigns/${c.campaignId}`), endsOn: '2027-01-31' } }),
    },
    'GET /indicators': { write: false, allowed: EVERYONE, global: 'the indicator catalogue (definitions, no figures)', call: () => ({ path: '/indicators' }) },
    'POST /indicators': {
      write: true,
      allowed: ['province_officer'],
      global: 'the indicator catalogue (definitions, no figures)',
      call: () => ({ path: '/indicators', body: { code: `ind_${runId}_${next()}`, labelVi: 'Chỉ tiêu mới', labelEn: 'New indicator', definition: 'Báo cáo từ xã', unit: 'percent', source: 'external' } }),
    },
    'PUT /indicators/{indicatorCode}': {
      write: true,
      allowed: ['province_officer'],
      global: 'the indicator catalogue (definitions, no figures)',
      call: async () => {
        const code = `ind_${runId}_${next()}`;
        const body = { labelVi: 'Cài đặt iHanoi', labelEn: 'iHanoi installs', definition: 'Cư dân được hỗ trợ cài iHanoi', unit: 'people', source: 'enrollment', serviceCode: 'public_service_app', state: 'installed' };
        await created('reporting', 'POST', '/indicators', world.ops, { code, ...body });
        return { path: `/indicators/${code}`, body: { ...body, detail: 'iHanoi' } };
      },
    },
    'GET /freshness': { write: false, allowed: EVERYONE, global: 'how fresh the figures are: event times and lag per source stream, no tenant data', call: () => ({ path: '/freshness' }) },
    'PUT /communes/{code}/indicator-values/{indicatorCode}/{period}': {
      write: true,
      allowed: TARGET_SETTERS,
      call: (c) => ({ path: `/communes/${c.code}/indicator-values/online_application_share/2026-06`, body: { value: 42 } }),
    },
    'GET /communes/{code}/indicator-values': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}/indicator-values?indicatorCode=online_application_share` }) },
    'GET /campaigns/{id}/progress': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/progress?asOf=2026-08-01` }),
      refs: [{ why: 'one’s own province campaign asked about another province’s commune', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/progress?communeCode=${b.code}` }) }],
    },
    'GET /campaigns/{id}/province-progress': {
      write: false,
      allowed: ['province_officer', 'integrator'],
      own: { field_agent: 404, commune_admin: 404 },
      call: (c) => ({ path: `/campaigns/${c.provinceCampaignId}/province-progress?asOf=2026-08-01` }),
    },
    'GET /campaigns/{id}/teams': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/teams` }),
      refs: [{ why: 'one’s own province campaign asked for another province’s commune teams', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/teams?communeCode=${b.code}` }) }],
    },
    'GET /campaigns/{id}/teams/{teamId}': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/teams/${c.teamId}` }),
      refs: [
        { why: 'another commune’s team through one’s own campaign', call: (a, b) => ({ path: `/campaigns/${a.campaignId}/teams/${b.teamId}` }) },
        { why: 'another province’s team through one’s own province campaign', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/teams/${b.teamId}` }) },
      ],
    },
    'GET /campaigns/{id}/series': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/series?asOf=2026-08-01` }),
      refs: [{ why: 'one’s own province campaign’s series for another province’s commune', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/series?communeCode=${b.code}` }) }],
    },
    'GET /campaigns/{id}/report.csv': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/report.csv` }),
      refs: [{ why: 'one’s own province campaign exported for another province’s commune', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/report.csv?communeCode=${b.code}` }) }],
    },
    'GET /campaigns/{id}/report.xlsx': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/report.xlsx?lang=en` }),
      refs: [{ why: 'one’s own province campaign exported for another province’s commune', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/report.xlsx?communeCode=${b.code}` }) }],
    },
    'GET /campaigns/{id}/live': {
      write: false,
      allowed: EVERYONE,
      call: (c) => ({ path: `/campaigns/${c.campaignId}/live`, stream: true }),
      succeeded: (r) => r.status === 200 && r.contentType.includes('text/event-stream'),
      refs: [{ why: 'following another province’s commune through one’s own province campaign', call: (a, b) => ({ path: `/campaigns/${a.provinceCampaignId}/live?communeCode=${b.code}`, stream: true }) }],
    },
    'GET /communes/{code}/households-by-village': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}/households-by-village` }) },
    'GET /communes/{code}/enrollment-funnel': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}/enrollment-funnel?serviceCode=cccd` }) },
    'GET /communes/{code}/training': { write: false, allowed: EVERYONE, call: (c) => ({ path: `/communes/${c.code}/training?from=2026-01-01` }) },
    'GET /communes/{code}/plan-progress': { write: false, allowed: READERS, call: (c) => ({ path: `/communes/${c.code}/plan-progress?from=2026-07-01&to=2026-08-31&groupBy=member` }) },
    'GET /communes/{code}/commendations': { write: false, allowed: READERS, call: (c) => ({ path: `/communes/${c.code}/commendations?from=2026-07-01&to=2026-08-31` }) },
    'GET /communes/{code}/commendations.csv': { write: false, allowed: READERS, call: (c) => ({ path: `/communes/${c.code}/commendations.csv?from=2026-07-01&to=2026-08-31` }) },
    'GET /communes/{code}/commendations.xlsx': { write: false, allowed: READERS, call: (c) => ({ path: `/communes/${c.code}/commendations.xlsx?lang=en` }) },
    'GET /audit': {
      write: false,
      allowed: ['commune_admin', 'province_officer'],
      call: (c) => ({ path: `/audit?communeCode=${c.code}` }),
      refs: [{ why: 'the audit log of another province', call: (_a, b) => ({ path: `/audit?provinceCode=${b.province}` }) }],
    },
    'GET /feeds/provinces/{province}': { write: false, allowed: PROVINCE_READERS, call: (c) => ({ path: `/feeds/provinces/${c.province}` }) },
    'GET /feeds/provinces/{province}/events': {
      write: false,
      allowed: PROVINCE_READERS,
      call: (c) => ({ path: `/feeds/provinces/${c.province}/events?limit=1000` }),
      refs: [
        // Answered, and (checked on every refs answer) showing none of B's ids or codes.
        { why: 'one’s own province feed holds only its own province’s events', call: (a) => ({ path: `/feeds/provinces/${a.province}/events?limit=1000` }), refused: onlyOwnProvinceEvents },
        { why: 'a cursor of another province’s feed', call: async (a, b) => ({ path: `/feeds/provinces/${a.province}/events?after=${await feedHead(b.province)}` }), refused: (r) => r.status === 422 },
      ],
    },
  },
};

const ok = (r: SentResponse) => r.status >= 200 && r.status < 300;
const describeResponse = (r: SentResponse) => `${r.status} ${r.text.slice(0, 300)}`;
const bodyOf = (call: Call) => (typeof call.body === 'function' ? (call.body as () => unknown)() : call.body);

describe('tenant isolation: every endpoint of every service, against another tenant’s data', () => {
  beforeAll(async () => {
    world = await startWorld(runId);
  }, 120000);

  afterAll(async () => {
    await world?.stop();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it.each(ALL_SERVICES)('the table names every operation %s documents (public routes excluded by name)', async (service) => {
    const doc = (await request<OpenApiDocument>('GET', url(service, '/docs-json'))).body;
    const documented = operationsOf(doc);
    const publicRoutes = Object.keys(PUBLIC[service]);
    expect(publicRoutes.filter((route) => !documented.includes(route))).toEqual([]);
    const covered = Object.keys(TABLE[service]);
    expect({ missingFromTable: documented.filter((op) => !publicRoutes.includes(op) && !covered.includes(op)), notDocumented: covered.filter((op) => !documented.includes(op)) }).toEqual({
      missingFromTable: [],
      notDocumented: [],
    });
  });

  it('treats every POST, PUT, PATCH and DELETE as a write that no integrator may make (so each is checked to answer integrators 403)', () => {
    const rows = ALL_SERVICES.flatMap((service) => Object.entries(TABLE[service]).map(([key, row]) => ({ op: `${service} ${key}`, row })));
    expect({
      writesNotMarkedWrite: rows.filter(({ op, row }) => /\s(POST|PUT|PATCH|DELETE) /.test(op) && !row.write).map(({ op }) => op),
      readsMarkedWrite: rows.filter(({ op, row }) => /\sGET /.test(op) && row.write).map(({ op }) => op),
      writesOpenToIntegrators: rows.filter(({ row }) => row.write && row.allowed.includes('integrator')).map(({ op }) => op),
    }).toEqual({ writesNotMarkedWrite: [], readsMarkedWrite: [], writesOpenToIntegrators: [] });
    expect(rows.filter(({ row }) => row.write).length).toBeGreaterThan(30);
  });

  describe.each(ALL_SERVICES)('%s', (service) => {
    it.each(Object.keys(TABLE[service]))('%s', async (key) => {
      const row = TABLE[service][key];
      const [method, template] = key.split(' ');
      const target = world.services[service];
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?.*)?$`);
      const calls = new Map<string, Promise<Call>>();
      const callFor = (c: Commune) => {
        if (!calls.has(c.label)) calls.set(c.label, Promise.resolve(row.call(c)));
        return calls.get(c.label)!;
      };
      const problems: string[] = [];
      const sendAs = async (call: Call, token: string | undefined) => {
        expect(call.path).toMatch(pattern);
        const body = bodyOf(call);
        const response = await send(method, `${target.url}${call.path}`, token, body, { stream: call.stream });
        return { response, sent: `${call.path} ${JSON.stringify(body ?? null)}` };
      };
      const expectRefused = async (label: string, call: Call, token: string, refused: (r: SentResponse) => boolean) => {
        const { response, sent } = await sendAs(call, token);
        if (!refused(response)) problems.push(`${label}: not refused: ${describeResponse(response)}`);
        if (response.status >= 400 && !response.contentType.includes('application/json')) problems.push(`${label}: refusal is not a JSON problem: ${response.contentType}`);
        const leaked = leakedSecrets(world.B.secrets, response.text, sent);
        if (leaked.length > 0) problems.push(`${label}: answer shows commune B's ${leaked.join(', ')}`);
      };

      // 0. Without a token: 401, nothing written.
      {
        const call = await callFor(row.global ? world.A : world.B);
        const before = row.write ? await fingerprint(target, row.ignoreTables) : undefined;
        const { response } = await sendAs(call, undefined);
        if (response.status !== 401) problems.push(`anonymous: expected 401, got ${describeResponse(response)}`);
        if (row.write) expect(await fingerprint(target, row.ignoreTables)).toEqual(before);
      }

      // 1. Commune A's field agent and admin, and province 61's officer and integrator, against B's data.
      if (!row.global) {
        const call = await callFor(world.B);
        const refs: Array<[CrossReference, Call]> = [];
        for (const ref of row.refs ?? []) refs.push([ref, await ref.call(world.A, world.B)]);
        const before = row.write ? await fingerprint(target, row.ignoreTables) : undefined;
        for (const role of ROLES) {
          // Integrators only read: every write is refused by role (403), whoever's data it is.
          const refused = row.write && role === 'integrator' ? (r: SentResponse) => r.status === 403 : (row.refused ?? ((r: SentResponse) => [403, 404].includes(r.status)));
          await expectRefused(`${role} of A on B`, call, world.A.tokens[role], refused);
        }
        for (const [ref, refCall] of refs) {
          for (const role of row.allowed) await expectRefused(`${role} of A, ${ref.why}`, refCall, world.A.tokens[role], ref.refused ?? ((r) => [403, 404, 422].includes(r.status)));
        }
        if (row.write) expect(await fingerprint(target, row.ignoreTables)).toEqual(before);
      }

      // 2. In their own scope: commune users see A; the province's officer and integrator see A and A2;
      //    roles that may not call the endpoint get 403 and write nothing (integrators never write).
      for (const role of ROLES) {
        const communes = role === 'province_officer' || role === 'integrator' ? [world.A, world.A2] : [world.A];
        if (row.write) {
          if (row.allowed.includes(role)) continue;
          const call = await callFor(world.A);
          const before = await fingerprint(target, row.ignoreTables);
          const { response } = await sendAs(call, world.A.tokens[role]);
          if (response.status !== 403) problems.push(`${role} writing in its own scope: expected 403, got ${describeResponse(response)}`);
          expect(await fingerprint(target, row.ignoreTables)).toEqual(before);
          continue;
        }
        for (const c of communes) {
          const { response } = await sendAs(await callFor(c), c.tokens[role]);
          const expected = row.own?.[role] ?? (row.allowed.includes(role) ? 'success' : 403);
          const good = expected === 'success' ? (row.succeeded ?? ok)(response) : response.status === expected;
          if (!good) problems.push(`${role} on ${c.label} (own scope): expected ${expected}, got ${describeResponse(response)}`);
        }
      }

      // 3. Operations may do everything, B's data included.
      const { response } = await sendAs(await callFor(row.global ? world.A : world.B), world.ops);
      if (!(row.succeeded ?? ok)(response)) problems.push(`operations: expected success, got ${describeResponse(response)}`);

      expect(problems).toEqual([]);
    });
  });

  it('refuses a write through another tenant’s offline-sync client id without showing its result', async () => {
    const clientId = uuid();
    const items = [{ clientId, command: 'household.register', occurredAt: hoursFromNow(0), payload: householdBody(world.B.code, world.B.villageCode, { address: `Xóm Đồng Bộ ${world.B.code}` }) }];
    const first = await request<{ results: Array<{ status: number; body: { id: string } }> }>('POST', url('household-registry', '/sync'), world.B.tokens.field_agent, { items });
    expect(first.body.results[0].status).toBe(201);
    const stolen = await send('POST', url('household-registry', '/sync'), world.A.tokens.field_agent, { items });
    expect(results(stolen)).toEqual([409]);
    expect(stolen.text).not.toContain(first.body.results[0].body.id);
    expect(stolen.text).not.toContain(`Xóm Đồng Bộ ${world.B.code}`);
  });
});
