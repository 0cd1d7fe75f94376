import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { type Principal, unprocessable, vietnamToday } from '@dtc/platform';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { communeForRead } from '../common/commune-scope';
import { decodePage, decodeRefresh, encodePage, encodeRefresh, scopeKey, type RefreshPosition } from './work-list-cursor';
import type { WorkListItem, WorkListPage, WorkListQuery } from './work-list.dto';
import { householdTodos, isOpen, matchesStatus, residentTodos, visitStatusOf } from './work-list-todos';

/** Which households a list holds: the commune, its teams (null: every team of the commune), a day and a village. */
interface ListScope {
  communeCode: string;
  teamIds: string[] | null;
  day: string;
  villageId: string | null;
}

/** Households read per round; a status filter may need several rounds to fill a page. */
const ROUND = 500;

const badCursor = (field: string) => new BadRequestException({ message: 'Validation failed', fields: [{ field, reason: `${field} must be a cursor returned by GET /work-list` }] });

/**
 * The phones' work lists: the households a team covers today (its plans active on the Vietnam
 * day, whole villages and listed households, plus its assigned villages), with their living
 * residents, enrollments, last visit and to-dos. Every answer reads one snapshot.
 */
@Injectable()
export class WorkListService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: WorkListQuery, principal: Principal): Promise<WorkListPage> {
    if (query.since !== undefined && query.after !== undefined) throw unprocessable('since', 'give since or after, not both (next carries the since of its answer)');
    const page = query.after === undefined ? undefined : (decodePage(query.after) ?? (() => { throw badCursor('after'); })());
    const given = query.since === undefined ? undefined : (decodeRefresh(query.since) ?? (() => { throw badCursor('since'); })());
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      // First statement: the transaction's snapshot, before any row is read (see the work-list migration).
      const [{ snapshot }]: Array<{ snapshot: string }> = await tx.query('select pg_current_snapshot()::text as snapshot');
      await communeForRead(tx, query.communeCode, principal);
      const teamIds = await this.teamsOf(tx, query.communeCode, query.teamId, principal);
      const scope = scopeKey(query.communeCode, teamIds, query.villageId, query.status);
      if (page && page.refresh.scope !== scope) throw unprocessable('after', 'after is the next page of another list (commune, teams or filters differ)');
      const refresh: RefreshPosition = page?.refresh ?? { snapshot, day: vietnamToday(), scope };
      const list: ListScope = { communeCode: query.communeCode, teamIds, day: refresh.day, villageId: query.villageId ?? null };
      const candidate = page ? page.since : given;
      // A cursor of another day or other teams cannot say what left the list: answer it in full.
      const since = candidate && candidate.scope === scope && candidate.day === refresh.day ? candidate : null;
      const entries = await this.collect(tx, list, since, query, page?.afterId ?? null);
      const hasMore = entries.length > query.limit;
      const items = entries.slice(0, query.limit);
      return {
        day: refresh.day,
        items,
        reset: since === null,
        hasMore,
        next: hasMore ? encodePage({ afterId: items[items.length - 1].householdId, refresh, since }) : null,
        cursor: encodeRefresh(refresh),
      };
    });
  }

  /** Up to limit + 1 entries after `afterId`, in household order: the list, or what changed since a position. */
  private async collect(tx: EntityManager, list: ListScope, since: RefreshPosition | null, query: WorkListQuery, afterId: string | null): Promise<WorkListItem[]> {
    const entries: WorkListItem[] = [];
    for (let after = afterId; ; ) {
      const ids = since ? await changedIds(tx, list.communeCode, since.snapshot, after) : await listIds(tx, list, { after });
      if (ids.length === 0) return entries;
      const onList = since ? new Set(await listIds(tx, list, { among: ids })) : new Set(ids);
      const covered = since ? await everCovered(tx, list, ids.filter((id) => !onList.has(id))) : new Set<string>();
      const built = await buildItems(tx, [...onList], list.day);
      for (const id of ids) {
        const item = built.get(id);
        if (item && (!query.status || matchesStatus(item.todos ?? [], query.status))) entries.push(item);
        else if (since && (item || covered.has(id))) entries.push({ householdId: id, removed: true });
        if (entries.length > query.limit) return entries;
      }
      if (ids.length < ROUND) return entries;
      after = ids[ids.length - 1];
    }
  }

  /** Null: every team of the commune (admins, operations). A field agent's teams are those they are an active member of (token sub = member id). */
  private async teamsOf(tx: EntityManager, communeCode: string, teamId: string | undefined, principal: Principal): Promise<string[] | null> {
    if (principal.role !== 'field_agent') return teamId ? [teamId] : null;
    const rows: Array<{ team_id: string }> = isUUID(principal.subject)
      ? await tx.query(
          'select m.team_id from field_team_members m join field_teams t on t.team_id = m.team_id where m.member_id = $1 and m.active and t.commune_code = $2 order by m.team_id',
          [principal.subject, communeCode],
        )
      : [];
    const mine = rows.map((row) => row.team_id);
    if (teamId === undefined) return mine;
    if (!mine.includes(teamId)) throw new ForbiddenException(`You are not an active member of team ${teamId} in commune ${communeCode}`);
    return [teamId];
  }
}

