import fc from 'fast-check';
import { deleteTestTopics, dropTestSchemas, newRunId } from '@dtc/testkit';
import { request } from '../../support/http';
import type { ServiceName } from '../../support/services';
import { ALL_SERVICES, startWorld, type World } from '../../support/security-world';

// Issue 15, defect 6: bad input must never become a 5xx. A property-based test generates requests
// from each running service's own OpenAPI document (every operation: path parameters, query
// parameters and JSON bodies), with valid-looking values (the documented examples, enums and the
// world's real ids) mixed with hostile ones (impossible dates, null, huge and odd numbers, huge,
// unicode and NUL strings, wrong types, lists for objects), and offline-sync batches whose items
// carry generated occurredAt values and payloads generated from the matching endpoint's body schema.
// No answer may be a 5xx, nor any item of a /sync answer (the phone retries those forever). The seed is fixed and the
// runs per operation bounded, so a failure reproduces: its report prints the seed, the path and the
// request. FUZZ_SEED / FUZZ_RUNS override them for a longer exploration.
const runId = newRunId();
const SEED = Number(process.env.FUZZ_SEED ?? 20260721);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const SYNC_RUNS = Number(process.env.FUZZ_SYNC_RUNS ?? RUNS);

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** A JSON number written as is (1e400 parses to Infinity, -0 stays negative zero). */
class RawNumber {
  constructor(readonly text: string) {}
}
const OMIT = Symbol('omit');
/** Stands for the version the record has when the request is sent (read just before), so that writes get past the version check. */
const CURRENT_VERSION = '\u0001CURRENT\u0001';

/** JSON text of a generated body, raw numbers included. */
function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RawNumber) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]);
}

// Hostile values, JSON side.
const BAD_DATES = [
  '2026-W30',
  '2026-W30-2',
  '2026-200',
  '2026',
  '2026-07',
  '2026-02-30',
  '2026-02-29',
  '2026-02-30T00:00:00Z',
  '2026-13-01',
  '2026-13-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '+002026-07-21T08:30:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '0001-01-01',
  '1899-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31',
  '1900-01-01',
  '2026-07-21T24:00:00Z',
  '2026-07-21T08:30:00',
  '2026-07-21T08:30:00+24:00',
  '2026-07-21 08:30:00',
  '20260721',
  '20260721T083000Z',
  '2026-07-21T08:30:00,5Z',
  '1e17',
];
const BAD_NUMBERS: unknown[] = [1e17, 1e308, -1e308, new RawNumber('-0'), -1, 0, 2 ** 31, 2 ** 53 + 2, 1.5, 0.001, -0.5, new RawNumber('1e400'), new RawNumber('-1e400'), new RawNumber('1e-400'), new RawNumber('123456789012345678901234567890')];
const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '-0', '0', '1e17', '1e21', '1e308', '1e400', '0x10', '', ' ', '9007199254740993', '-1', '1.5', '00001'];
const BAD_STRINGS = ['', ' ', 'x'.repeat(5000), 'Nguyễn Thị 🇻🇳 \u202e ǅ ﷽', '\u0000', 'a\u0000b', '\ud800', '\uffff', "' OR '1'='1", '<script>alert(1)</script>', '%00', '../../etc/passwd', 'null', 'undefined', 'true', '{}', '[]'];
const WRONG_TYPES: unknown[] = [null, true, false, {}, [], [null], [1, 2], { $gt: '' }, { a: { b: { c: {} } } }, ['2026-07-21T08:30:00.000Z']];

const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...BAD_DATES),
  fc.constantFrom(...BAD_NUMBERS),
  fc.constantFrom(...NUMBER_STRINGS),
  fc.constantFrom(...BAD_STRINGS),
  fc.constantFrom(...WRONG_TYPES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 300 }),
);
// Hostile values, URL side (path segments and query values are strings).
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...BAD_DATES),
  fc.constantFrom(...NUMBER_STRINGS),
  fc.constantFrom(...BAD_STRINGS.filter((s) => s.length < 1000), 'x'.repeat(3000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 60 }),
);

let world: World;

