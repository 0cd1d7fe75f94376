import path from 'node:path';
import { addDays, vietnamMonth, vietnamToday, vietnamYear } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, query } from '@dtc/testkit';
import { launchChromium } from '../../support/browser';
import { startGateway } from '../../support/gateway';
import { householdBody } from '../../support/demo-commune';
import { request } from '../../support/http';
import type { OpenApiDocument } from '../../support/openapi';
import { activeProjectionSchema, type ServiceName } from '../../support/services';
import { ALL_SERVICES, campaignBody, fingerprint, hoursFromNow, send, sessionBody, startWorld, uuid, type SentResponse, type World } from '../../support/security-world';

// Issue 7: every write endpoint of every service (and every read that takes path or query
// parameters) given bad input: unknown fields, wrong types, missing fields, malformed JSON,
// oversize bodies and batches, invalid codes, impossible or future dates, invalid ids in the path.
// Each gets a 4xx problem naming the field and the reason, nothing is written, and nothing internal
// (stack, SQL, file names) is shown. Free text that looks like SQL or HTML is stored and returned as
// it was, and exports and the console never run it.
const runId = newRunId();

interface Req {
  path: string;
  body?: unknown;
  /** Sent as is (malformed JSON, oversize bodies). */
  raw?: string;
}

interface Bad {
  what: string;
  req: (base: Req, w: World) => Req | Promise<Req>;
  status: number;
  /** The problem must list this field with a reason (matching `reason` when given). */
  field?: string;
  reason?: RegExp;
  /** For problems about the request as a whole (JSON, size): the message. */
  message?: RegExp;
  /** Offline sync: the batch is accepted and this item is refused (its refusal is stored for retries). */
  item?: { index: number; status: number; field?: string };
}

interface Row {
  /** A valid request (sent last, as operations: it must succeed); bad cases are variations of it. */
  valid: (w: World) => Req | Promise<Req>;
  bad: Bad[];
}

let world: World;
let counter = 0;
const next = () => (counter += 1);
const url = (service: ServiceName, path: string) => `${world.services[service].url}${path}`;

const FUTURE = () => hoursFromNow(48);
const TOMORROW = () => addDays(vietnamToday(), 1);
// Next month in Vietnam: 31 days after the 1st of this month is always in the next one.
const NEXT_MONTH = () => addDays(`${vietnamMonth()}-01`, 31).slice(0, 7);

// Variations of the valid request.
const objectBody = (base: Req) => (base.body ?? {}) as Record<string, unknown>;
const set = (patch: Record<string, unknown>) => (base: Req) => ({ ...base, body: { ...objectBody(base), ...patch } });
const without = (field: string) => (base: Req) => {
  const { [field]: _dropped, ...rest } = objectBody(base);
  return { ...base, body: rest };
};
const withQuery = (extra: string) => (base: Req) => ({ ...base, path: `${base.path}${base.path.includes('?') ? '&' : '?'}${extra}` });
const replaceQuery = (name: string, value: string) => (base: Req) => {
  const [path, search = ''] = base.path.split('?');
  const params = new URLSearchParams(search);
  params.set(name, value);
  return { ...base, path: `${path}?${params.toString()}` };
};
const dropQuery = (name: string) => (base: Req) => {
  const [path, search = ''] = base.path.split('?');
  const params = new URLSearchParams(search);
  params.delete(name);
  const rest = params.toString();
  return { ...base, path: rest ? `${path}?${rest}` : path };
};
const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
/** JSON text of a body with one more key written first (JSON.parse makes `__proto__` an ordinary key). */
const withKey = (key: string, json: string, body: Record<string, unknown>) => {
  const rest = JSON.stringify(body).slice(1, -1);
  return `{"${key}":${json}${rest ? `,${rest}` : ''}}`;
};

async function created<T = { id: string }>(service: ServiceName, method: string, path: string, body: unknown, token = world.ops): Promise<T> {
  const response = await request<T>(method, url(service, path), token, body);
  if (response.status < 200 || response.status > 299) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
/** The head cursor of a province feed. */
const feedHead = async (province: string) => (await created<{ head: string }>('reporting', 'GET', `/feeds/provinces/${province}`, undefined)).head;
const freshHousehold = () => created('household-registry', 'POST', '/households', householdBody(world.A.code, world.A.villageCode));
const freshResident = (fullName = `Người Thử ${next()}`) =>
  created('household-registry', 'POST', '/residents', { householdId: world.A.householdId, fullName, dateOfBirth: '1980-01-01', sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'other' });
const freshSession = (extra: Record<string, unknown> = {}) => created('training', 'POST', '/sessions', sessionBody(world.A, extra));
/** A micro-plan of commune A's seeded team (active from 2026-07-01, open-ended) over its village and household. */
const planBody = (w: World, extra: Record<string, unknown> = {}) => ({
  communeCode: w.A.code,
  teamId: w.A.teamId,
  startsOn: '2026-07-21',
  endsOn: '2026-08-31',
  villageIds: [w.A.villageId],
  householdIds: [w.A.householdId],
  householdsPerDay: 20,
  enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 30 }],
  ...extra,
});
const freshPlan = () => created<{ id: string }>('training', 'POST', '/plans', planBody(world));
const syncItem = (command: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ clientId: uuid(), command, occurredAt: new Date().toISOString(), payload, ...extra });

// Issue 15 (defect 6): dates IsISO8601 passes but new Date cannot read (week dates, basic format,
// beyond what a Date holds, days that do not exist), null on optional fields, pages whose offset
// overflows the database, and keys that replace a DTO's prototype were 500s (found by
// fuzz-no-5xx.e2e-spec.ts); each is a 400 naming the field.
const W30 = { reason: /ISO 8601 date-time with a time zone/ };
const NULL_REASON = /must not be null/;
const PAGE_CASES: Bad[] = [
  { what: 'pageSize above 200', req: withQuery('pageSize=1000'), status: 400, field: 'pageSize' },
  { what: 'page not a number', req: withQuery('page=first'), status: 400, field: 'page' },
  { what: 'page beyond any real page (1e17: its offset overflowed bigint)', req: withQuery('page=1e17'), status: 400, field: 'page', reason: /100000/ },
  { what: 'page 1e308', req: withQuery('page=1e308'), status: 400, field: 'page' },
  { what: '__proto__ in the query string', req: withQuery('__proto__=1'), status: 400, field: '__proto__', reason: /should not exist/ },
];
const unknownQuery: Bad = { what: 'unknown query parameter', req: withQuery('debug=true'), status: 400, field: 'debug', reason: /should not exist/ };
const badCommuneQuery: Bad = { what: 'commune code not 5 digits', req: replaceQuery('communeCode', "1' OR '1'='1"), status: 400, field: 'communeCode', reason: /5-digit/ };
const missingCommuneQuery: Bad = { what: 'communeCode missing', req: dropQuery('communeCode'), status: 400, field: 'communeCode' };
const auditCases: Bad[] = [
  badCommuneQuery,
  { what: 'province code not 2 digits', req: (b) => ({ ...b, path: '/audit?provinceCode=6' }), status: 400, field: 'provinceCode' },
  { what: 'entityId too long', req: withQuery(`entityId=${'x'.repeat(65)}`), status: 400, field: 'entityId' },
  ...PAGE_CASES,
  unknownQuery,
];
const syncHealthCases: Bad[] = [
  badCommuneQuery,
  missingCommuneQuery,
  { what: 'days 0', req: replaceQuery('days', '0'), status: 400, field: 'days' },
  { what: 'days over 90', req: replaceQuery('days', '91'), status: 400, field: 'days' },
  { what: 'days a word', req: replaceQuery('days', 'week'), status: 400, field: 'days' },
  { what: 'days a fraction', req: replaceQuery('days', '1.5'), status: 400, field: 'days' },
  unknownQuery,
];

/** The operations page's endpoints with input, which every service has. */
function opsRows(consumer: string): Record<string, Row> {
  return {
    'GET /ops/dead-letters/{consumer}': { valid: () => ({ path: `/ops/dead-letters/${consumer}` }), bad: [] },
    'POST /ops/dead-letters/{consumer}/replay': {
      valid: () => ({ path: `/ops/dead-letters/${consumer}/replay`, body: {} }),
      bad: [{ what: 'a choice of letters (a replay takes them all)', req: set({ eventIds: [uuid()] }), status: 400, field: 'eventIds', reason: /should not exist/ }],
    },
  };
}