/** Households on the list, in id order: after a household (paging) or among given ones. */
async function listIds(tx: EntityManager, list: ListScope, where: { after?: string | null; among?: string[] }): Promise<string[]> {
  const rows: Array<{ id: string }> = await tx.query(
    `with team_plans as (
       select village_ids, household_ids from field_plans
       where commune_code = $1 and not withdrawn and ($2::uuid[] is null or team_id = any($2::uuid[])) and starts_on <= $3::date and ends_on >= $3::date
     ), covered_villages as (
       select unnest(village_ids) as village_id from team_plans
       union
       select tv.village_id from field_team_villages tv join field_teams t on t.team_id = tv.team_id
       where t.commune_code = $1 and ($2::uuid[] is null or tv.team_id = any($2::uuid[]))
     )
     select h.id from households h
     where h.commune_code = $1
       and (h.village_id in (select village_id from covered_villages) or h.id in (select unnest(household_ids) from team_plans))
       and ($4::uuid is null or h.village_id = $4::uuid)
       and ($5::uuid is null or h.id > $5::uuid)
       and ($6::uuid[] is null or h.id = any($6::uuid[]))
     order by h.id limit $7`,
    [list.communeCode, list.teamIds, list.day, list.villageId, where.after ?? null, where.among ?? null, ROUND],
  );
  return rows.map((row) => row.id);
}

/** Households of the commune last changed by a transaction that the earlier answer's snapshot did not see, in id order. */
async function changedIds(tx: EntityManager, communeCode: string, snapshot: string, after: string | null): Promise<string[]> {
  const rows: Array<{ id: string }> = await tx.query(
    `select household_id as id from work_list_changes
     where commune_code = $1 and changed_xid >= pg_snapshot_xmin($2::pg_snapshot) and not pg_visible_in_snapshot(changed_xid, $2::pg_snapshot)
       and ($3::uuid is null or household_id > $3::uuid)
     order by household_id limit $4`,
    [communeCode, snapshot, after, ROUND],
  );
  return rows.map((row) => row.id);
}

/** Of these households, those the teams ever covered (a village they lived in, or listed in a plan): only those are told "removed". */
async function everCovered(tx: EntityManager, list: ListScope, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows: Array<{ id: string }> = await tx.query(
    `select h.id from households h
     where h.id = any($1::uuid[]) and exists (
       select 1 from field_team_scope_history s
       where s.commune_code = $2 and ($3::uuid[] is null or s.team_id = any($3::uuid[]))
         and ((s.kind = 'household' and s.target_id = h.id)
           or (s.kind = 'village' and s.target_id in (select village_id from household_village_history where household_id = h.id))))`,
    [ids, list.communeCode, list.teamIds],
  );
  return new Set(rows.map((row) => row.id));
}

interface HouseholdRow {
  id: string;
  village_id: string;
  village_code: string;
  village_name: string;
  address: string;
  head_name: string;
  latitude: string | null;
  longitude: string | null;
  ethnic_minority: boolean | null;
  has_electricity: boolean | null;
  mobile_signal: string | null;
  has_internet: boolean | null;
  smart_devices: number | null;
  distance_to_centre_km: string | null;
  digital_core_resident_id: string | null;
  version: number;
}