/** The world's real records and codes by field name, so that valid-looking requests reach the services' logic. */
function realValues(w: World): Record<string, unknown[]> {
  const A = w.A;
  return {
    communeCode: [A.code],
    code: [A.code],
    villageCode: [A.villageCode, A.otherVillageCode],
    provinceCode: [A.province],
    province: [A.province],
    householdId: [A.householdId],
    residentId: [A.residentId, A.twinId],
    villageId: [A.villageId],
    villageIds: [[A.villageId]],
    teamId: [A.teamId],
    memberId: [A.memberId],
    trainerMemberIds: [[A.memberId], []],
    organisationId: [A.organisationId],
    teachingPointId: [A.teachingPointId],
    walkInId: [A.walkInId],
    serviceCode: ['cccd', 'vneid_level2', 'public_service_app'],
    topicCode: ['vneid'],
    indicatorCode: ['cccd_applications', 'online_application_share'],
    rankBy: ['cccd_applications'],
    version: [CURRENT_VERSION, 1],
    period: ['2026-05', '2026-13', '0000-01', '9999-12'],
  };
}

/** Real ids for a path parameter, by the segment before it. */
function realPathValues(w: World, template: string, param: string): string[] {
  const A = w.A;
  const before = template.split('/')[template.split('/').indexOf(`{${param}}`) - 1];
  const byResource: Record<string, string[]> = {
    communes: [A.code],
    households: [A.householdId],
    residents: [A.residentId, A.twinId],
    'duplicate-flags': [A.flagId],
    organisations: [A.organisationId],
    enrollments: [A.enrollmentId],
    teams: [A.teamId],
    members: [A.memberId],
    sessions: [A.sessionId],
    'walk-ins': [A.walkInId],
    campaigns: [A.campaignId, A.provinceCampaignId],
    provinces: [A.province],
    'indicator-values': ['online_application_share', 'cccd_applications'],
  };
  if (param === 'period') return ['2026-05', '2026-07'];
  return byResource[before] ?? [];
}

function resolve(doc: Doc, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split('/').pop()!]);
  if (schema.allOf?.length === 1) return { ...resolve(doc, schema.allOf[0]), ...schema, allOf: undefined };
  return schema;
}

const recentInstant = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date(Math.max(Date.now() - 60000, Date.parse('2026-01-02T00:00:00Z'))), noInvalidDate: true }).map((d) => d.toISOString());
const pastDay = fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2026-06-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const isInstantField = (name: string) => /At$|^since$/.test(name);
const isDayField = (name: string) => /On$|^(from|to|asOf|onDate|dateOfBirth|followUpDate|activeFrom|activeTo)$/.test(name);

/** A valid-looking value for a field: the world's real value, an enum member, a fitting date, the example. */
function validValue(doc: Doc, raw: Schema | undefined, name: string, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const choices: Array<fc.Arbitrary<unknown>> = [];
  const real = realValues(world)[name];
  if (real) choices.push(fc.constantFrom(...real));
  if (schema.enum?.length) choices.push(fc.constantFrom(...schema.enum));
  if (isInstantField(name)) choices.push(recentInstant);
  if (isDayField(name)) choices.push(pastDay);
  if (schema.type === 'array' && schema.items) choices.push(fc.array(fieldValue(doc, schema.items, name, depth + 1), { maxLength: 3 }));
  if (schema.properties && depth < 3) choices.push(objectBody(doc, schema, depth + 1));
  if (schema.example !== undefined) choices.push(fc.constant(schema.example));
  if (choices.length === 0) {
    if (schema.type === 'integer') choices.push(fc.integer({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000 }));
    else if (schema.type === 'number') choices.push(fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true }));
    else if (schema.type === 'boolean') choices.push(fc.boolean());
    else if (schema.type === 'object') choices.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxKeys: 3 }));
    else choices.push(fc.string({ minLength: 1, maxLength: 20 }));
  }
  return fc.oneof(...choices);
}