const TABLE: Record<ServiceName, Record<string, Row>> = {
  'household-registry': {
    ...opsRows('registry-field-read-model'),
    'POST /communes': {
      valid: () => ({ path: '/communes', body: { code: `61${500 + (next() % 400)}`, name: 'Xã Kiểm Thử', provinceCode: '61', provinceName: 'Tỉnh Kiểm Thử' } }),
      bad: [
        { what: 'code of 4 digits', req: set({ code: '6100' }), status: 400, field: 'code', reason: /5-digit/ },
        { what: 'province code with letters', req: set({ provinceCode: 'AB' }), status: 400, field: 'provinceCode' },
        { what: 'name missing', req: without('name'), status: 400, field: 'name' },
        { what: 'name a number', req: set({ name: 42 }), status: 400, field: 'name' },
      ],
    },
    'GET /communes/{code}': {
      valid: (w) => ({ path: `/communes/${w.A.code}` }),
      bad: [{ what: 'well-formed but unknown commune', req: () => ({ path: '/communes/99999' }), status: 404, message: /99999/ }],
    },
    'POST /communes/{code}/villages': {
      valid: (w) => ({ path: `/communes/${w.A.code}/villages`, body: { code: `K${next()}`, name: 'Thôn Kiểm Thử' } }),
      bad: [
        { what: 'village code lower case with a space', req: set({ code: 'thon 1' }), status: 400, field: 'code' },
        { what: 'empty name', req: set({ name: '' }), status: 400, field: 'name' },
        { what: 'well-formed but unknown commune', req: (b) => ({ ...b, path: '/communes/99999/villages' }), status: 404, message: /99999/ },
      ],
    },
    'GET /communes/{code}/villages': { valid: (w) => ({ path: `/communes/${w.A.code}/villages` }), bad: [] },
    'GET /communes/{code}/household-map': { valid: (w) => ({ path: `/communes/${w.A.code}/household-map` }), bad: [] },
    'PATCH /communes/{code}': {
      valid: (w) => ({ path: `/communes/${w.A.code}`, body: { name: `Xã Kiểm Thử ${next()}` } }),
      bad: [
        { what: 'name missing', req: without('name'), status: 400, field: 'name' },
        { what: 'name of spaces only', req: set({ name: '   ' }), status: 400, field: 'name', reason: /blank/ },
        { what: 'name over 200 characters', req: set({ name: 'x'.repeat(201) }), status: 400, field: 'name' },
        { what: 'name null', req: set({ name: null }), status: 400, field: 'name' },
        { what: 'well-formed but unknown commune', req: (b) => ({ ...b, path: '/communes/99999' }), status: 404, message: /99999/ },
      ],
    },
    'PATCH /communes/{code}/villages/{villageId}': {
      valid: async (w) => ({
        path: `/communes/${w.A.code}/villages/${(await created('household-registry', 'POST', `/communes/${w.A.code}/villages`, { code: `RN${next()}`, name: 'Thôn Sẽ Đổi' })).id}`,
        body: { name: 'Thôn Đã Đổi' },
      }),
      bad: [
        { what: 'name a number', req: set({ name: 42 }), status: 400, field: 'name' },
        { what: 'empty name', req: set({ name: '' }), status: 400, field: 'name' },
        { what: 'name over 200 characters', req: set({ name: 'x'.repeat(201) }), status: 400, field: 'name' },
        { what: 'the current name (nothing to change)', req: set({ name: 'Thôn Sẽ Đổi' }), status: 409, field: 'name', reason: /current name/ },
        { what: 'well-formed but unknown village', req: (b, w) => ({ ...b, path: `/communes/${w.A.code}/villages/${uuid()}` }), status: 404, message: /not found/ },
        { what: 'a village of another commune', req: (b, w) => ({ ...b, path: `/communes/${w.A.code}/villages/${w.B.villageId}` }), status: 404, message: /not found/ },
      ],
    },
    'POST /households': {
      valid: (w) => ({ path: '/households', body: householdBody(w.A.code, w.A.villageCode) }),
      bad: [
        { what: 'commune code of 4 digits', req: set({ communeCode: '1234' }), status: 400, field: 'communeCode' },
        { what: 'village code with diacritics', req: set({ villageCode: 'THÔN-1' }), status: 400, field: 'villageCode' },
        { what: 'well-formed but unknown commune', req: set({ communeCode: '99999' }), status: 422, field: 'communeCode', reason: /unknown/ },
        { what: 'well-formed but unknown village', req: set({ villageCode: 'THON-404' }), status: 422, field: 'villageCode' },
        { what: 'address missing', req: without('address'), status: 400, field: 'address' },
        { what: 'head name a number', req: set({ headName: 42 }), status: 400, field: 'headName' },
        { what: 'smartDevices a string', req: set({ smartDevices: '3' }), status: 400, field: 'smartDevices' },
        { what: 'latitude out of range', req: set({ latitude: 200, longitude: 105 }), status: 400, field: 'latitude' },
        { what: 'registeredAt in the future', req: (b) => set({ registeredAt: FUTURE() })(b), status: 422, field: 'registeredAt', reason: /future/ },
        { what: 'registeredAt not a date', req: set({ registeredAt: 'yesterday' }), status: 400, field: 'registeredAt' },
        { what: 'registeredAt a week date (IsISO8601 passed it, new Date cannot read it: a 500)', req: set({ registeredAt: '2026-W30' }), status: 400, field: 'registeredAt', ...W30 },
        { what: 'registeredAt beyond what a Date holds', req: set({ registeredAt: '+275760-09-13T00:00:00.001Z' }), status: 400, field: 'registeredAt', ...W30 },
        { what: 'registeredAt on a day that does not exist', req: set({ registeredAt: '2026-02-30T00:00:00Z' }), status: 400, field: 'registeredAt', ...W30 },
        { what: 'registeredAt in basic format', req: set({ registeredAt: '20260721T083000Z' }), status: 400, field: 'registeredAt', ...W30 },
        { what: 'registeredAt in year 0 (PostgreSQL has none)', req: set({ registeredAt: '0000-01-01T00:00:00Z' }), status: 400, field: 'registeredAt', ...W30 },
        { what: 'smartDevices null', req: set({ smartDevices: null }), status: 400, field: 'smartDevices', reason: NULL_REASON },
      ],
    },
    'GET /households': {
      valid: (w) => ({ path: `/households?communeCode=${w.A.code}&villageCode=${w.A.villageCode}&withoutDigitalCore=true` }),
      bad: [
        badCommuneQuery,
        missingCommuneQuery,
        { what: 'withoutDigitalCore not a boolean', req: replaceQuery('withoutDigitalCore', 'maybe'), status: 400, field: 'withoutDigitalCore' },
        { what: 'village code with SQL', req: replaceQuery('villageCode', "X' OR '1'='1"), status: 400, field: 'villageCode' },
        ...PAGE_CASES,
        unknownQuery,
      ],
    },
    'GET /households/{id}': { valid: (w) => ({ path: `/households/${w.A.householdId}` }), bad: [{ what: 'well-formed but unknown id', req: () => ({ path: `/households/${uuid()}` }), status: 404, message: /not found/ }] },
    'PATCH /households/{id}': {
      valid: async (w) => ({ path: `/households/${w.A.householdId}`, body: { version: (await created<{ version: number }>('household-registry', 'GET', `/households/${w.A.householdId}`, undefined)).version, hasInternet: true } }),
      bad: [
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
        { what: 'version a string', req: set({ version: '1' }), status: 400, field: 'version' },
        { what: 'mobileSignal not one of the values', req: set({ mobileSignal: 'strong' }), status: 400, field: 'mobileSignal' },
        { what: 'changedAt in the future', req: (b) => set({ changedAt: FUTURE() })(b), status: 422, field: 'changedAt', reason: /future/ },
        { what: 'address null (an optional field is left out, never null)', req: set({ address: null }), status: 400, field: 'address', reason: NULL_REASON },
        { what: 'hasElectricity null', req: set({ hasElectricity: null }), status: 400, field: 'hasElectricity', reason: NULL_REASON },
        { what: 'changedAt a week date', req: set({ changedAt: '2026-W30' }), status: 400, field: 'changedAt', ...W30 },
        { what: 'distanceToCentreKm -2e-323 (the decimal-places check threw on exponent notation: a 500)', req: set({ distanceToCentreKm: -2e-323 }), status: 400, field: 'distanceToCentreKm', reason: /decimal places/ },
      ],
    },
    'POST /households/{id}/move': {
      valid: async (w) => ({ path: `/households/${(await freshHousehold()).id}/move`, body: { version: 1, villageCode: w.A.otherVillageCode } }),
      bad: [
        { what: 'villageCode missing', req: without('villageCode'), status: 400, field: 'villageCode' },
        { what: 'unknown village', req: set({ villageCode: 'THON-404' }), status: 422, field: 'villageCode' },
        { what: 'movedAt in the future', req: (b) => set({ movedAt: FUTURE() })(b), status: 422, field: 'movedAt', reason: /future/ },
      ],
    },
    'PUT /households/{id}/digital-core': {
      valid: async () => ({ path: `/households/${(await freshHousehold()).id}/digital-core`, body: { version: 1, residentId: null } }),
      bad: [
        { what: 'residentId not a UUID', req: set({ residentId: 'someone' }), status: 400, field: 'residentId' },
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
      ],
    },
    'POST /households/{householdId}/visits': {
      valid: (w) => ({ path: `/households/${w.A.householdId}/visits`, body: { outcome: 'partly_done', obstacles: ['elderly'], followUpDate: TOMORROW() } }),
      bad: [
        { what: 'outcome not one of the values', req: set({ outcome: 'maybe' }), status: 400, field: 'outcome' },
        { what: 'obstacles not a list', req: set({ obstacles: 'rain' }), status: 400, field: 'obstacles' },
        { what: 'visitedAt in the future', req: (b) => set({ visitedAt: FUTURE() })(b), status: 422, field: 'visitedAt', reason: /future/ },
        { what: 'follow-up date that does not exist', req: set({ followUpDate: '2026-02-30' }), status: 400, field: 'followUpDate' },
        { what: 'follow-up date before the visit', req: set({ followUpDate: '2020-01-01' }), status: 422, field: 'followUpDate' },
        { what: 'note over 1000 characters', req: set({ note: 'x'.repeat(1001) }), status: 400, field: 'note' },
      ],
    },
    'GET /households/{householdId}/visits': {
      valid: (w) => ({ path: `/households/${w.A.householdId}/visits?reviewStatus=unreviewed` }),
      bad: [{ what: 'reviewStatus not one of the values', req: replaceQuery('reviewStatus', 'approved'), status: 400, field: 'reviewStatus' }, unknownQuery],
    },
    'POST /visits/{visitId}/review': {
      valid: async (w) => ({
        path: `/visits/${(await created('household-registry', 'POST', `/households/${w.A.householdId}/visits`, { outcome: 'nobody_home', obstacles: [] })).id}/review`,
        body: { verdict: 'returned', reason: 'Thiếu ảnh biên bản' },
      }),
      bad: [
        { what: 'verdict not one of the values', req: set({ verdict: 'approved' }), status: 400, field: 'verdict' },
        { what: 'verdict missing', req: without('verdict'), status: 400, field: 'verdict' },
        { what: 'reason over 300 characters', req: set({ reason: 'x'.repeat(301) }), status: 400, field: 'reason' },
        { what: 'reason of spaces only', req: set({ reason: '  ' }), status: 400, field: 'reason', reason: /blank/ },
        { what: 'reason null', req: set({ reason: null }), status: 400, field: 'reason', reason: NULL_REASON },
        { what: 'returned without a reason', req: without('reason'), status: 422, field: 'reason', reason: /required/ },
        { what: 'well-formed but unknown visit', req: (b) => ({ ...b, path: `/visits/${uuid()}/review` }), status: 404, message: /not found/ },
      ],
    },
    'GET /work-list': {
      valid: (w) => ({ path: `/work-list?communeCode=${w.A.code}&teamId=${w.A.teamId}&villageId=${w.A.villageId}&status=not_visited&limit=50` }),
      bad: [
        badCommuneQuery,
        missingCommuneQuery,
        { what: 'teamId not a UUID', req: replaceQuery('teamId', "x' OR '1'='1"), status: 400, field: 'teamId' },
        { what: 'villageId not a UUID', req: replaceQuery('villageId', 'THON-1'), status: 400, field: 'villageId' },
        { what: 'status not one of the values', req: replaceQuery('status', 'lazy'), status: 400, field: 'status' },
        { what: 'limit 0', req: replaceQuery('limit', '0'), status: 400, field: 'limit' },
        { what: 'limit above 500', req: replaceQuery('limit', '501'), status: 400, field: 'limit' },
        { what: 'limit 1e308', req: replaceQuery('limit', '1e308'), status: 400, field: 'limit' },
        { what: 'since with characters no cursor has', req: withQuery('since=a.b'), status: 400, field: 'since' },
        { what: 'since well-formed but not a cursor of the work list', req: withQuery(`since=${Buffer.from('{"v":1,"x":"20:10:","d":"2026-07-22","s":"0123456789abcdef"}').toString('base64url')}`), status: 400, field: 'since' },
        { what: 'after not a cursor', req: withQuery('after=bm90LWEtY3Vyc29y'), status: 400, field: 'after' },
        { what: 'since and after together', req: withQuery('since=x&after=y'), status: 422, field: 'since', reason: /not both/ },
        ...PAGE_CASES.filter((c) => c.field === '__proto__'),
        unknownQuery,
      ],
    },
    'POST /residents': {
      valid: (w) => ({ path: '/residents', body: { householdId: w.A.householdId, fullName: 'Lê Thị Thử', dateOfBirth: '1991-02-03', sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'other' } }),
      bad: [
        { what: 'date of birth in the future', req: (b) => set({ dateOfBirth: TOMORROW() })(b), status: 422, field: 'dateOfBirth', reason: /future/ },
        { what: 'date of birth that does not exist', req: set({ dateOfBirth: '1990-02-30' }), status: 400, field: 'dateOfBirth' },
        { what: 'sex not one of the values', req: set({ sex: 'x' }), status: 400, field: 'sex' },
        { what: 'ID number with SQL', req: set({ idNumber: "' OR '1'='1" }), status: 422, field: 'idNumber', reason: /12 digits/ },
        { what: 'householdId not a UUID', req: set({ householdId: 'h1' }), status: 400, field: 'householdId' },
        { what: 'fullName missing', req: without('fullName'), status: 400, field: 'fullName' },
        { what: 'registeredAt in the future', req: (b) => set({ registeredAt: FUTURE() })(b), status: 422, field: 'registeredAt', reason: /future/ },
        { what: 'phone with letters', req: set({ phone: '09123abc' }), status: 400, field: 'phone' },
      ],
    },
    'GET /residents': {
      valid: (w) => ({ path: `/residents?communeCode=${w.A.code}&q=${encodeURIComponent('Cư Dân')}&status=living` }),
      bad: [
        badCommuneQuery,
        missingCommuneQuery,
        { what: 'search text over 200 characters', req: replaceQuery('q', 'x'.repeat(201)), status: 400, field: 'q' },
        { what: 'ID number with SQL', req: withQuery(`idNumber=${encodeURIComponent("' OR 1=1--")}`), status: 400, field: 'idNumber' },
        { what: 'status not one of the values', req: replaceQuery('status', 'alive'), status: 400, field: 'status' },
        ...PAGE_CASES,
        unknownQuery,
      ],
    },
    'GET /residents/eligible': {
      valid: (w) => ({ path: `/residents/eligible?communeCode=${w.A.code}&onDate=2026-08-01&minAge=14` }),
      bad: [
        badCommuneQuery,
        { what: 'onDate that does not exist', req: replaceQuery('onDate', '2026-02-30'), status: 400, field: 'onDate' },
        { what: 'minAge negative', req: replaceQuery('minAge', '-1'), status: 400, field: 'minAge' },
        { what: 'minAge not a number', req: replaceQuery('minAge', 'old'), status: 400, field: 'minAge' },
        unknownQuery,
      ],
    },
    'GET /residents/{id}': { valid: (w) => ({ path: `/residents/${w.A.residentId}` }), bad: [] },
    'PATCH /residents/{id}': {
      valid: async (w) => ({ path: `/residents/${w.A.residentId}`, body: { version: (await created<{ version: number }>('household-registry', 'GET', `/residents/${w.A.residentId}`, undefined)).version, ownsSmartphone: true } }),
      bad: [
        { what: 'date of birth in the future', req: (b) => set({ dateOfBirth: TOMORROW() })(b), status: 422, field: 'dateOfBirth', reason: /future/ },
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
        { what: 'changedAt in the future', req: (b) => set({ changedAt: FUTURE() })(b), status: 422, field: 'changedAt', reason: /future/ },
        { what: 'relationshipToHead null', req: set({ relationshipToHead: null }), status: 400, field: 'relationshipToHead', reason: NULL_REASON },
        { what: 'date of birth in year 0', req: set({ dateOfBirth: '0000-01-01' }), status: 400, field: 'dateOfBirth' },
      ],
    },
    'POST /residents/{id}/move-out': {
      valid: async () => ({ path: `/residents/${(await freshResident()).id}/move-out`, body: { version: 1 } }),
      bad: [
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
        { what: 'version zero', req: set({ version: 0 }), status: 400, field: 'version' },
      ],
    },
    'POST /residents/{id}/deceased': {
      valid: async () => ({ path: `/residents/${(await freshResident()).id}/deceased`, body: { version: 1 } }),
      bad: [
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
        { what: 'version a word', req: set({ version: 'one' }), status: 400, field: 'version' },
      ],
    },
    'GET /duplicate-flags': {
      valid: (w) => ({ path: `/duplicate-flags?communeCode=${w.A.code}&status=open` }),
      bad: [badCommuneQuery, { what: 'status not one of the values', req: replaceQuery('status', 'closed'), status: 400, field: 'status' }, ...PAGE_CASES, unknownQuery],
    },
    'POST /duplicate-flags/{id}/resolve': {
      valid: async () => {
        const name = `Song Sinh ${next()}`;
        await freshResident(name);
        const twin = await freshResident(name);
        return { path: `/duplicate-flags/${(twin as unknown as { duplicateFlags: Array<{ flagId: string }> }).duplicateFlags[0].flagId}/resolve`, body: { decision: 'duplicate' } };
      },
      bad: [{ what: 'decision not one of the values', req: set({ decision: 'maybe' }), status: 400, field: 'decision' }],
    },
    'POST /organisations': {
      valid: (w) => ({ path: '/organisations', body: { communeCode: w.A.code, villageCode: w.A.villageCode, name: 'HTX Kiểm Thử', taxCode: `35${String(next()).padStart(8, '0')}`, kind: 'cooperative' } }),
      bad: [
        { what: 'tax code with letters', req: set({ taxCode: 'ABC1234567' }), status: 400, field: 'taxCode' },
        { what: 'kind not one of the values', req: set({ kind: 'ngo' }), status: 400, field: 'kind' },
        { what: 'commune code with SQL', req: set({ communeCode: "'; DROP TABLE organisations;--" }), status: 400, field: 'communeCode' },
        { what: 'registeredAt in the future', req: (b) => set({ registeredAt: FUTURE() })(b), status: 422, field: 'registeredAt', reason: /future/ },
      ],
    },
    'GET /organisations': {
      valid: (w) => ({ path: `/organisations?communeCode=${w.A.code}&eIdStatus=none` }),
      bad: [badCommuneQuery, { what: 'eIdStatus not one of the values', req: replaceQuery('eIdStatus', 'done'), status: 400, field: 'eIdStatus' }, ...PAGE_CASES, unknownQuery],
    },
    'PUT /organisations/{id}/e-id-status': {
      valid: async (w) => ({
        path: `/organisations/${(await created('household-registry', 'POST', '/organisations', { communeCode: w.A.code, villageCode: w.A.villageCode, name: 'Công ty Thử', taxCode: `36${String(next()).padStart(8, '0')}`, kind: 'enterprise' })).id}/e-id-status`,
        body: { version: 1, eIdStatus: 'identified' },
      }),
      bad: [
        { what: 'eIdStatus not one of the values', req: set({ eIdStatus: 'done' }), status: 400, field: 'eIdStatus' },
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
      ],
    },
    'POST /sync': {
      valid: (w) => ({ path: '/sync', body: { items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode))] } }),
      bad: [
        { what: '501 items (the limit is 500)', req: (b) => ({ ...b, body: { items: many(501, () => (objectBody(b).items as unknown[])[0]) } }), status: 400, field: 'items', reason: /500/ },
        { what: 'no items', req: set({ items: [] }), status: 400, field: 'items' },
        { what: 'items not a list', req: set({ items: 'all' }), status: 400, field: 'items' },
        { what: 'client id not a UUID', req: (b, w) => set({ items: [{ ...syncItem('household.register', householdBody(w.A.code, w.A.villageCode)), clientId: 'phone-1' }] })(b), status: 400, field: 'items.0.clientId' },
        { what: 'unknown field in an item', req: (b, w) => set({ items: [{ ...syncItem('household.register', householdBody(w.A.code, w.A.villageCode)), priority: 1 }] })(b), status: 400, field: 'items.0.priority' },
        { what: 'occurredAt not a date', req: (b, w) => set({ items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode), { occurredAt: 'now' })] })(b), status: 400, field: 'items.0.occurredAt' },
        { what: 'occurredAt a week date (was a 5xx the phone retried forever)', req: (b, w) => set({ items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode), { occurredAt: '2026-W30' })] })(b), status: 400, field: 'items.0.occurredAt', ...W30 },
        { what: 'occurredAt in basic format', req: (b, w) => set({ items: [syncItem('visit.record', { outcome: 'done', obstacles: [] }, { target: w.A.householdId, occurredAt: '20260721T083000Z' })] })(b), status: 400, field: 'items.0.occurredAt', ...W30 },
        { what: 'an item that is a list (its 500 was stored and replayed)', req: set({ items: [[]] }), status: 400, field: 'items.0', reason: /not a list/ },
        { what: 'target null', req: (b) => set({ items: [syncItem('visit.record', { outcome: 'done', obstacles: [] }, { target: null })] })(b), status: 400, field: 'items.0.target', reason: NULL_REASON },
        {
          what: 'a payload with null on an optional field',
          req: (b, w) => set({ items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode, { hasElectricity: null }))] })(b),
          status: 200,
          item: { index: 0, status: 400, field: 'payload.hasElectricity' },
        },
        {
          what: 'a payload with a __proto__ key',
          req: (b, w) => ({ ...b, raw: JSON.stringify({ items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode))] }).replace('"payload":{', '"payload":{"__proto__":{"x":1},') }),
          status: 400,
          field: 'items.0.payload.__proto__',
        },
        {
          what: 'an item dated in the future',
          req: (b, w) => set({ items: [syncItem('household.register', householdBody(w.A.code, w.A.villageCode), { occurredAt: FUTURE() })] })(b),
          status: 200,
          item: { index: 0, status: 422, field: 'registeredAt' },
        },
        {
          what: 'a reference that is not a client id',
          req: (b, w) => set({ items: [syncItem('visit.record', { outcome: 'done', obstacles: [] }, { refs: { target: "x' OR '1'='1" } }), syncItem('household.register', householdBody(w.A.code, w.A.villageCode), { refs: { householdId: 42 } })] })(b),
          status: 200,
          item: { index: 0, status: 422, field: 'refs.target' },
        },
      ],
    },
    'GET /audit': { valid: (w) => ({ path: `/audit?communeCode=${w.A.code}&entity=household` }), bad: auditCases },
    'GET /sync/health': { valid: (w) => ({ path: `/sync/health?communeCode=${w.A.code}&days=7` }), bad: syncHealthCases },
    'GET /visits/returned': { valid: (w) => ({ path: `/visits/returned?communeCode=${w.A.code}` }), bad: [badCommuneQuery, missingCommuneQuery, unknownQuery] },
  },

  enrollment: {
    ...opsRows('enrollment-registry-read-model'),
    'GET /services': {
      valid: (w) => ({ path: `/services?provinceCode=${w.A.province}` }),
      bad: [{ what: 'province code with SQL', req: replaceQuery('provinceCode', "61' OR '1'='1"), status: 400, field: 'provinceCode' }, unknownQuery],
    },
    'POST /services': {
      valid: (w) => ({ path: '/services', body: { code: `svc_hard_${next()}`, nameVi: 'Dịch vụ thử', nameEn: 'Test service', subject: 'resident', states: ['installed', 'set_up'], provinceCode: w.A.province } }),
      bad: [
        { what: 'code with spaces', req: set({ code: 'Bad Code' }), status: 400, field: 'code' },
        { what: 'no states', req: set({ states: [] }), status: 400, field: 'states' },
        { what: '11 states (the limit is 10)', req: set({ states: many(11, (i) => `step_${String.fromCharCode(97 + i)}`) }), status: 400, field: 'states' },
        { what: 'subject not one of the values', req: set({ subject: 'household' }), status: 400, field: 'subject' },
        { what: 'province code of 3 digits', req: set({ provinceCode: '611' }), status: 400, field: 'provinceCode' },
        { what: 'minAge a word', req: set({ minAge: 'ten' }), status: 400, field: 'minAge' },
      ],
    },
    'POST /enrollments': {
      valid: (w) => ({ path: '/enrollments', body: { communeCode: w.A.code, serviceCode: 'public_service_app', residentId: w.A.residentId, detail: 'VNeID' } }),
      bad: [
        { what: 'commune code with letters', req: set({ communeCode: 'x1234' }), status: 400, field: 'communeCode' },
        { what: 'residentId not a UUID', req: set({ residentId: 'r1' }), status: 400, field: 'residentId' },
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
        { what: 'unknown service', req: set({ serviceCode: 'no_such_service' }), status: 422, field: 'serviceCode' },
        { what: 'detail over 120 characters', req: set({ detail: 'x'.repeat(121) }), status: 400, field: 'detail' },
        { what: 'residentId not a UUID next to an organisationId (reached the database unchecked)', req: (b, w) => set({ organisationId: w.A.organisationId, residentId: '[]' })(b), status: 400, field: 'residentId' },
        { what: 'occurredAt a week date', req: set({ occurredAt: '2026-W30' }), status: 400, field: 'occurredAt', ...W30 },
      ],
    },
    'GET /enrollments': {
      valid: (w) => ({ path: `/enrollments?communeCode=${w.A.code}&serviceCode=cccd&state=applied&villageId=${w.A.villageId}` }),
      bad: [
        badCommuneQuery,
        missingCommuneQuery,
        { what: 'villageId not a UUID', req: replaceQuery('villageId', 'v1'), status: 400, field: 'villageId' },
        { what: 'state with SQL', req: replaceQuery('state', "x' or 1=1--"), status: 400, field: 'state' },
        ...PAGE_CASES,
        unknownQuery,
      ],
    },
    'GET /enrollments/pending': { valid: (w) => ({ path: `/enrollments/pending?communeCode=${w.A.code}` }), bad: [badCommuneQuery, missingCommuneQuery, ...PAGE_CASES, unknownQuery] },
    'GET /enrollments/returned': { valid: (w) => ({ path: `/enrollments/returned?communeCode=${w.A.code}` }), bad: [badCommuneQuery, missingCommuneQuery, unknownQuery] },
    'GET /enrollments/{id}': { valid: (w) => ({ path: `/enrollments/${w.A.enrollmentId}` }), bad: [] },
    'POST /enrollments/{id}/transitions': {
      valid: async (w) => ({ path: `/enrollments/${(await created('enrollment', 'POST', '/enrollments', { communeCode: w.A.code, serviceCode: 'vneid_level2', residentId: w.A.twinId })).id}/transitions`, body: { to: 'issued' } }),
      bad: [
        { what: 'state with punctuation', req: set({ to: 'Issued!' }), status: 400, field: 'to' },
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
        { what: 'reason over 300 characters', req: set({ to: 'rejected', reason: 'x'.repeat(301) }), status: 400, field: 'reason' },
        { what: 'version zero', req: set({ version: 0 }), status: 400, field: 'version' },
      ],
    },
    'POST /enrollments/{id}/obstacles': {
      valid: (w) => ({ path: `/enrollments/${w.A.enrollmentId}/obstacles`, body: { obstacle: 'no_smartphone', note: 'Hẹn lại' } }),
      bad: [
        { what: 'obstacle not one of the values', req: set({ obstacle: 'rain' }), status: 400, field: 'obstacle' },
        { what: 'occurredAt in the future', req: (b) => set({ occurredAt: FUTURE() })(b), status: 422, field: 'occurredAt', reason: /future/ },
        { what: 'occurredAt a week date', req: set({ occurredAt: '2026-W30' }), status: 400, field: 'occurredAt', ...W30 },
        { what: 'note null', req: set({ note: null }), status: 400, field: 'note', reason: NULL_REASON },
      ],
    },
    'GET /residents/{id}/enrollments': { valid: (w) => ({ path: `/residents/${w.A.residentId}/enrollments` }), bad: [] },
    'POST /sync': {
      valid: (w) => ({ path: '/sync', body: { items: [syncItem('enrollment.obstacle', { obstacle: 'absent' }, { target: w.A.enrollmentId })] } }),
      bad: [
        { what: '501 items (the limit is 500)', req: (b) => ({ ...b, body: { items: many(501, () => syncItem('enrollment.obstacle', { obstacle: 'absent' })) } }), status: 400, field: 'items', reason: /500/ },
        { what: 'target not a UUID', req: (b) => set({ items: [syncItem('enrollment.obstacle', { obstacle: 'absent' }, { target: 'e1' })] })(b), status: 400, field: 'items.0.target' },
        { what: 'occurredAt beyond what a Date holds', req: (b, w) => set({ items: [syncItem('enrollment.obstacle', { obstacle: 'absent' }, { target: w.A.enrollmentId, occurredAt: '+275760-09-13T00:00:00.001Z' })] })(b), status: 400, field: 'items.0.occurredAt', ...W30 },
        {
          what: 'an item dated in the future',
          req: (b, w) => set({ items: [syncItem('enrollment.obstacle', { obstacle: 'absent' }, { target: w.A.enrollmentId, occurredAt: FUTURE() })] })(b),
          status: 200,
          item: { index: 0, status: 422, field: 'occurredAt' },
        },
      ],
    },
    'GET /audit': { valid: (w) => ({ path: `/audit?communeCode=${w.A.code}` }), bad: auditCases },
    'GET /sync/health': { valid: (w) => ({ path: `/sync/health?communeCode=${w.A.code}&days=7` }), bad: syncHealthCases },
    'POST /enrollments/{id}/steps/{stepNumber}/review': {
      valid: (w) => ({ path: `/enrollments/${w.A.enrollmentId}/steps/1/review`, body: { verdict: 'returned', reason: 'Thiếu ảnh giấy hẹn' } }),
      bad: [
        { what: 'verdict not one of the values', req: set({ verdict: 'approved' }), status: 400, field: 'verdict' },
        { what: 'verdict missing', req: without('verdict'), status: 400, field: 'verdict' },
        { what: 'reason over 300 characters', req: set({ reason: 'x'.repeat(301) }), status: 400, field: 'reason' },
        { what: 'reason null', req: set({ reason: null }), status: 400, field: 'reason', reason: NULL_REASON },
        { what: 'returned without a reason', req: without('reason'), status: 422, field: 'reason' },
        { what: 'step number 0', req: (b) => ({ ...b, path: b.path.replace('/steps/1/', '/steps/0/') }), status: 400, field: 'stepNumber' },
        { what: 'step number a fraction', req: (b) => ({ ...b, path: b.path.replace('/steps/1/', '/steps/1.5/') }), status: 400, field: 'stepNumber' },
        { what: 'a step the enrollment does not have', req: (b) => ({ ...b, path: b.path.replace('/steps/1/', '/steps/99/') }), status: 404 },
      ],
    },
  },

  training: {
    ...opsRows('training-registry-read-model'),
    'GET /topics': { valid: () => ({ path: '/topics' }), bad: [] },
    'POST /topics': {
      valid: () => ({ path: '/topics', body: { code: `hard_${next()}`, nameVi: 'Chủ đề thử', nameEn: 'Test topic' } }),
      bad: [
        { what: 'code with spaces', req: set({ code: 'A B' }), status: 400, field: 'code' },
        { what: 'nameVi missing', req: without('nameVi'), status: 400, field: 'nameVi' },
      ],
    },
    'POST /teams': {
      valid: (w) => ({ path: '/teams', body: { communeCode: w.A.code, name: 'Tổ Kiểm Thử', kind: 'mobile_working_group', activeFrom: '2026-07-01', activeTo: '2026-08-31', villageIds: [w.A.villageId] } }),
      bad: [
        { what: 'kind not one of the values', req: set({ kind: 'choir' }), status: 400, field: 'kind' },
        { what: 'activeFrom that does not exist', req: set({ activeFrom: '2026-02-30' }), status: 400, field: 'activeFrom' },
        { what: 'activeFrom a word', req: set({ activeFrom: 'soon' }), status: 400, field: 'activeFrom' },
        { what: 'activeTo before activeFrom', req: set({ activeTo: '2026-06-01' }), status: 422, field: 'activeTo' },
        { what: '201 villages (the limit is 200)', req: set({ villageIds: many(201, () => uuid()) }), status: 400, field: 'villageIds' },
        { what: 'village id not a UUID', req: set({ villageIds: ['v1'] }), status: 400, field: 'villageIds' },
        { what: 'commune code with SQL', req: set({ communeCode: "' OR 1=1--" }), status: 400, field: 'communeCode' },
        { what: 'a commune the registry never registered (its event had no province: a 500)', req: set({ communeCode: '99999', villageIds: [] }), status: 422, field: 'communeCode', reason: /unknown commune/ },
        { what: 'activeTo null', req: set({ activeTo: null }), status: 400, field: 'activeTo', reason: NULL_REASON },
      ],
    },
    'GET /teams': { valid: (w) => ({ path: `/teams?communeCode=${w.A.code}` }), bad: [badCommuneQuery, missingCommuneQuery, unknownQuery] },
    'GET /teams/{id}': { valid: (w) => ({ path: `/teams/${w.A.teamId}` }), bad: [] },
    'PATCH /teams/{id}': {
      valid: async (w) => ({
        path: `/teams/${(await created('training', 'POST', '/teams', { communeCode: w.A.code, name: `Tổ Sẽ Đổi ${next()}`, kind: 'community_digital_team', activeFrom: '2026-07-01' })).id}`,
        body: { name: `Tổ Đã Đổi ${next()}` },
      }),
      bad: [
        { what: 'name missing', req: without('name'), status: 400, field: 'name' },
        { what: 'name of one character', req: set({ name: 'X' }), status: 400, field: 'name' },
        { what: 'name over 200 characters', req: set({ name: 'x'.repeat(201) }), status: 400, field: 'name' },
        { what: 'name a number', req: set({ name: 42 }), status: 400, field: 'name' },
        { what: 'name null', req: set({ name: null }), status: 400, field: 'name' },
        { what: 'well-formed but unknown team', req: (b) => ({ ...b, path: `/teams/${uuid()}` }), status: 404, message: /not found/ },
      ],
    },
    'GET /communes/{code}/members': { valid: (w) => ({ path: `/communes/${w.A.code}/members` }), bad: [] },
    'POST /plans': {
      valid: (w) => ({ path: '/plans', body: planBody(w) }),
      bad: [
        { what: 'teamId not a UUID', req: set({ teamId: 't1' }), status: 400, field: 'teamId' },
        { what: 'startsOn that does not exist', req: set({ startsOn: '2026-02-30' }), status: 400, field: 'startsOn' },
        { what: 'endsOn a word', req: set({ endsOn: 'later' }), status: 400, field: 'endsOn' },
        { what: 'endsOn before startsOn', req: set({ endsOn: '2026-07-20' }), status: 422, field: 'endsOn', reason: /before startsOn/ },
        { what: 'a plan of 367 days', req: set({ endsOn: '2027-07-22' }), status: 422, field: 'endsOn', reason: /366/ },
        { what: 'a plan that covers nobody', req: set({ villageIds: [], householdIds: [] }), status: 422, field: 'villageIds' },
        { what: 'householdsPerDay negative', req: set({ householdsPerDay: -1 }), status: 400, field: 'householdsPerDay' },
        { what: 'householdsPerDay over 10000', req: set({ householdsPerDay: 10001 }), status: 400, field: 'householdsPerDay' },
        { what: 'householdsPerDay a fraction', req: set({ householdsPerDay: 2.5 }), status: 400, field: 'householdsPerDay' },
        { what: '201 villages (the limit is 200)', req: set({ villageIds: many(201, () => uuid()) }), status: 400, field: 'villageIds' },
        { what: '5001 households (the limit is 5000)', req: set({ householdIds: many(5001, () => uuid()) }), status: 400, field: 'householdIds' },
        { what: 'householdIds null', req: set({ householdIds: null }), status: 400, field: 'householdIds', reason: NULL_REASON },
        { what: 'serviceCode with capitals', req: set({ enrollmentsPerDay: [{ serviceCode: 'VNeID', perDay: 3 }] }), status: 400, field: 'enrollmentsPerDay.0.serviceCode' },
        { what: 'perDay over 10000', req: set({ enrollmentsPerDay: [{ serviceCode: 'cccd', perDay: 10001 }] }), status: 400, field: 'enrollmentsPerDay.0.perDay' },
        { what: 'a target that is a list', req: set({ enrollmentsPerDay: [[]] }), status: 400, field: 'enrollmentsPerDay.0', reason: /not a list/ },
        {
          what: 'one service targeted twice',
          req: set({
            enrollmentsPerDay: [
              { serviceCode: 'cccd', perDay: 3 },
              { serviceCode: 'cccd', perDay: 4 },
            ],
          }),
          status: 422,
          field: 'enrollmentsPerDay',
        },
        { what: 'a village the registry never announced', req: set({ villageIds: [uuid()] }), status: 422, field: 'villageIds', reason: /unknown village/ },
        { what: 'a household the registry never announced', req: set({ householdIds: [uuid()] }), status: 422, field: 'householdIds', reason: /unknown household/ },
        { what: 'a team not active on the first day', req: set({ startsOn: '2026-06-01' }), status: 422, field: 'teamId', reason: /active/ },
        { what: 'a team that does not exist', req: set({ teamId: uuid() }), status: 422, field: 'teamId' },
        { what: 'a commune the registry never registered', req: set({ communeCode: '99999' }), status: 422, field: 'communeCode', reason: /unknown commune/ },
      ],
    },
    'GET /plans': {
      valid: (w) => ({ path: `/plans?communeCode=${w.A.code}&teamId=${w.A.teamId}&activeOn=2026-07-25&limit=10` }),
      bad: [
        badCommuneQuery,
        missingCommuneQuery,
        { what: 'teamId not a UUID', req: replaceQuery('teamId', 't1'), status: 400, field: 'teamId' },
        { what: 'activeOn that does not exist', req: replaceQuery('activeOn', '2026-02-30'), status: 400, field: 'activeOn' },
        { what: 'limit above 500', req: replaceQuery('limit', '501'), status: 400, field: 'limit' },
        { what: 'limit a word', req: replaceQuery('limit', 'all'), status: 400, field: 'limit' },
        unknownQuery,
      ],
    },
    'GET /plans/{id}': { valid: async () => ({ path: `/plans/${(await freshPlan()).id}` }), bad: [] },
    'PUT /plans/{id}': {
      valid: async (w) => {
        const { communeCode: _commune, ...fields } = planBody(w);
        return { path: `/plans/${(await freshPlan()).id}`, body: { ...fields, version: 1, householdsPerDay: 35 } };
      },
      bad: [
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
        { what: 'version zero', req: set({ version: 0 }), status: 400, field: 'version' },
        { what: 'a stale version', req: set({ version: 2 }), status: 409, message: /changed by someone else/ },
        { what: 'villageIds missing (PUT sends the full state)', req: without('villageIds'), status: 400, field: 'villageIds' },
        { what: 'endsOn before startsOn', req: set({ endsOn: '2026-07-01' }), status: 422, field: 'endsOn' },
        { what: 'communeCode (a plan stays in its commune)', req: set({ communeCode: '61002' }), status: 400, field: 'communeCode', reason: /should not exist/ },
        { what: 'well-formed but unknown plan', req: (b) => ({ ...b, path: `/plans/${uuid()}` }), status: 404, message: /not found/ },
      ],
    },
    'POST /plans/{id}/withdraw': {
      valid: async () => ({ path: `/plans/${(await freshPlan()).id}/withdraw`, body: { version: 1, reason: 'Thôn đã hoàn thành' } }),
      bad: [
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
        { what: 'version a word', req: set({ version: 'latest' }), status: 400, field: 'version' },
        { what: 'empty reason', req: set({ reason: '' }), status: 400, field: 'reason' },
        { what: 'reason over 300 characters', req: set({ reason: 'x'.repeat(301) }), status: 400, field: 'reason' },
        { what: 'a stale version', req: set({ version: 3 }), status: 409, message: /changed by someone else/ },
      ],
    },
    'POST /teams/{id}/members': {
      valid: (w) => ({ path: `/teams/${w.A.teamId}/members`, body: { fullName: 'Người Kiểm Thử', affiliation: 'teacher', phone: '0987654321' } }),
      bad: [
        { what: 'affiliation not one of the values', req: set({ affiliation: 'club' }), status: 400, field: 'affiliation' },
        { what: 'joinedAt in the future', req: (b) => set({ joinedAt: FUTURE() })(b), status: 422, field: 'joinedAt', reason: /future/ },
        { what: 'phone with letters', req: set({ phone: 'call me' }), status: 400, field: 'phone' },
        { what: 'a new member without a name', req: without('fullName'), status: 422, field: 'fullName' },
      ],
    },
    'POST /teams/{id}/members/{memberId}/leave': {
      valid: async (w) => {
        const team = await created<{ memberships: Array<{ memberId: string }> }>('training', 'POST', `/teams/${w.A.teamId}/members`, { fullName: `Người Sắp Nghỉ ${next()}`, affiliation: 'official' });
        return { path: `/teams/${w.A.teamId}/members/${team.memberships[team.memberships.length - 1].memberId}/leave`, body: {} };
      },
      bad: [
        { what: 'leftAt in the future', req: (b) => set({ leftAt: FUTURE() })(b), status: 422, field: 'leftAt', reason: /future/ },
        { what: 'leftAt not a date', req: set({ leftAt: 'today' }), status: 400, field: 'leftAt' },
        { what: 'leftAt a week date with a day', req: set({ leftAt: '2026-W30-2' }), status: 400, field: 'leftAt', ...W30 },
      ],
    },
    'PUT /teams/{id}/villages': {
      valid: (w) => ({ path: `/teams/${w.A.teamId}/villages`, body: { villageIds: [w.A.villageId] } }),
      bad: [
        { what: 'villageIds missing', req: without('villageIds'), status: 400, field: 'villageIds' },
        { what: 'villageIds not a list', req: set({ villageIds: 'all' }), status: 400, field: 'villageIds' },
        { what: '201 villages (the limit is 200)', req: set({ villageIds: many(201, () => uuid()) }), status: 400, field: 'villageIds' },
      ],
    },
    'POST /teaching-points': {
      valid: (w) => ({ path: '/teaching-points', body: { communeCode: w.A.code, name: 'Điểm Thử', address: 'Sân chợ', weekdays: [6, 7], startTime: '19:00', durationMinutes: 90, activeFrom: '2026-07-01' } }),
      bad: [
        { what: 'weekday 8', req: set({ weekdays: [8] }), status: 400, field: 'weekdays' },
        { what: '8 weekdays', req: set({ weekdays: [1, 2, 3, 4, 5, 6, 7, 1] }), status: 400, field: 'weekdays' },
        { what: 'start time 25:00', req: set({ startTime: '25:00' }), status: 400, field: 'startTime' },
        { what: 'activeFrom that does not exist', req: set({ activeFrom: '2026-02-30' }), status: 400, field: 'activeFrom' },
        { what: 'durationMinutes 5', req: set({ durationMinutes: 5 }), status: 400, field: 'durationMinutes' },
      ],
    },
    'GET /teaching-points': { valid: (w) => ({ path: `/teaching-points?communeCode=${w.A.code}` }), bad: [badCommuneQuery, missingCommuneQuery, unknownQuery] },
    'POST /sessions': {
      valid: (w) => ({ path: '/sessions', body: sessionBody(w.A) }),
      bad: [
        { what: 'capacity zero', req: set({ capacity: 0 }), status: 400, field: 'capacity' },
        { what: 'capacity a word', req: set({ capacity: 'ten' }), status: 400, field: 'capacity' },
        { what: 'startsAt a word', req: set({ startsAt: 'tomorrow' }), status: 400, field: 'startsAt' },
        { what: 'endsAt before startsAt', req: (b) => set({ endsAt: hoursFromNow(-3) })(b), status: 422, field: 'endsAt' },
        { what: '21 trainers (the limit is 20)', req: set({ trainerMemberIds: many(21, () => uuid()) }), status: 400, field: 'trainerMemberIds' },
        { what: 'audience not one of the values', req: set({ audience: 'aliens' }), status: 400, field: 'audience' },
        { what: 'unknown topic', req: set({ topicCode: 'juggling' }), status: 422, field: 'topicCode' },
        { what: 'a commune the registry never registered', req: set({ communeCode: '99999', villageId: undefined, trainerMemberIds: [] }), status: 422, field: 'communeCode', reason: /unknown commune/ },
        { what: 'startsAt a week date', req: set({ startsAt: '2026-W30' }), status: 400, field: 'startsAt', ...W30 },
      ],
    },
    'GET /sessions': {
      valid: (w) => ({ path: `/sessions?communeCode=${w.A.code}&state=scheduled` }),
      bad: [badCommuneQuery, { what: 'state not one of the values', req: replaceQuery('state', 'done'), status: 400, field: 'state' }, ...PAGE_CASES, unknownQuery],
    },
    'GET /sessions/{id}': { valid: (w) => ({ path: `/sessions/${w.A.sessionId}` }), bad: [] },
    'POST /sessions/{id}/held': {
      valid: async () => ({ path: `/sessions/${(await freshSession()).id}/held`, body: {} }),
      bad: [
        { what: 'heldAt in the future', req: (b) => set({ heldAt: FUTURE() })(b), status: 422, field: 'heldAt', reason: /future/ },
        { what: 'heldAt not a date', req: set({ heldAt: 'tonight' }), status: 400, field: 'heldAt' },
      ],
    },
    'POST /sessions/{id}/cancel': {
      valid: async () => ({ path: `/sessions/${(await freshSession({ startsAt: hoursFromNow(24), endsAt: hoursFromNow(26) })).id}/cancel`, body: { reason: 'Mưa bão' } }),
      bad: [
        { what: 'reason missing', req: without('reason'), status: 400, field: 'reason' },
        { what: 'reason over 300 characters', req: set({ reason: 'x'.repeat(301) }), status: 400, field: 'reason' },
      ],
    },
    'POST /sessions/{id}/attendance': {
      valid: (w) => ({ path: `/sessions/${w.A.sessionId}/attendance`, body: { attendees: [{ walkIn: { fullName: `Khách Thử ${next()}`, birthYear: 1970 }, outcome: 'attended' }] } }),
      bad: [
        { what: '501 attendees (the limit is 500)', req: set({ attendees: many(501, (i) => ({ walkIn: { fullName: `Khách ${i}` }, outcome: 'attended' })) }), status: 400, field: 'attendees', reason: /500/ },
        { what: 'no attendees', req: set({ attendees: [] }), status: 400, field: 'attendees' },
        { what: 'outcome not one of the values', req: set({ attendees: [{ walkIn: { fullName: 'Khách Lạ' }, outcome: 'slept' }] }), status: 400, field: 'attendees.0.outcome' },
        { what: 'an attendee that is a list', req: set({ attendees: [[]] }), status: 400, field: 'attendees.0', reason: /not a list/ },
        { what: 'a walk-in that is a list', req: set({ attendees: [{ walkIn: [], outcome: 'attended' }] }), status: 400, field: 'attendees.0.walkIn', reason: /not a list/ },
        { what: 'walk-in without a name', req: set({ attendees: [{ walkIn: { birthYear: 1970 }, outcome: 'attended' }] }), status: 400, field: 'attendees.0.walkIn.fullName' },
        { what: 'walk-in born next year', req: set({ attendees: [{ walkIn: { fullName: 'Khách Tương Lai', birthYear: vietnamYear() + 1 }, outcome: 'attended' }] }), status: 400, field: 'attendees.0.walkIn.birthYear', reason: /future/ },
        {
          what: 'attendance at a session that has not started',
          req: async (b) => ({ ...b, path: `/sessions/${(await freshSession({ startsAt: hoursFromNow(24), endsAt: hoursFromNow(26) })).id}/attendance` }),
          status: 409,
          message: /not started/,
        },
      ],
    },
    'POST /walk-ins/{id}/link': {
      valid: async (w) => {
        const answer = await created<{ results: Array<{ walkInId: string }> }>('training', 'POST', `/sessions/${w.A.sessionId}/attendance`, { attendees: [{ walkIn: { fullName: `Khách Liên Kết ${next()}` }, outcome: 'attended' }] });
        return { path: `/walk-ins/${answer.results[0].walkInId}/link`, body: { residentId: w.A.twinId } };
      },
      bad: [{ what: 'residentId not a UUID', req: set({ residentId: 'r1' }), status: 400, field: 'residentId' }],
    },
    'POST /sync': {
      valid: (w) => ({ path: '/sync', body: { items: [syncItem('session.schedule', sessionBody(w.A))] } }),
      bad: [
        { what: '501 items (the limit is 500)', req: (b) => ({ ...b, body: { items: many(501, () => (objectBody(b).items as unknown[])[0]) } }), status: 400, field: 'items', reason: /500/ },
        { what: 'command missing', req: (b, w) => set({ items: [{ ...syncItem('session.schedule', sessionBody(w.A)), command: undefined }] })(b), status: 400, field: 'items.0.command' },
        { what: 'payload not an object', req: (b) => set({ items: [syncItem('session.schedule', 'everything' as never)] })(b), status: 400, field: 'items.0.payload' },
        { what: 'session.schedule with startsAt in basic format', req: (b, w) => set({ items: [syncItem('session.schedule', sessionBody(w.A, { startsAt: '20260721T083000Z' }))] })(b), status: 200, item: { index: 0, status: 400, field: 'payload.startsAt' } },
        { what: 'team.form for a commune the registry never registered', req: (b) => set({ items: [syncItem('team.form', { communeCode: '99999', name: 'Tổ Lạ', kind: 'mobile_working_group', activeFrom: '2026-07-01' })] })(b), status: 200, item: { index: 0, status: 422, field: 'communeCode' } },
      ],
    },
    'GET /sync/health': { valid: (w) => ({ path: `/sync/health?communeCode=${w.A.code}&days=7` }), bad: syncHealthCases },
    'GET /audit': { valid: (w) => ({ path: `/audit?communeCode=${w.A.code}` }), bad: auditCases },
  },

  reporting: {
    ...opsRows('reporting-projections'),
    'POST /campaigns': {
      valid: (w) => ({ path: '/campaigns', body: campaignBody(w.A, { name: 'Chiến dịch kiểm thử' }) }),
      bad: [
        { what: 'start date that does not exist', req: set({ startsOn: '2026-02-30' }), status: 400, field: 'startsOn' },
        { what: 'end before start', req: set({ startsOn: '2026-08-01', endsOn: '2026-07-01' }), status: 422, field: 'endsOn' },
        { what: '41 targets (the limit is 40)', req: set({ targets: many(41, () => ({ indicatorCode: 'cccd_applications', targetCount: 1 })) }), status: 400, field: 'targets' },
        { what: 'no targets', req: set({ targets: [] }), status: 400, field: 'targets' },
        { what: 'negative target', req: set({ targets: [{ indicatorCode: 'cccd_applications', targetCount: -1 }] }), status: 400, field: 'targets.0.targetCount' },
        { what: 'share over 100%', req: set({ targets: [{ indicatorCode: 'cccd_applications', sharePercent: 101 }] }), status: 400, field: 'targets.0.sharePercent' },
        { what: 'share 2e-323%', req: set({ targets: [{ indicatorCode: 'cccd_applications', sharePercent: 2e-323 }] }), status: 400, field: 'targets.0.sharePercent', reason: /decimal places/ },
        { what: 'name missing', req: without('name'), status: 400, field: 'name' },
        { what: 'province code with letters', req: set({ provinceCode: 'XX' }), status: 400, field: 'provinceCode' },
        { what: 'commune code with SQL', req: set({ communeCode: "'); DROP TABLE campaigns;--" }), status: 400, field: 'communeCode' },
        { what: 'a target that is a list', req: set({ targets: [[]] }), status: 400, field: 'targets.0', reason: /not a list/ },
        { what: 'a target population null', req: set({ targets: [{ indicatorCode: 'cccd_applications', sharePercent: 50, population: null }] }), status: 400, field: 'targets.0.population', reason: NULL_REASON },
        { what: 'start day in year 0', req: set({ startsOn: '0000-01-01' }), status: 400, field: 'startsOn' },
      ],
    },
    'GET /campaigns': {
      valid: (w) => ({ path: `/campaigns?communeCode=${w.A.code}&provinceCode=${w.A.province}` }),
      bad: [badCommuneQuery, { what: 'province code of 3 digits', req: replaceQuery('provinceCode', '611'), status: 400, field: 'provinceCode' }, unknownQuery],
    },
    'GET /campaigns/{id}': { valid: (w) => ({ path: `/campaigns/${w.A.campaignId}` }), bad: [] },
    'PATCH /campaigns/{id}': {
      valid: async (w) => ({ path: `/campaigns/${w.A.campaignId}`, body: { version: (await created<{ version: number }>('reporting', 'GET', `/campaigns/${w.A.campaignId}`, undefined)).version, name: 'Chiến dịch đã đổi tên' } }),
      bad: [
        { what: 'version missing', req: without('version'), status: 400, field: 'version' },
        { what: 'end date in month 13', req: set({ endsOn: '2026-13-01' }), status: 400, field: 'endsOn' },
        { what: 'end date that does not exist', req: set({ endsOn: '2026-11-31' }), status: 400, field: 'endsOn' },
        { what: 'name null', req: set({ name: null }), status: 400, field: 'name', reason: NULL_REASON },
      ],
    },
    'GET /indicators': { valid: () => ({ path: '/indicators' }), bad: [] },
    'POST /indicators': {
      valid: () => ({ path: '/indicators', body: { code: `hard_${next()}`, labelVi: 'Chỉ tiêu thử', labelEn: 'Test indicator', definition: 'Báo cáo của xã', unit: 'percent', source: 'external' } }),
      bad: [
        { what: 'unit not one of the values', req: set({ unit: 'kg' }), status: 400, field: 'unit' },
        { what: 'code with spaces', req: set({ code: 'A B' }), status: 400, field: 'code' },
        { what: 'definition of one character', req: set({ definition: 'x' }), status: 400, field: 'definition' },
        { what: 'an external indicator counted in people', req: set({ unit: 'people' }), status: 422, field: 'unit' },
        { what: 'a detail on an indicator not counted from enrollments', req: set({ detail: 'iHanoi' }), status: 422, field: 'detail' },
      ],
    },
    'PUT /indicators/{indicatorCode}': {
      valid: async () => {
        const code = `hard_${next()}`;
        const body = { labelVi: 'Cài đặt iHanoi', labelEn: 'iHanoi installs', definition: 'Cư dân được hỗ trợ cài iHanoi', unit: 'people', source: 'enrollment', serviceCode: 'public_service_app', state: 'installed' };
        await created('reporting', 'POST', '/indicators', { code, ...body });
        return { path: `/indicators/${code}`, body: { ...body, detail: 'iHanoi' } };
      },
      bad: [
        { what: 'detail over 120 characters', req: set({ detail: 'x'.repeat(121) }), status: 400, field: 'detail' },
        { what: 'a detail on a field indicator', req: set({ source: 'field', measure: 'households_visited', serviceCode: undefined, state: undefined }), status: 422, field: 'detail' },
        { what: 'an enrollment measure that does not exist', req: set({ measure: 'smiles', serviceCode: undefined, state: undefined, detail: undefined }), status: 422, field: 'measure' },
        { what: 'unit not one of the values', req: set({ unit: 'kg' }), status: 400, field: 'unit' },
      ],
    },
    'GET /freshness': { valid: () => ({ path: '/freshness' }), bad: [] },
    'PUT /communes/{code}/indicator-values/{indicatorCode}/{period}': {
      valid: (w) => ({ path: `/communes/${w.A.code}/indicator-values/online_application_share/2026-05`, body: { value: 61.25 } }),
      bad: [
        { what: 'value a word', req: set({ value: 'high' }), status: 400, field: 'value' },
        { what: 'value negative', req: set({ value: -1 }), status: 400, field: 'value' },
        { what: 'value 5e-324', req: set({ value: 5e-324 }), status: 400, field: 'value', reason: /decimal places/ },
        { what: 'a future month', req: (b, w) => ({ ...b, path: `/communes/${w.A.code}/indicator-values/online_application_share/${NEXT_MONTH()}` }), status: 422, field: 'period', reason: /future/ },
        { what: 'month 13', req: (b, w) => ({ ...b, path: `/communes/${w.A.code}/indicator-values/online_application_share/2026-13` }), status: 422, field: 'period' },
        { what: 'unknown indicator', req: (b, w) => ({ ...b, path: `/communes/${w.A.code}/indicator-values/no_such_indicator/2026-05` }), status: 404, message: /no_such_indicator/ },
      ],
    },
    'GET /communes/{code}/indicator-values': {
      valid: (w) => ({ path: `/communes/${w.A.code}/indicator-values?indicatorCode=online_application_share` }),
      bad: [{ what: 'indicator code with SQL', req: replaceQuery('indicatorCode', "x' OR '1'='1"), status: 400, field: 'indicatorCode' }, unknownQuery],
    },
    'GET /campaigns/{id}/progress': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/progress?asOf=2026-08-01` }),
      bad: [
        { what: 'report day that does not exist', req: replaceQuery('asOf', '2026-02-30'), status: 400, field: 'asOf' },
        { what: 'report day in month 13', req: replaceQuery('asOf', '2026-13-01'), status: 400, field: 'asOf' },
        { what: 'commune code with letters', req: withQuery('communeCode=abcde'), status: 400, field: 'communeCode' },
        unknownQuery,
      ],
    },
    'GET /campaigns/{id}/province-progress': {
      valid: (w) => ({ path: `/campaigns/${w.A.provinceCampaignId}/province-progress?asOf=2026-08-01&rankBy=cccd_applications` }),
      bad: [
        { what: 'rankBy with SQL', req: replaceQuery('rankBy', "x'; --"), status: 400, field: 'rankBy' },
        { what: 'report day that does not exist', req: replaceQuery('asOf', '2026-04-31'), status: 400, field: 'asOf' },
        unknownQuery,
      ],
    },
    'GET /campaigns/{id}/teams': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/teams?asOf=2026-08-01` }),
      bad: [{ what: 'report day that does not exist', req: replaceQuery('asOf', '2026-02-30'), status: 400, field: 'asOf' }, unknownQuery],
    },
    'GET /campaigns/{id}/teams/{teamId}': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/teams/${w.A.teamId}?asOf=2026-08-01` }),
      bad: [{ what: 'report day that does not exist', req: replaceQuery('asOf', '2026-02-30'), status: 400, field: 'asOf' }, unknownQuery],
    },
    'GET /campaigns/{id}/series': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/series?asOf=2026-08-01` }),
      bad: [{ what: 'report day that does not exist', req: replaceQuery('asOf', '2026-02-30'), status: 400, field: 'asOf' }, unknownQuery],
    },
    'GET /campaigns/{id}/report.csv': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/report.csv?lang=en` }),
      bad: [{ what: 'language not one of the values', req: replaceQuery('lang', 'fr'), status: 400, field: 'lang' }, { what: 'report day that does not exist', req: withQuery('asOf=2026-02-30'), status: 400, field: 'asOf' }, unknownQuery],
    },
    'GET /campaigns/{id}/report.xlsx': {
      valid: (w) => ({ path: `/campaigns/${w.A.campaignId}/report.xlsx?lang=vi` }),
      bad: [{ what: 'language not one of the values', req: replaceQuery('lang', 'fr'), status: 400, field: 'lang' }, unknownQuery],
    },
    'GET /campaigns/{id}/live': {
      valid: (w) => ({ path: `/campaigns/${w.A.provinceCampaignId}/live?communeCode=${w.A.code}` }),
      bad: [{ what: 'commune code with letters', req: replaceQuery('communeCode', 'abcde'), status: 400, field: 'communeCode' }, unknownQuery],
    },
    'GET /communes/{code}/households-by-village': { valid: (w) => ({ path: `/communes/${w.A.code}/households-by-village` }), bad: [] },
    'GET /communes/{code}/enrollment-funnel': {
      valid: (w) => ({ path: `/communes/${w.A.code}/enrollment-funnel?serviceCode=cccd&from=2026-01-01&to=2026-12-31` }),
      bad: [
        { what: 'serviceCode missing', req: dropQuery('serviceCode'), status: 400, field: 'serviceCode' },
        { what: 'from in month 13', req: replaceQuery('from', '2026-13-01'), status: 400, field: 'from' },
        { what: 'to that does not exist', req: replaceQuery('to', '2026-02-30'), status: 400, field: 'to' },
        unknownQuery,
      ],
    },
    'GET /communes/{code}/training': {
      valid: (w) => ({ path: `/communes/${w.A.code}/training?from=2026-01-01&to=2026-12-31` }),
      bad: [
        { what: 'from in month 13', req: replaceQuery('from', '2026-13-01'), status: 400, field: 'from' },
        { what: 'to that does not exist', req: replaceQuery('to', '2026-06-31'), status: 400, field: 'to' },
        unknownQuery,
      ],
    },
    'GET /communes/{code}/plan-progress': {
      valid: (w) => ({ path: `/communes/${w.A.code}/plan-progress?from=2026-01-01&to=2026-12-31&groupBy=day&verifiedOnly=true` }),
      bad: [
        { what: 'from that does not exist', req: replaceQuery('from', '2026-02-30'), status: 400, field: 'from' },
        { what: 'from after to', req: replaceQuery('from', '2027-01-01'), status: 422, field: 'from' },
        { what: 'a window of 367 days', req: replaceQuery('to', '2027-01-02'), status: 422, field: 'to', reason: /366/ },
        { what: 'groupBy not one of the values', req: replaceQuery('groupBy', 'province'), status: 400, field: 'groupBy' },
        { what: 'verifiedOnly a word', req: replaceQuery('verifiedOnly', 'yes'), status: 400, field: 'verifiedOnly' },
        unknownQuery,
      ],
    },
    'GET /communes/{code}/commendations': {
      valid: (w) => ({ path: `/communes/${w.A.code}/commendations?from=2026-07-01&to=2026-08-31&limit=5&verifiedOnly=false` }),
      bad: [
        { what: 'limit 0', req: replaceQuery('limit', '0'), status: 400, field: 'limit' },
        { what: 'limit 101', req: replaceQuery('limit', '101'), status: 400, field: 'limit' },
        { what: 'limit a word', req: replaceQuery('limit', 'ten'), status: 400, field: 'limit' },
        { what: 'to in month 13', req: replaceQuery('to', '2026-13-01'), status: 400, field: 'to' },
        { what: 'from after to', req: replaceQuery('from', '2026-09-01'), status: 422, field: 'from' },
        unknownQuery,
      ],
    },
    'GET /communes/{code}/commendations.csv': {
      valid: (w) => ({ path: `/communes/${w.A.code}/commendations.csv?lang=en&from=2026-07-01&to=2026-08-31` }),
      bad: [{ what: 'language not one of the values', req: replaceQuery('lang', 'fr'), status: 400, field: 'lang' }, { what: 'a window of 400 days', req: replaceQuery('from', '2025-07-01'), status: 422, field: 'to' }, unknownQuery],
    },
    'GET /communes/{code}/commendations.xlsx': {
      valid: (w) => ({ path: `/communes/${w.A.code}/commendations.xlsx?lang=vi` }),
      bad: [{ what: 'language not one of the values', req: replaceQuery('lang', 'fr'), status: 400, field: 'lang' }, { what: 'limit 101', req: withQuery('limit=101'), status: 400, field: 'limit' }, unknownQuery],
    },
    'GET /audit': { valid: (w) => ({ path: `/audit?communeCode=${w.A.code}` }), bad: auditCases },
    'GET /feeds/provinces/{province}': { valid: (w) => ({ path: `/feeds/provinces/${w.A.province}` }), bad: [] },
    'GET /feeds/provinces/{province}/events': {
      valid: (w) => ({ path: `/feeds/provinces/${w.A.province}/events?limit=10` }),
      bad: [
        { what: 'limit 0', req: replaceQuery('limit', '0'), status: 400, field: 'limit' },
        { what: 'limit above 1000', req: replaceQuery('limit', '1001'), status: 400, field: 'limit' },
        { what: 'limit not a number', req: replaceQuery('limit', 'all'), status: 400, field: 'limit' },
        { what: 'cursor with SQL', req: withQuery(`after=${encodeURIComponent("1' OR '1'='1")}`), status: 400, field: 'after', reason: /cursor/ },
        { what: 'cursor that was never issued', req: withQuery('after=bm90LWEtY3Vyc29y'), status: 400, field: 'after', reason: /cursor/ },
        { what: 'cursor of another province’s feed', req: async (b, w) => withQuery(`after=${await feedHead(w.B.province)}`)(b), status: 422, field: 'after', reason: /province/ },
        { what: 'since not a date-time', req: withQuery('since=yesterday'), status: 400, field: 'since' },
        { what: 'since without a time zone', req: withQuery('since=2026-07-21T08:30:00'), status: 400, field: 'since', reason: /time zone/ },
        { what: 'since on a day that does not exist', req: withQuery('since=2026-02-30T00:00:00Z'), status: 400, field: 'since' },
        { what: 'since a week date', req: withQuery('since=2026-W30'), status: 400, field: 'since', reason: /time zone/ },
        { what: 'since in the future', req: () => ({ path: `/feeds/provinces/${world.A.province}/events?since=${encodeURIComponent(FUTURE())}` }), status: 422, field: 'since', reason: /future/ },
        { what: 'after and since together', req: async (b, w) => withQuery(`after=${await feedHead(w.A.province)}&since=2026-07-21T08:30:00Z`)(b), status: 422, field: 'since' },
        unknownQuery,
      ],
    },
  },
};

/** Public routes without input, left out on purpose. */
const PUBLIC = ['GET /health', 'GET /health/live', 'GET /metrics', 'GET /dashboard'];

/** Nothing internal may leave the server: no stack frames, SQL, driver errors or source file names. */
const INTERNALS: Array<[string, RegExp]> = [
  ['stack frame', /\n\s+at /],
  ['stack frame', /\bat .*\(.*:\d+:\d+\)/],
  ['QueryFailedError', /QueryFailedError/],
  ['SQL', /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/i],
  ['SQL', /\bselect\b[\s\S]*\bfrom\b/i],
  ['database error', /syntax error at|invalid input syntax|violates .* constraint|relation ".*" does not exist|out of range for type/i],
  ['node_modules', /node_modules/],
  ['source file', /\.(ts|js):\d*/],
];

const internalsIn = (text: string) => INTERNALS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);

interface Problem {
  statusCode: number;
  message: string;
  fields?: Array<{ field: string; reason: string }>;
}

/** The same request with one path parameter replaced by something that is not an id (or not a commune code). */
function badPathParam(template: string, base: Req, param: string): Req {
  const [path, search] = base.path.split('?');
  const templateParts = template.split('/');
  const parts = path.split('/');
  const index = templateParts.indexOf(`{${param}}`);
  parts[index] = param === 'code' || param === 'province' || param === 'consumer' ? "1' OR '1'='1" : 'not-a-uuid';
  return { ...base, path: `${parts.map((part, i) => (i === index ? encodeURIComponent(part) : part)).join('/')}${search ? `?${search}` : ''}` };
}

describe('input hardening: every write and every parameter of every service', () => {
  beforeAll(async () => {
    world = await startWorld(runId);
  }, 120000);

  afterAll(async () => {
    await world?.stop();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it.each(ALL_SERVICES)('the table has bad input for every operation of %s that takes a body or parameters', async (service) => {
    const doc = (await request<OpenApiDocument>('GET', url(service, '/docs-json'))).body;
    const withInput = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method, op]) => ['post', 'put', 'patch'].includes(method) || ((op as { parameters?: unknown[] }).parameters ?? []).length > 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    const covered = Object.keys(TABLE[service]);
    const writes = withInput.filter((op) => /^(POST|PUT|PATCH) /.test(op));
    expect({
      missingFromTable: withInput.filter((op) => !covered.includes(op)),
      writesWithoutBadInput: writes.filter((op) => covered.includes(op) && TABLE[service][op].bad.length === 0),
      notDocumented: covered.filter((op) => !Object.entries(doc.paths).some(([path, methods]) => Object.keys(methods).some((m) => `${m.toUpperCase()} ${path}` === op))),
      publicWithInput: withInput.filter((op) => PUBLIC.includes(op)),
    }).toEqual({ missingFromTable: [], writesWithoutBadInput: [], notDocumented: [], publicWithInput: [] });
  });

  describe.each(ALL_SERVICES)('%s', (service) => {
    it.each(Object.keys(TABLE[service]))('%s', async (key) => {
      const row = TABLE[service][key];
      const [method, template] = key.split(' ');
      const target = world.services[service];
      const writes = method !== 'GET';
      const base = await row.valid(world);
      const cases: Bad[] = [...row.bad];
      // Every endpoint: each id (or commune code) in the path that is not one gets 400 naming it.
      for (const param of [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((p) => !['indicatorCode', 'period'].includes(p))) {
        const reason = { code: /5-digit/, province: /2-digit/, stepNumber: /whole number/, consumer: /consumer name/ }[param] ?? /UUID/;
        cases.push({ what: `path parameter ${param} invalid`, req: (b) => badPathParam(template, b, param), status: 400, field: param, reason });
      }
      if (writes) {
        cases.push(
          { what: 'unknown field (not silently dropped)', req: set({ isAdmin: true }), status: 400, field: 'isAdmin', reason: /should not exist/ },
          { what: 'malformed JSON', req: (b) => ({ ...b, raw: '{"broken": ' }), status: 400, message: /not valid JSON/ },
          { what: 'a JSON list instead of an object', req: (b) => ({ ...b, raw: '[1,2,3]' }), status: 400, field: '0', reason: /should not exist/ },
          { what: 'a __proto__ key (replaced the DTO prototype: no validation, or a 500)', req: (b) => ({ ...b, raw: withKey('__proto__', '{"version":1}', objectBody(b)) }), status: 400, field: '__proto__', reason: /should not exist/ },
          { what: 'a constructor key', req: (b) => ({ ...b, raw: withKey('constructor', '"x"', objectBody(b)) }), status: 400, field: 'constructor', reason: /should not exist/ },
          { what: 'body over the 1mb limit', req: (b) => ({ ...b, raw: JSON.stringify({ ...objectBody(b), padding: 'x'.repeat(1100 * 1024) }) }), status: 413, message: /too large/ },
        );
      }
      const problems: string[] = [];
      for (const bad of cases) {
        const req = await bad.req(base, world);
        const before = writes ? await fingerprint(target, bad.item ? ['sync_results'] : []) : undefined;
        const response: SentResponse = await send(method, `${target.url}${req.path}`, world.ops, req.raw ?? req.body, { raw: req.raw !== undefined, stream: key.endsWith('/live') });
        const label = `${bad.what} (${req.path.slice(0, 120)})`;
        const problem = response.body as Problem;
        const leaks = internalsIn(response.text);
        if (leaks.length > 0) problems.push(`${label}: the answer shows internals (${leaks.join(', ')}): ${response.text.slice(0, 300)}`);
        if (response.status !== bad.status) {
          problems.push(`${label}: expected ${bad.status}, got ${response.status} ${response.text.slice(0, 300)}`);
        } else if (bad.item) {
          const item = (response.body as { results: Array<{ status: number; body: Problem }> }).results[bad.item.index];
          if (item?.status !== bad.item.status || (bad.item.field && !item.body.fields?.some((f) => f.field === bad.item!.field && f.reason.length > 0))) {
            problems.push(`${label}: expected item ${bad.item.index} to be refused with ${bad.item.status} naming ${bad.item.field}, got ${JSON.stringify(item)}`);
          }
        } else {
          if (!response.contentType.includes('application/json') || problem?.statusCode !== bad.status || typeof problem.message !== 'string' || problem.message.length === 0) {
            problems.push(`${label}: not a JSON problem: ${response.contentType} ${response.text.slice(0, 200)}`);
          }
          if (bad.field) {
            const named = (problem.fields ?? []).filter((f) => f.field === bad.field && typeof f.reason === 'string' && f.reason.length > 0);
            if (named.length === 0 || (bad.reason && !named.some((f) => bad.reason!.test(f.reason)))) problems.push(`${label}: the problem does not name ${bad.field}${bad.reason ? ` with ${bad.reason}` : ''}: ${response.text.slice(0, 300)}`);
          }
          if (bad.message && !bad.message.test(problem?.message ?? '')) problems.push(`${label}: message ${JSON.stringify(problem?.message)} does not match ${bad.message}`);
        }
        if (writes) {
          const after = await fingerprint(target, bad.item ? ['sync_results'] : []);
          if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`${label}: wrote something: ${Object.keys(after).filter((t) => after[t] !== before![t]).join(', ')}`);
        }
      }
      // The valid request the cases vary succeeds (so each refusal above is about the bad part).
      const valid = await send(method, `${target.url}${base.path}`, world.ops, base.body, { stream: key.endsWith('/live') });
      if (valid.status < 200 || valid.status > 299) problems.push(`the valid request failed: ${valid.status} ${valid.text.slice(0, 300)}`);
      expect(problems).toEqual([]);
    });
  });

  describe('free text that looks like SQL or HTML is stored inertly', () => {
    const NASTY = ["'); DROP TABLE households;--", "' OR '1'='1", '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '=HYPERLINK("http://evil.example/x","Bấm vào đây")', 'Robert"); DELETE FROM residents; --'];

    it.each(NASTY)('%s: written, read back exactly, as JSON data, and every table still there', async (text) => {
      const A = world.A;
      const reg = (path: string) => url('household-registry', path);
      const readBack: Array<[string, string, (body: never) => unknown]> = [];
      const check = async (what: string, path: string, pick: (body: never) => unknown) => readBack.push([what, path, pick]);

      const household = await created<{ id: string }>('household-registry', 'POST', '/households', householdBody(A.code, A.villageCode, { address: text, headName: text }), A.tokens.field_agent);
      await check('household address and head', reg(`/households/${household.id}`), (b: { address: string; headName: string }) => [b.address, b.headName]);
      const resident = await created<{ id: string }>('household-registry', 'POST', '/residents', { householdId: household.id, fullName: text, dateOfBirth: '1970-01-01', sex: 'male', ethnicity: text, relationshipToHead: 'head' }, A.tokens.field_agent);
      await check('resident name and ethnicity', reg(`/residents/${resident.id}`), (b: { fullName: string; ethnicity: string }) => [b.fullName, b.ethnicity]);
      await created('household-registry', 'POST', `/households/${household.id}/visits`, { outcome: 'nobody_home', obstacles: [], note: text }, A.tokens.field_agent);
      await check('visit note', reg(`/households/${household.id}/visits`), (b: Array<{ note: string }>) => [b[0].note]);
      const organisation = await created<{ id: string }>('household-registry', 'POST', '/organisations', { communeCode: A.code, villageCode: A.villageCode, name: text, taxCode: `37${String(next()).padStart(8, '0')}`, kind: 'enterprise' }, A.tokens.field_agent);
      await check('organisation name', reg(`/organisations?communeCode=${A.code}&pageSize=200`), (b: { items: Array<{ id: string; name: string }> }) => [b.items.find((o) => o.id === organisation.id)?.name]);
      const village = await created<{ id: string }>('household-registry', 'POST', `/communes/${A.code}/villages`, { code: `INJ${next()}`, name: text }, A.tokens.commune_admin);
      await check('village name', reg(`/communes/${A.code}/villages`), (b: Array<{ id: string; name: string }>) => [b.find((v) => v.id === village.id)?.name]);

      const enr = (path: string) => url('enrollment', path);
      const applied = await created<{ id: string }>('enrollment', 'POST', '/enrollments', { communeCode: A.code, serviceCode: 'public_service_app', residentId: A.twinId, detail: text }, A.tokens.field_agent);
      await created('enrollment', 'POST', `/enrollments/${applied.id}/obstacles`, { obstacle: 'other', note: text }, A.tokens.field_agent);
      await created('enrollment', 'POST', `/enrollments/${applied.id}/transitions`, { to: 'rejected', reason: text }, A.tokens.field_agent);
      await check('enrollment detail, obstacle note and rejection reason', enr(`/enrollments/${applied.id}`), (b: { detail: string; history: Array<{ reason: string | null }> }) => [b.detail, ...b.history.filter((h) => h.reason).map((h) => h.reason)]);
      const service = await created<{ code: string }>('enrollment', 'POST', '/services', { code: `inj_${next()}`, nameVi: text, nameEn: text, subject: 'resident', states: ['done'], provinceCode: A.province }, A.tokens.province_officer);
      await check('service names', enr(`/services?provinceCode=${A.province}`), (b: Array<{ code: string; nameVi: string; nameEn: string }>) => {
        const found = b.find((s) => s.code === service.code);
        return [found?.nameVi, found?.nameEn];
      });

      const trn = (path: string) => url('training', path);
      const team = await created<{ id: string }>('training', 'POST', '/teams', { communeCode: A.code, name: text, kind: 'mobile_working_group', activeFrom: '2026-07-01' }, A.tokens.commune_admin);
      await created('training', 'POST', `/teams/${team.id}/members`, { fullName: text, affiliation: 'official' }, A.tokens.commune_admin);
      await check('team and member names', trn(`/teams/${team.id}`), (b: { name: string; memberships: Array<{ fullName: string }> }) => [b.name, b.memberships[0].fullName]);
      const point = await created<{ id: string }>('training', 'POST', '/teaching-points', { communeCode: A.code, name: text, address: text, weekdays: [1], startTime: '07:30', durationMinutes: 60, activeFrom: '2026-07-01' }, A.tokens.commune_admin);
      await check('teaching point name and address', trn(`/teaching-points?communeCode=${A.code}`), (b: Array<{ id: string; name: string; address: string }>) => {
        const found = b.find((p) => p.id === point.id);
        return [found?.name, found?.address];
      });
      const session = await created<{ id: string }>('training', 'POST', '/sessions', sessionBody(A, { venueName: text, startsAt: hoursFromNow(30), endsAt: hoursFromNow(31) }), A.tokens.field_agent);
      await created('training', 'POST', `/sessions/${session.id}/cancel`, { reason: text }, A.tokens.field_agent);
      await check('session venue and cancel reason', trn(`/sessions/${session.id}`), (b: { venueName: string; cancelReason: string }) => [b.venueName, b.cancelReason]);
      const topic = `inj_${next()}`;
      await created('training', 'POST', '/topics', { code: topic, nameVi: text, nameEn: text }, A.tokens.province_officer);
      await check('topic names', trn('/topics'), (b: Array<{ code: string; nameVi: string; nameEn: string }>) => {
        const found = b.find((t) => t.code === topic);
        return [found?.nameVi, found?.nameEn];
      });

      const rep = (path: string) => url('reporting', path);
      const campaign = await created<{ id: string }>('reporting', 'POST', '/campaigns', campaignBody(A, { name: text }), A.tokens.commune_admin);
      await check('campaign name', rep(`/campaigns/${campaign.id}`), (b: { name: string }) => [b.name]);
      const indicator = `inj_${next()}`;
      await created('reporting', 'POST', '/indicators', { code: indicator, labelVi: text, labelEn: text, definition: text, unit: 'percent', source: 'external' }, A.tokens.province_officer);
      await check('indicator labels and definition', rep('/indicators'), (b: Array<{ code: string; labelVi: string; labelEn: string; definition: string }>) => {
        const found = b.find((i) => i.code === indicator);
        return [found?.labelVi, found?.labelEn, found?.definition];
      });

      for (const [what, address, pick] of readBack) {
        const response = await send('GET', address, world.ops);
        expect({ what, status: response.status, json: response.contentType.includes('application/json') }).toEqual({ what, status: 200, json: true });
        const values = pick(response.body as never) as unknown[];
        expect(values.length).toBeGreaterThan(0);
        expect({ what, values }).toEqual({ what, values: values.map(() => text) });
      }

      // The search treats the text as text: it finds exactly the resident named so, not everyone.
      const search = await request<{ items: Array<{ id: string }>; total: number }>('GET', reg(`/residents?communeCode=${A.code}&q=${encodeURIComponent(text)}&pageSize=200`), A.tokens.field_agent);
      expect(search.status).toBe(200);
      expect(search.body.items.map((r) => r.id)).toContain(resident.id);
      const [{ n: residents }] = await query<{ n: number }>(`select count(*)::int as n from "${world.services['household-registry'].schema}".residents where commune_code = $1`, [A.code]);
      expect(search.body.total).toBeLessThan(residents);

      const tables = ['households', 'residents', 'villages', 'visits', 'organisations', 'enrollments', 'services', 'teams', 'sessions', 'topics', 'campaigns', 'indicators'];
      const present = await query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = any($1) and table_name = any($2)', [ALL_SERVICES.map((s) => world.services[s].schema), tables]);
      expect(new Set(present.map((t) => t.table_name))).toEqual(new Set(tables));
      const [{ n: households }] = await query<{ n: number }>(`select count(*)::int as n from "${world.services['household-registry'].schema}".households`);
      expect(households).toBeGreaterThan(3);
    });

    it('a commune report exported as CSV starts formula-like text with a quote, so a spreadsheet shows it and runs nothing', async () => {
      const A = world.A;
      const formulas = ['=HYPERLINK("http://evil.example/x","Bấm")', '+SUM(1,2)', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1)'];
      for (const name of formulas) {
        const code = `F${next()}`;
        await created('household-registry', 'POST', `/communes/${A.code}/villages`, { code, name }, A.tokens.commune_admin);
        await created('household-registry', 'POST', '/households', householdBody(A.code, code), A.tokens.field_agent);
      }
      const campaign = await created<{ id: string }>('reporting', 'POST', '/campaigns', campaignBody(A, { name: formulas[0] }), A.tokens.commune_admin);
      const projection = await activeProjectionSchema(world.services.reporting);
      await eventually(async () => {
        const rows = await query<{ village_name: string }>(`select village_name from "${projection}".village_households where commune_code = $1 and village_name = any($2)`, [A.code, formulas]);
        expect(rows).toHaveLength(formulas.length);
      });
      const csv = await send('GET', url('reporting', `/campaigns/${campaign.id}/report.csv`), A.tokens.commune_admin);
      expect(csv.status).toBe(200);
      expect(csv.contentType).toContain('text/csv');
      const cells = csv.text
        .split(/\r\n/)
        .flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
        .map((cell) => cell.replace(/,$/, ''))
        .map((cell) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell));
      for (const formula of formulas) {
        expect(cells).toContain(`'${formula}`);
        expect(cells).not.toContain(formula);
      }
      // No text cell starts like a formula (numbers aside).
      expect(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell) && Number.isNaN(Number(cell)))).toEqual([]);
    });

    it('the console shows stored HTML as text and runs none of it', async () => {
      const A = world.A;
      const villageCode = `X${next()}`;
      const villageName = '<img src=x onerror="window.__villageXss=1">Thôn <b>Đậm</b>';
      const campaignName = '<script>window.__campaignXss=1</script><img src=x onerror="window.__campaignXss=1">';
      await created('household-registry', 'POST', `/communes/${A.code}/villages`, { code: villageCode, name: villageName }, A.tokens.commune_admin);
      await created('household-registry', 'POST', '/households', householdBody(A.code, villageCode), A.tokens.field_agent);
      const campaign = await created<{ id: string }>('reporting', 'POST', '/campaigns', campaignBody(A, { name: campaignName }), A.tokens.commune_admin);
      const projection = await activeProjectionSchema(world.services.reporting);
      await eventually(async () => expect(await query(`select 1 from "${projection}".village_households where commune_code = $1 and village_code = $2`, [A.code, villageCode])).toHaveLength(1));

      const upstreams = { registry: url('household-registry', ''), enrollment: url('enrollment', ''), training: url('training', ''), reporting: url('reporting', '') };
      const gateway = await startGateway({ port: 0, upstreams, webRoot: path.resolve(__dirname, '..', '..', '..', 'dist', 'web'), log: () => undefined });
      const browser = await launchChromium();
      try {
        const tab = await browser.newPage();
        await tab.goto(`${gateway.url}/console/?campaign=${campaign.id}#token=${A.tokens.commune_admin}`);
        await eventually(async () => expect(await tab.textContent('[data-testid="villages"]')).toContain(villageName), { timeoutMs: 30000, intervalMs: 100 });
        const options = await tab.$$eval('select option', (elements) => elements.map((e) => e.textContent ?? ''));
        expect(options.some((o) => o.startsWith(campaignName))).toBe(true);
        expect(await tab.textContent('h2')).toContain(campaignName);
        const injected = await tab.evaluate(() => {
          const g = globalThis as unknown as { __villageXss?: number; __campaignXss?: number; document: { querySelectorAll(s: string): { length: number } } };
          return { village: g.__villageXss ?? null, campaign: g.__campaignXss ?? null, images: g.document.querySelectorAll('img[src="x"]').length, bold: g.document.querySelectorAll('[data-testid="villages"] b').length };
        });
        expect(injected).toEqual({ village: null, campaign: null, images: 0, bold: 0 });
      } finally {
        await browser.close();
        await gateway.close();
      }
    });
  });
});