const decimal = (value: string | null) => (value === null ? null : Number(value));

async function buildItems(tx: EntityManager, ids: string[], day: string): Promise<Map<string, WorkListItem>> {
  if (ids.length === 0) return new Map();
  const households: HouseholdRow[] = await tx.query(
    `select h.id, h.village_id, v.code as village_code, v.name as village_name, h.address, h.head_name, h.latitude, h.longitude, h.ethnic_minority,
            h.has_electricity, h.mobile_signal, h.has_internet, h.smart_devices, h.distance_to_centre_km, h.digital_core_resident_id, h.version
     from households h join villages v on v.id = h.village_id where h.id = any($1::uuid[])`,
    [ids],
  );
  // Eligibility is GET /residents/eligible's rule: born on or before the day 14 years before.
  const residents: Array<{ id: string; household_id: string; full_name: string; version: number; date_of_birth: string; id_number: string | null; eligible14: boolean }> = await tx.query(
    `select r.id, r.household_id, r.full_name, r.version, to_char(r.date_of_birth, 'YYYY-MM-DD') as date_of_birth, r.id_number,
            r.date_of_birth <= ($2::date - make_interval(years => 14))::date as eligible14
     from residents r where r.household_id = any($1::uuid[]) and r.status = 'living' order by r.date_of_birth, r.id`,
    [ids, day],
  );
  const enrollments: Array<{ enrollment_id: string; resident_id: string; service_code: string; state: string; returned_reason: string | null }> = await tx.query(
    'select enrollment_id, resident_id, service_code, state, returned_reason from field_enrollments where resident_id = any($1::uuid[]) order by state_at, enrollment_id',
    [residents.map((r) => r.id)],
  );
  const visits: Array<{ household_id: string; visited_at: Date; obstacles: string[]; review_status: string | null; review_reason: string | null }> = await tx.query(
    `select distinct on (household_id) household_id, visited_at, obstacles, review_status, review_reason
     from visits where household_id = any($1::uuid[]) order by household_id, visited_at desc, id desc`,
    [ids],
  );
  const items = new Map<string, WorkListItem>();
  for (const h of households) {
    const last = visits.find((v) => v.household_id === h.id);
    const visitStatus = visitStatusOf(last && { obstacles: last.obstacles, reviewStatus: last.review_status });
    const members = residents
      .filter((r) => r.household_id === h.id)
      .map((r) => {
        const own = enrollments
          .filter((e) => e.resident_id === r.id)
          .map((e) => ({ id: e.enrollment_id, serviceCode: e.service_code, state: e.state, open: isOpen(e.service_code, e.state), returnedReason: e.returned_reason }));
        const todos = residentTodos({ eligible14: r.eligible14, enrollments: own });
        return { id: r.id, fullName: r.full_name, version: r.version, dateOfBirth: r.date_of_birth, idNumber: r.id_number, eligible14: r.eligible14, enrollments: own, todos };
      });
    items.set(h.id, {
      householdId: h.id,
      removed: false,
      household: {
        id: h.id,
        villageId: h.village_id,
        villageCode: h.village_code,
        villageName: h.village_name,
        address: h.address,
        headName: h.head_name,
        latitude: decimal(h.latitude),
        longitude: decimal(h.longitude),
        ethnicMinority: h.ethnic_minority,
        hasElectricity: h.has_electricity,
        mobileSignal: h.mobile_signal,
        hasInternet: h.has_internet,
        smartDevices: h.smart_devices,
        distanceToCentreKm: decimal(h.distance_to_centre_km),
        digitalCoreResidentId: h.digital_core_resident_id,
        version: h.version,
      },
      residents: members,
      visit: {
        status: visitStatus,
        lastVisitedAt: last ? new Date(last.visited_at).toISOString() : null,
        obstacles: last?.obstacles ?? [],
        returnedReason: last?.review_status === 'returned' ? last.review_reason : null,
      },
      todos: householdTodos(visitStatus, members.map((m) => ({ eligible14: m.eligible14, enrollments: m.enrollments }))),
    });
  }
  return items;
}