/** A hostile value aimed at the field's kind (dates for dates, odd numbers for numbers, ...), or anything hostile. */
function hostileValue(doc: Doc, raw: Schema | undefined, name: string): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const aimed: Array<fc.Arbitrary<unknown>> = [fc.constant(null)];
  if (isInstantField(name) || isDayField(name)) aimed.push(fc.constantFrom(...BAD_DATES));
  if (schema.type === 'integer' || schema.type === 'number') aimed.push(fc.constantFrom(...BAD_NUMBERS), fc.constantFrom(...NUMBER_STRINGS));
  if (schema.type === 'string' || schema.enum) aimed.push(fc.constantFrom(...BAD_STRINGS));
  if (schema.type === 'array') aimed.push(fc.constantFrom<unknown>([null], [[]], [{}], Array.from({ length: 600 }, (_, i) => i), 'x'), fc.array(hostileJson, { minLength: 1, maxLength: 3 }));
  if (schema.properties) aimed.push(fc.constantFrom<unknown>([], 'x', 1));
  return fc.oneof({ weight: 3, arbitrary: fc.oneof(...aimed) }, { weight: 2, arbitrary: hostileJson });
}

function fieldValue(doc: Doc, schema: Schema | undefined, name: string, depth: number): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: validValue(doc, schema, name, depth) }, { weight: 1, arbitrary: hostileValue(doc, schema, name) });
}

/**
 * A body for an object schema: a valid-looking object (required fields there, optional ones
 * sometimes), then none, one or two of its fields made hostile or left out, so that one bad value
 * at a time gets past the others' validation; now and then an unknown field.
 */
function objectBody(doc: Doc, raw: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const schema = resolve(doc, raw);
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  const entries = properties.map(([name, property]) =>
    fc.oneof({ weight: required.has(name) ? 1 : 3, arbitrary: validValue(doc, property, name, depth).map((v) => [name, v] as const) }, { weight: required.has(name) ? 0 : 2, arbitrary: fc.constant([name, OMIT] as const) }),
  );
  const mutation = properties.length
    ? fc.constantFrom(...properties).chain(([name, property]) => fc.oneof({ weight: 9, arbitrary: hostileValue(doc, property, name) }, { weight: 1, arbitrary: fc.constant(OMIT) }).map((v) => [name, v] as const))
    : fc.constant(undefined);
  const mutations = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 2 }) });
  const extra = fc.option(fc.tuple(fc.constantFrom('isAdmin', '__proto__', 'constructor', 'id', 'communeCode '), hostileJson), { freq: 10 });
  return fc.tuple(fc.tuple(...entries), mutations, extra).map(([pairs, changes, more]) => {
    const body: Record<string, unknown> = {};
    for (const [name, value] of [...pairs, ...changes.filter((c) => c !== undefined)]) {
      if (value === OMIT) delete body[name];
      else body[name] = value;
    }
    if (more) Object.defineProperty(body, more[0], { value: more[1], enumerable: true, configurable: true, writable: true });
    return body;
  });
}

/** A whole JSON body: mostly an object of the schema, sometimes something else entirely. */
function jsonBody(doc: Doc, schema: Schema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: objectBody(doc, schema) }, { weight: 1, arbitrary: fc.oneof(hostileJson, objectBody(doc, schema).map((o) => [o])) });
}

/** Percent-encodes a path segment byte by byte (a lone surrogate becomes U+FFFD, as a client would send it). */
function encodeSegment(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

interface Generated {
  path: string;
  /** JSON text, or undefined for none. */
  body?: string;
}

function operationRequest(doc: Doc, template: string, op: Operation): fc.Arbitrary<Generated> {
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const pathArbs = pathParams.map((p) => {
    const real = realPathValues(world, template, p.name);
    return fc.oneof(
      { weight: 12, arbitrary: (real.length ? fc.constantFrom(...real) : fc.uuid({ version: 4 })).map(encodeSegment) },
      { weight: 1, arbitrary: fc.uuid({ version: 4 }).map(String) },
      { weight: 2, arbitrary: hostileText.map(encodeSegment) },
      { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '..', '%C0%AF') },
    );
  });
  const queryArbs = queryParams.map((p) => {
    const valid = validValue(doc, { ...p.schema, example: p.example ?? p.schema?.example }, p.name, 0).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    return fc.oneof(
      { weight: p.required ? 1 : 6, arbitrary: fc.constant(OMIT) },
      { weight: 8, arbitrary: valid },
      { weight: 2, arbitrary: hostileText },
      { weight: 1, arbitrary: fc.array(fc.oneof(valid, hostileText), { minLength: 2, maxLength: 3 }) },
    );
  });
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const bodyArb: fc.Arbitrary<string | undefined> = schema ? jsonBody(doc, schema).map(toJson) : fc.constant(undefined);
  const extraQuery = fc.option(fc.tuple(fc.constantFrom('debug', 'page', '__proto__', ''), hostileText), { freq: 8 });
  return fc.tuple(fc.tuple(...pathArbs), fc.tuple(...queryArbs), extraQuery, bodyArb).map(([pathValues, queryValues, extra, body]) => {
    let path = template;
    pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, pathValues[i])));
    const search = new URLSearchParams();
    queryParams.forEach((p, i) => {
      const v = queryValues[i];
      if (v === OMIT) return;
      for (const one of Array.isArray(v) ? v : [v]) search.append(p.name, one as string);
    });
    if (extra) search.append(extra[0], extra[1]);
    const qs = search.toString();
    return { path: qs ? `${path}?${qs}` : path, body };
  });
}

