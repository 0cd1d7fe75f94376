import { randomUUID } from 'node:crypto';
import { eventually, query, testToken } from '@dtc/testkit';
import { request, type JsonResponse } from './http';
import type { OpenApiDocument } from './openapi';
import { activeProjectionSchema, startServices, type RunningService, type ServiceName } from './services';

/**
 * A multi-tenant installation for the security suites: all four services, three communes with
 * data everywhere (two in one province, one in another), tokens of every role, and helpers to
 * tell whether a request wrote anything.
 */
export const ALL_SERVICES: ServiceName[] = ['household-registry', 'enrollment', 'training', 'reporting'];
export type Role = 'field_agent' | 'commune_admin' | 'province_officer' | 'integrator';
export const ROLES: Role[] = ['field_agent', 'commune_admin', 'province_officer', 'integrator'];

export interface Commune {
  label: string;
  code: string;
  province: string;
  tokens: Record<Role, string>;
  villageCode: string;
  villageId: string;
  otherVillageCode: string;
  householdId: string;
  residentId: string;
  twinId: string;
  flagId: string;
  visitId: string;
  organisationId: string;
  enrollmentId: string;
  teamId: string;
  memberId: string;
  teachingPointId: string;
  sessionId: string;
  walkInId: string;
  campaignId: string;
  provinceCampaignId: string;
  /** Strings that belong to this commune's data: ids, names, addresses (never to be shown to another tenant). */
  secrets: string[];
}

export interface World {
  services: Record<ServiceName, RunningService>;
  ops: string;
  A: Commune;
  A2: Commune;
  B: Commune;
  stop: () => Promise<void>;
}

export const ops = testToken({ sub: 'ops-security', role: 'operations' });

export function tokensFor(code: string, province: string): Record<Role, string> {
  return {
    field_agent: testToken({ sub: `agent-${code}`, role: 'field_agent', communes: [code] }),
    commune_admin: testToken({ sub: `admin-${code}`, role: 'commune_admin', communes: [code] }),
    province_officer: testToken({ sub: `officer-${province}`, role: 'province_officer', province }),
    integrator: testToken({ sub: `integrator-${province}`, role: 'integrator', province }),
  };
}

export const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600000).toISOString();

