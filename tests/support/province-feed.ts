import { eventually, query, testToken } from '@dtc/testkit';
import { householdBody } from './demo-commune';
import { request, type JsonResponse } from './http';
import { sessionBody, tokensFor } from './security-world';
import type { RunningService, ServiceName } from './services';

/**
 * Helpers for the province-feed suites: communes with events in all three streams, what the
 * producers' outboxes hold for a province (the truth a feed is compared with), and paging a feed.
 */
export const PRODUCERS: ServiceName[] = ['household-registry', 'enrollment', 'training'];
export const ops = testToken({ sub: 'ops-feeds', role: 'operations' });

export interface FeedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  tenant: string;
  province: string;
  data: Record<string, unknown>;
}

export interface FeedPage {
  events: FeedEvent[];
  next: string;
  hasMore: boolean;
}

export interface PublishedEvent {
  id: string;
  key: string;
  type: string;
  /** The message value the relay published, byte for byte. */
  payload: string;
  producer: ServiceName;
}

async function must<T>(response: Promise<JsonResponse<T>>, what: string): Promise<T> {
  const answer = await response;
  if (answer.status < 200 || answer.status > 299) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface SeededCommune {
  code: string;
  province: string;
  villageId: string;
  householdIds: string[];
  residentIds: string[];
}

/** A commune onboarded by operations with one village, households, residents and visits (registry events). */
export async function seedRegistry(registryUrl: string, code: string, province: string, households = 3): Promise<SeededCommune> {
  await must(request('POST', `${registryUrl}/communes`, ops, { code, name: `Xã ${code}`, provinceCode: province, provinceName: `Tỉnh ${province}` }), 'commune');
  const village = await must(request<{ id: string }>('POST', `${registryUrl}/communes/${code}/villages`, ops, { code: 'THON-1', name: `Thôn 1 ${code}` }), 'village');
  const commune: SeededCommune = { code, province, villageId: village.id, householdIds: [], residentIds: [] };
  for (let i = 0; i < households; i += 1) await addHousehold(registryUrl, commune);
  return commune;
}

/** One more household with two residents and a visit. */
export async function addHousehold(registryUrl: string, commune: SeededCommune): Promise<void> {
  const t = tokensFor(commune.code, commune.province);
  const household = await must(request<{ id: string }>('POST', `${registryUrl}/households`, t.field_agent, householdBody(commune.code, 'THON-1')), 'household');
  commune.householdIds.push(household.id);
  for (const [index, relationshipToHead] of (['head', 'child'] as const).entries()) {
    const resident = await must(
      request<{ id: string }>('POST', `${registryUrl}/residents`, t.field_agent, { householdId: household.id, fullName: `Cư Dân ${index}`, dateOfBirth: `198${index}-04-0${index + 1}`, sex: 'female', ethnicity: 'Kinh', relationshipToHead }),
      'resident',
    );
    commune.residentIds.push(resident.id);
  }
  await must(request('POST', `${registryUrl}/households/${household.id}/visits`, t.field_agent, { outcome: 'partly_done', obstacles: ['no_smartphone'] }), 'visit');
}

/** Waits until enrollment and training know the communes' residents and villages from registry events. */
export async function awaitReadModels(services: Record<ServiceName, RunningService>, communes: SeededCommune[]): Promise<void> {
  const residents = communes.flatMap((c) => c.residentIds);
  await eventually(
    async () => {
      const [{ n: enrollment }] = await query<{ n: number }>(`select count(*)::int as n from "${services.enrollment.schema}".known_residents where id = any($1::uuid[])`, [residents]);
      const [{ n: training }] = await query<{ n: number }>(`select count(*)::int as n from "${services.training.schema}".known_residents where id = any($1::uuid[])`, [residents]);
      const [{ n: villages }] = await query<{ n: number }>(`select count(*)::int as n from "${services.training.schema}".known_villages where id = any($1::uuid[])`, [communes.map((c) => c.villageId)]);
      expect({ enrollment, training, villages }).toEqual({ enrollment: residents.length, training: residents.length, villages: communes.length });
    },
    { timeoutMs: 30000, intervalMs: 100 },
  );
}

/** Enrollments (with a transition) and a team, a session and attendance: events of the other two streams. */
export async function seedEnrollmentAndTraining(services: Record<ServiceName, RunningService>, commune: SeededCommune): Promise<void> {
  const t = tokensFor(commune.code, commune.province);
  const enrollment = services.enrollment.url;
  for (const residentId of commune.residentIds.slice(0, 2)) {
    const opened = await must(request<{ id: string }>('POST', `${enrollment}/enrollments`, t.field_agent, { communeCode: commune.code, serviceCode: 'cccd', residentId }), 'enrollment');
    await must(request('POST', `${enrollment}/enrollments/${opened.id}/transitions`, t.field_agent, { to: 'issued' }), 'transition');
  }
  const training = services.training.url;
  const team = await must(
    request<{ id: string }>('POST', `${training}/teams`, t.commune_admin, { communeCode: commune.code, name: `Tổ ${commune.code}`, kind: 'mobile_working_group', activeFrom: '2026-07-01', villageIds: [commune.villageId] }),
    'team',
  );
  const joined = await must(request<{ memberships: Array<{ memberId: string }> }>('POST', `${training}/teams/${team.id}/members`, t.commune_admin, { fullName: 'Thành Viên', affiliation: 'youth_union' }), 'member');
  const session = await must(
    request<{ id: string }>('POST', `${training}/sessions`, t.field_agent, sessionBody({ code: commune.code, villageId: commune.villageId, memberId: joined.memberships[0].memberId })),
    'session',
  );
  await must(request('POST', `${training}/sessions/${session.id}/attendance`, t.field_agent, { attendees: commune.residentIds.slice(0, 3).map((residentId) => ({ residentId, outcome: 'completed' })) }), 'attendance');
}

/** Every event the producers wrote for a province, in each producer's outbox order. */
export async function publishedEvents(services: Record<ServiceName, RunningService>, province: string): Promise<PublishedEvent[]> {
  const all: PublishedEvent[] = [];
  for (const producer of PRODUCERS) {
    const rows = await query<{ event_id: string; message_key: string; event_type: string; payload: string }>(
      `select event_id, message_key, event_type, payload from "${services[producer].schema}".outbox where payload::json->>'province' = $1 order by seq`,
      [province],
    );
    all.push(...rows.map((row) => ({ id: row.event_id, key: row.message_key, type: row.event_type, payload: row.payload, producer })));
  }
  return all;
}

export function feedUrl(reportingUrl: string, province: string, params: Record<string, string | number | undefined> = {}): string {
  const search = new URLSearchParams(Object.entries(params).flatMap(([name, value]): Array<[string, string]> => (value === undefined ? [] : [[name, String(value)]])));
  const qs = search.toString();
  return `${reportingUrl}/feeds/provinces/${province}/events${qs ? `?${qs}` : ''}`;
}

/** Pages a province feed to its current end from a position; returns every event, the pages and the final cursor. */
export async function readFeed(reportingUrl: string, province: string, token: string, { after, since, limit = 100 }: { after?: string; since?: string; limit?: number } = {}) {
  const events: FeedEvent[] = [];
  const pages: FeedPage[] = [];
  let page = await must(request<FeedPage>('GET', feedUrl(reportingUrl, province, { after, since, limit }), token), 'feed page');
  for (;;) {
    pages.push(page);
    events.push(...page.events);
    if (!page.hasMore) return { events, pages, next: page.next };
    page = await must(request<FeedPage>('GET', feedUrl(reportingUrl, province, { after: page.next, limit }), token), 'feed page');
  }
}

/** Waits until a province feed holds exactly the province's published events (in any order). */
export async function awaitFeedComplete(services: Record<ServiceName, RunningService>, province: string, timeoutMs = 60000): Promise<PublishedEvent[]> {
  return eventually(
    async () => {
      const published = await publishedEvents(services, province);
      const { events } = await readFeed(services.reporting.url, province, ops, { limit: 1000 });
      expect(events.map((e) => e.id).sort()).toEqual(published.map((e) => e.id).sort());
      return published;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Per aggregate (Kafka key), the feed keeps the order in which the producer wrote the events. */
export function orderPerAggregate(ids: string[], published: PublishedEvent[]): Record<string, { feed: string[]; outbox: string[] }> {
  const position = new Map(ids.map((id, index) => [id, index]));
  const byKey = new Map<string, string[]>();
  for (const event of published) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event.id]);
  const mismatches: Record<string, { feed: string[]; outbox: string[] }> = {};
  for (const [key, outbox] of byKey) {
    const feed = [...outbox].sort((a, b) => (position.get(a) ?? -1) - (position.get(b) ?? -1));
    if (feed.join() !== outbox.join()) mismatches[key] = { feed, outbox };
  }
  return mismatches;
}

/** The database clock to the microsecond, as an ISO date-time (feed times come from it). */
export async function databaseNow(): Promise<string> {
  const [{ now }] = await query<{ now: string }>(`select to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now`);
  return now;
}