/** Offline commands of each service and the single-record endpoint whose body is their payload. */
const SYNC_COMMANDS: Record<ServiceName, Record<string, string>> = {
  'household-registry': {
    'household.register': 'POST /households',
    'household.update': 'PATCH /households/{id}',
    'household.move': 'POST /households/{id}/move',
    'household.set-digital-core': 'PUT /households/{id}/digital-core',
    'resident.register': 'POST /residents',
    'resident.update': 'PATCH /residents/{id}',
    'resident.move-out': 'POST /residents/{id}/move-out',
    'resident.deceased': 'POST /residents/{id}/deceased',
    'visit.record': 'POST /households/{householdId}/visits',
    'organisation.register': 'POST /organisations',
    'organisation.set-e-id-status': 'PUT /organisations/{id}/e-id-status',
  },
  enrollment: {
    'enrollment.apply': 'POST /enrollments',
    'enrollment.transition': 'POST /enrollments/{id}/transitions',
    'enrollment.obstacle': 'POST /enrollments/{id}/obstacles',
  },
  training: {
    'team.form': 'POST /teams',
    'team.member-join': 'POST /teams/{id}/members',
    'team.member-leave': 'POST /teams/{id}/members/{memberId}/leave',
    'team.assign-villages': 'PUT /teams/{id}/villages',
    'session.schedule': 'POST /sessions',
    'session.hold': 'POST /sessions/{id}/held',
    'session.cancel': 'POST /sessions/{id}/cancel',
    'attendance.record': 'POST /sessions/{id}/attendance',
  },
  reporting: {},
};

/** A /sync batch of one to three items of a command: generated occurredAt, target and payload (from the endpoint's body schema). */
function syncBatch(doc: Doc, command: string, operation: string): fc.Arbitrary<Generated> {
  const [method, template] = operation.split(' ');
  const op = doc.paths[template][method.toLowerCase()];
  const schema = op.requestBody?.content?.['application/json']?.schema ?? {};
  const firstParam = /\{([^}]+)\}/.exec(template)?.[1];
  const targets = firstParam ? realPathValues(world, template, firstParam) : [];
  const payload = fc.oneof({ weight: 9, arbitrary: objectBody(doc, schema) }, { weight: 1, arbitrary: hostileJson });
  const memberPayload = command === 'team.member-leave' ? payload.map((p) => (p && typeof p === 'object' && !Array.isArray(p) ? { memberId: world.A.memberId, ...p } : p)) : payload;
  const item = fc.record({
    clientId: fc.oneof({ weight: 19, arbitrary: fc.uuid({ version: 4 }).map(String) as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostileJson }),
    command: fc.oneof({ weight: 19, arbitrary: fc.constant(command) as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostileJson }),
    occurredAt: fc.oneof({ weight: 2, arbitrary: recentInstant as fc.Arbitrary<unknown> }, { weight: 3, arbitrary: fc.constantFrom(...BAD_DATES) }, { weight: 1, arbitrary: hostileJson }),
    target: fc.oneof(
      { weight: 4, arbitrary: (targets.length ? fc.constantFrom(...targets) : fc.constant(OMIT)) as fc.Arbitrary<unknown> },
      { weight: 1, arbitrary: fc.uuid({ version: 4 }).map(String) },
      { weight: 1, arbitrary: fc.constant(OMIT) },
      { weight: 1, arbitrary: hostileJson },
    ),
    payload: memberPayload,
  });
  return fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => ({
    path: '/sync',
    body: toJson({ items: items.map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== OMIT))) }),
  }));
}