async function must<T>(response: Promise<JsonResponse<T>>, status: number | number[], what: string): Promise<T> {
  const answer = await response;
  const expected = Array.isArray(status) ? status : [status];
  if (!expected.includes(answer.status)) throw new Error(`${what}: expected ${expected.join('/')}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Registry data of one commune, created through the API by its own users. */
async function seedRegistry(url: string, label: string, code: string, province: string): Promise<Partial<Commune>> {
  const t = tokensFor(code, province);
  await must(request('POST', `${url}/communes`, ops, { code, name: `Xã Thử ${code}`, provinceCode: province, provinceName: `Tỉnh Thử ${province}` }), 201, 'commune');
  const village = await must(request<{ id: string }>('POST', `${url}/communes/${code}/villages`, t.commune_admin, { code: 'THON-1', name: `Thôn Riêng ${code}` }), 201, 'village');
  await must(request('POST', `${url}/communes/${code}/villages`, t.commune_admin, { code: 'THON-2', name: `Thôn Hai ${code}` }), 201, 'village 2');
  const household = await must(
    request<{ id: string }>('POST', `${url}/households`, t.field_agent, { communeCode: code, villageCode: 'THON-1', address: `Xóm Riêng ${code}`, headName: `Chủ Hộ ${code}`, hasElectricity: true }),
    201,
    'household',
  );
  const person = { householdId: household.id, fullName: `Cư Dân ${code}`, dateOfBirth: '1990-05-14', sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'head' };
  const resident = await must(request<{ id: string }>('POST', `${url}/residents`, t.field_agent, { ...person, idNumber: `0381900${code}`, ownsSmartphone: true }), 201, 'resident');
  const twin = await must(request<{ id: string; duplicateFlags: Array<{ flagId: string }> }>('POST', `${url}/residents`, t.field_agent, { ...person, relationshipToHead: 'sibling' }), 201, 'twin');
  const visit = await must(
    request<{ id: string }>('POST', `${url}/households/${household.id}/visits`, t.field_agent, { outcome: 'partly_done', obstacles: ['no_smartphone'], note: `Ghi chú riêng ${code}` }),
    201,
    'visit',
  );
  const organisation = await must(
    request<{ id: string }>('POST', `${url}/organisations`, t.field_agent, { communeCode: code, villageCode: 'THON-1', name: `HTX Riêng ${code}`, taxCode: `28000${code}`, kind: 'cooperative' }),
    201,
    'organisation',
  );
  return {
    label,
    code,
    province,
    tokens: t,
    villageCode: 'THON-1',
    otherVillageCode: 'THON-2',
    villageId: village.id,
    householdId: household.id,
    residentId: resident.id,
    twinId: twin.id,
    flagId: twin.duplicateFlags[0].flagId,
    visitId: visit.id,
    organisationId: organisation.id,
  };
}

async function seedEnrollment(url: string, c: Partial<Commune>): Promise<Partial<Commune>> {
  const enrollment = await must(request<{ id: string }>('POST', `${url}/enrollments`, c.tokens!.field_agent, { communeCode: c.code, serviceCode: 'cccd', residentId: c.residentId }), 201, 'enrollment');
  return { enrollmentId: enrollment.id };
}

async function seedTraining(url: string, c: Partial<Commune>): Promise<Partial<Commune>> {
  const t = c.tokens!;
  const team = await must(
    request<{ id: string }>('POST', `${url}/teams`, t.commune_admin, { communeCode: c.code, name: `Tổ Riêng ${c.code}`, kind: 'mobile_working_group', activeFrom: '2026-07-01', villageIds: [c.villageId] }),
    201,
    'team',
  );
  const joined = await must(
    request<{ memberships: Array<{ memberId: string }> }>('POST', `${url}/teams/${team.id}/members`, t.commune_admin, { fullName: `Thành Viên ${c.code}`, affiliation: 'youth_union' }),
    200,
    'member',
  );
  const memberId = joined.memberships[0].memberId;
  const point = await must(
    request<{ id: string }>('POST', `${url}/teaching-points`, t.commune_admin, {
      communeCode: c.code,
      name: `Điểm Dạy ${c.code}`,
      address: `Sân Riêng ${c.code}`,
      weekdays: [6],
      startTime: '19:00',
      durationMinutes: 90,
      activeFrom: '2026-07-01',
    }),
    201,
    'teaching point',
  );
  const session = await must(request<{ id: string }>('POST', `${url}/sessions`, t.field_agent, sessionBody({ code: c.code!, villageId: c.villageId!, memberId }, { venueName: `Nhà Văn Hóa ${c.code}` })), 201, 'session');
  const attendance = await must(
    request<{ results: Array<{ status: number; walkInId?: string }> }>('POST', `${url}/sessions/${session.id}/attendance`, t.field_agent, {
      attendees: [
        { residentId: c.residentId, outcome: 'completed' },
        { walkIn: { fullName: `Khách Vãng Lai ${c.code}` }, outcome: 'attended' },
      ],
    }),
    200,
    'attendance',
  );
  return { teamId: team.id, memberId, teachingPointId: point.id, sessionId: session.id, walkInId: attendance.results[1].walkInId! };
}

/** A training session of the commune that started two hours ago (attendance may be recorded). */
export function sessionBody(c: Pick<Commune, 'code' | 'villageId'> & { memberId?: string }, extra: Record<string, unknown> = {}) {
  return {
    communeCode: c.code,
    topicCode: 'vneid',
    audience: 'residents',
    venueType: 'village_cultural_house',
    venueName: 'Nhà văn hóa',
    villageId: c.villageId,
    startsAt: hoursFromNow(-2),
    endsAt: hoursFromNow(-1),
    capacity: 100,
    trainerMemberIds: c.memberId ? [c.memberId] : [],
    ...extra,
  };
}

export function campaignBody(c: Pick<Commune, 'code' | 'province'>, extra: Record<string, unknown> = {}) {
  return {
    name: `Chiến dịch Riêng ${c.code}`,
    communeCode: c.code,
    provinceCode: c.province,
    startsOn: '2026-07-01',
    endsOn: '2026-12-31',
    targets: [
      { indicatorCode: 'cccd_applications', sharePercent: 100 },
      { indicatorCode: 'online_application_share', targetValue: 80 },
    ],
    ...extra,
  };
}

async function seedReporting(url: string, c: Partial<Commune>): Promise<Partial<Commune>> {
  const t = c.tokens!;
  const campaign = await must(request<{ id: string }>('POST', `${url}/campaigns`, t.commune_admin, campaignBody(c as Commune)), 201, 'campaign');
  await must(request('PUT', `${url}/communes/${c.code}/indicator-values/online_application_share/2026-07`, t.commune_admin, { value: 55.5 }), 200, 'indicator value');
  return { campaignId: campaign.id };
}

function secretsOf(c: Commune, provinceCampaignName: string): string[] {
  return [
    c.code,
    c.villageId,
    `Thôn Riêng ${c.code}`,
    `Thôn Hai ${c.code}`,
    c.householdId,
    `Xóm Riêng ${c.code}`,
    `Chủ Hộ ${c.code}`,
    c.residentId,
    c.twinId,
    `Cư Dân ${c.code}`,
    `0381900${c.code}`,
    c.flagId,
    c.visitId,
    `Ghi chú riêng ${c.code}`,
    c.organisationId,
    `HTX Riêng ${c.code}`,
    `28000${c.code}`,
    c.enrollmentId,
    c.teamId,
    `Tổ Riêng ${c.code}`,
    c.memberId,
    `Thành Viên ${c.code}`,
    c.teachingPointId,
    `Điểm Dạy ${c.code}`,
    `Sân Riêng ${c.code}`,
    c.sessionId,
    `Nhà Văn Hóa ${c.code}`,
    c.walkInId,
    `Khách Vãng Lai ${c.code}`,
    c.campaignId,
    `Chiến dịch Riêng ${c.code}`,
    c.provinceCampaignId,
    provinceCampaignName,
  ];
}

/**
 * Starts the four services and gives communes A and A2 (province 61) and B (province 62) data in
 * every service, created by their own users; waits until every service has seen the others' events.
 */
export async function startWorld(runId: string, codes = { A: '61001', A2: '61002', B: '62001' }): Promise<World> {
  const { services, stop } = (await startServices(runId, ALL_SERVICES)) as { services: Record<ServiceName, RunningService>; stop: () => Promise<void> };
  try {
    const registry = services['household-registry'].url;
    const partial: Record<'A' | 'A2' | 'B', Partial<Commune>> = {
      A: await seedRegistry(registry, 'A', codes.A, '61'),
      A2: await seedRegistry(registry, 'A2', codes.A2, '61'),
      B: await seedRegistry(registry, 'B', codes.B, '62'),
    };
    const all = Object.values(partial);
    await eventually(
      async () => {
        const enrollment = services.enrollment.schema;
        const training = services.training.schema;
        const [{ n: residents }] = await query<{ n: number }>(`select count(*)::int as n from "${enrollment}".known_residents where id = any($1::uuid[])`, [all.flatMap((c) => [c.residentId, c.twinId])]);
        const [{ n: organisations }] = await query<{ n: number }>(`select count(*)::int as n from "${enrollment}".known_organisations where id = any($1::uuid[])`, [all.map((c) => c.organisationId)]);
        const [{ n: trained }] = await query<{ n: number }>(`select count(*)::int as n from "${training}".known_residents where id = any($1::uuid[])`, [all.flatMap((c) => [c.residentId, c.twinId])]);
        const [{ n: villages }] = await query<{ n: number }>(`select count(*)::int as n from "${training}".known_villages where id = any($1::uuid[])`, [all.map((c) => c.villageId)]);
        expect({ residents, organisations, trained, villages }).toEqual({ residents: 6, organisations: 3, trained: 6, villages: 3 });
      },
      { timeoutMs: 30000, intervalMs: 100 },
    );
    for (const c of all) Object.assign(c, await seedEnrollment(services.enrollment.url, c));
    for (const c of all) Object.assign(c, await seedTraining(services.training.url, c));
    const projection = await activeProjectionSchema(services.reporting);
    await eventually(
      async () => {
        const [{ n: communes }] = await query<{ n: number }>(`select count(*)::int as n from "${projection}".known_communes where code = any($1)`, [all.map((c) => c.code)]);
        const [{ n: teams }] = await query<{ n: number }>(`select count(*)::int as n from "${projection}".teams where team_id = any($1::uuid[])`, [all.map((c) => c.teamId)]);
        expect({ communes, teams }).toEqual({ communes: 3, teams: 3 });
      },
      { timeoutMs: 30000, intervalMs: 100 },
    );
    for (const c of all) Object.assign(c, await seedReporting(services.reporting.url, c));
    const provinceCampaigns: Record<string, { id: string; name: string }> = {};
    for (const province of ['61', '62']) {
      const name = `Kế hoạch Tỉnh ${province}`;
      const created = await must(
        request<{ id: string }>('POST', `${services.reporting.url}/campaigns`, tokensFor('00000', province).province_officer, {
          name,
          provinceCode: province,
          startsOn: '2026-07-01',
          endsOn: '2026-12-31',
          targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }],
        }),
        201,
        'province campaign',
      );
      provinceCampaigns[province] = { id: created.id, name };
    }
    const communes = {} as Record<'A' | 'A2' | 'B', Commune>;
    for (const [key, c] of Object.entries(partial) as Array<['A' | 'A2' | 'B', Partial<Commune>]>) {
      const full = { ...c, provinceCampaignId: provinceCampaigns[c.province!].id } as Commune;
      // Province campaign 61 is A's and A2's alike; only B's province campaign is B's own.
      full.secrets = secretsOf(full, provinceCampaigns[c.province!].name).filter((s) => key === 'B' || (s !== full.provinceCampaignId && s !== provinceCampaigns[c.province!].name));
      communes[key] = full;
    }
    return { services, ops, ...communes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every (METHOD path) pair an OpenAPI document lists. */
export function operationsOf(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}

/** Operations of a document that take query parameters. */
export function operationsWithQuery(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => ((op as { parameters?: Array<{ in: string }> }).parameters ?? []).some((p) => p.in === 'query'))
      .map(([method]) => `${method.toUpperCase()} ${path}`),
  );
}

// The province feeds are appended by reporting's feed consumer as events arrive, like a read model.
const BACKGROUND_TABLES = new Set(['inbox', 'known_communes', 'known_residents', 'known_organisations', 'known_villages', 'schema_migrations', 'province_feed', 'province_feed_heads', 'known_households', 'field_teams', 'field_team_members', 'field_team_villages', 'field_plans', 'field_team_scope_history', 'field_enrollments', 'work_list_changes']);

/**
 * The content of every table a service's API writes (a hash per table; the outbox by its event
 * ids). Read models that consumers fill in the background are left out.
 */
export async function fingerprint(service: RunningService, ignore: string[] = []): Promise<Record<string, string>> {
  const tables = await query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by table_name", [service.schema]);
  const parts = tables
    .map((t) => t.table_name)
    .filter((table) => !BACKGROUND_TABLES.has(table) && !ignore.includes(table))
    .map((table) =>
      table === 'outbox'
        ? `select 'outbox' as t, count(*)::text || ':' || coalesce(md5(string_agg(event_id::text, ',' order by seq)), '') as h from "${service.schema}".outbox`
        : `select '${table}' as t, count(*)::text || ':' || coalesce(md5(string_agg(md5(x::text), ',' order by md5(x::text))), '') as h from "${service.schema}"."${table}" x`,
    );
  const rows = await query<{ t: string; h: string }>(parts.join(' union all '));
  return Object.fromEntries(rows.map((row) => [row.t, row.h]));
}

/** Secrets of a commune found in a response, leaving out what the caller sent itself. */
export function leakedSecrets(secrets: string[], responseText: string, sent: string): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return secrets.filter((secret) => !sent.includes(secret) && new RegExp(`(?<![0-9A-Za-z])${escape(secret)}(?![0-9A-Za-z])`).test(responseText));
}

export interface SentResponse {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

/** Sends any request (JSON, raw text, or an event stream that is closed once it answered). */
export async function send(method: string, url: string, token: string | undefined, body?: unknown, options: { raw?: boolean; stream?: boolean; contentType?: string } = {}): Promise<SentResponse> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method,
    signal: controller.signal,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
    },
    body: body === undefined ? undefined : options.raw ? String(body) : JSON.stringify(body),
  });
  const contentType = response.headers.get('content-type') ?? '';
  if (options.stream && response.status === 200 && contentType.includes('text/event-stream')) {
    controller.abort();
    return { status: response.status, contentType, text: '', body: undefined };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // CSV, XLSX, HTML
  }
  return { status: response.status, contentType, text, body: parsed };
}

export const uuid = () => randomUUID();