interface Answer {
  status: number;
  text: string;
}

/** Sends a generated request; an event stream is closed once it answered 200; no answer within 15 s counts as a failure. */
async function fire(service: ServiceName, method: string, req: Generated): Promise<Answer> {
  const base = world.services[service].url;
  let body = req.body;
  if (body?.includes(JSON.stringify(CURRENT_VERSION))) {
    const record = await request<{ version?: unknown }>('GET', `${base}${req.path.split('?')[0].split('/').slice(0, 3).join('/')}`, world.ops);
    body = body.split(JSON.stringify(CURRENT_VERSION)).join(String(typeof record.body?.version === 'number' ? record.body.version : 1));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15000);
  try {
    const response = await fetch(`${base}${req.path}`, {
      method,
      signal: controller.signal,
      headers: { authorization: `Bearer ${world.ops}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body,
    });
    if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      controller.abort();
      return { status: 200, text: '' };
    }
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 599, text: `no answer: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Statuses of the items of a /sync answer (a 5xx item is retried by the phone forever, like a 5xx batch). */
function itemStatuses(answer: Answer): number[] {
  try {
    const results = (JSON.parse(answer.text) as { results?: Array<{ status?: unknown }> }).results;
    return Array.isArray(results) ? results.map((r) => (typeof r?.status === 'number' ? r.status : 0)) : [];
  } catch {
    return [];
  }
}

const short = (text: string | undefined, n = 600) => (text === undefined ? '' : text.length > n ? `${text.slice(0, n)}... (${text.length} chars)` : text);

/** Each operation's own fixed seed (from SEED and its name), so operations do not replay each other's client ids. */
const seedOf = (label: string) => [...label].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, SEED);

/** Runs the property for one operation; returns the failure report (seed, path, request, answer), or nothing. */
async function explore(service: ServiceName, label: string, method: string, arbitrary: fc.Arbitrary<Generated>, numRuns: number): Promise<string | undefined> {
  let failed: { req: Generated; answer: Answer } | undefined;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (req) => {
      const answer = await fire(service, method, req);
      if (answer.status >= 500 || itemStatuses(answer).some((status) => status >= 500)) {
        failed = { req, answer };
        return false;
      }
      return true;
    }),
    { seed: seedOf(label), numRuns, endOnFailure: true },
  );
  if (!details.failed || !failed) return undefined;
  return `${service} ${label}: ${failed.answer.status} for ${method} ${short(failed.req.path, 300)} body ${short(failed.req.body)} -> ${short(failed.answer.text, 300)} (reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${numRuns}; this operation's seed ${details.seed}, path "${details.counterexamplePath}")`;
}

describe('no bad input becomes a 5xx (property-based, from the OpenAPI documents)', () => {
  const docs = {} as Record<ServiceName, Doc>;

  beforeAll(async () => {
    world = await startWorld(runId);
    for (const service of ALL_SERVICES) docs[service] = (await request<Doc>('GET', `${world.services[service].url}/docs-json`)).body;
  }, 120000);

  afterAll(async () => {
    await world?.stop();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it.each(ALL_SERVICES)('%s: every operation, generated path, query and body', async (service) => {
    const doc = docs[service];
    const operations = Object.entries(doc.paths).flatMap(([template, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), template, op })));
    expect(operations.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const { method, template, op } of operations) {
      const failure = await explore(service, `${method} ${template}`, method, operationRequest(doc, template, op), RUNS);
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  });

  it.each(ALL_SERVICES.filter((s) => Object.keys(SYNC_COMMANDS[s]).length > 0))('%s: /sync items of every command with generated occurredAt and payloads', async (service) => {
    const doc = docs[service];
    const failures: string[] = [];
    for (const [command, operation] of Object.entries(SYNC_COMMANDS[service])) {
      const failure = await explore(service, `/sync ${command}`, 'POST', syncBatch(doc, command, operation), SYNC_RUNS);
      if (failure) failures.push(failure);
    }
    expect(failures).toEqual([]);
  });
});
