import type { EntityTable } from 'dexie';
import type { Apis } from './api';
import type { RegistrySchemas } from '@dtc/api-client';
import { inChunks, type FieldDatabase, type LocalEnrollment, type LocalHousehold, type LocalResident } from './db';
import type { Assignment } from './session';
import { unsyncedClientIds } from '../sync/queue';

export class DownloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Brings the phone's copy of the day's work up to date: villages, services and the team's work list, incrementally from the
 * last cursor (a `reset` answer replaces what the phone holds). Records created on the phone and
 * not yet accepted by the server are kept; those the server has accepted are dropped, since the
 * server's copy arrives in the list.
 */
export async function refreshWorkList(db: FieldDatabase, api: Apis, assignment: Assignment): Promise<{ households: number }> {
  await refreshReferenceData(db, api, assignment.communeCode);

  const scopeKey = `${assignment.communeCode}/${assignment.teamId ?? ''}/${assignment.villageId ?? ''}`;
  const since = (await db.getMeta<string>('workListScope')) === scopeKey ? await db.getMeta<string>('workListCursor') : undefined;
  const pages: Array<RegistrySchemas['schemas']['WorkListPage']> = [];
  let after: string | undefined;
  do {
    const query = { communeCode: assignment.communeCode, teamId: assignment.teamId, villageId: assignment.villageId, limit: 500, ...(after ? { after } : since ? { since } : {}) };
    const { data, response } = await api.registry.GET('/work-list', { params: { query } });
    if (!data) throw new DownloadError(response.status, 'work-list');
    pages.push(data);
    after = data.hasMore ? (data.next ?? undefined) : undefined;
  } while (after);
  const reset = !since || pages[0].reset;

  await db.transaction('rw', [db.households, db.residents, db.meta, db.queue], async () => {
    // Signed out while this was downloading: the residents' data must not come back.
    if ((await db.getMeta<Assignment>('assignment'))?.memberId !== assignment.memberId) return;
    const waiting = await unsyncedClientIds(db);
    const unsynced = new Set(waiting);
    const stillLocal = (record: { pendingClientId?: string }) => record.pendingClientId !== undefined && unsynced.has(record.pendingClientId);
    // Bulk reads and writes: one request per table instead of four per household (a slow phone
    // spent most of a refresh of 400 households in those round trips). The listed residents are
    // read before anything is dropped: their enrollments made here and not yet synced stay.
    const items = pages.flatMap((page) => page.items);
    const previous: LocalResident[] = [];
    await inChunks(
      items.map((item) => item.householdId),
      async (householdIds) => previous.push(...(await db.residents.where('householdId').anyOf(householdIds).toArray())),
    );
    // By key only, through the pendingClientId index: a slow phone spent a long task reading
    // (and decoding) every household and resident to find the few made on it.
    await dropReplaced(db.households, waiting, reset);
    await dropReplaced(db.residents, waiting, reset);
    await inChunks(
      previous.filter((resident) => !stillLocal(resident)).map((resident) => resident.id),
      (ids) => db.residents.bulkDelete(ids),
    );
    const pendingEnrollments = new Map(previous.map((resident) => [resident.id, resident.enrollments.filter(stillLocal)]));
    await db.households.bulkDelete(items.filter((item) => item.removed || !item.household).map((item) => item.householdId));
    const kept = items.filter((item) => !item.removed && item.household);
    await inChunks(
      kept.map((item): LocalHousehold => ({ ...item.household!, todos: item.todos ?? [], visit: item.visit })),
      (chunk) => db.households.bulkPut(chunk),
    );
    await inChunks(
      kept.flatMap((item) =>
        (item.residents ?? []).map(
          (resident): LocalResident => ({
            id: resident.id,
            householdId: item.householdId,
            fullName: resident.fullName,
            version: resident.version,
            dateOfBirth: resident.dateOfBirth,
            idNumber: resident.idNumber,
            eligible14: resident.eligible14,
            todos: resident.todos,
            enrollments: [...resident.enrollments.map((enrollment): LocalEnrollment => ({ ...enrollment })), ...(pendingEnrollments.get(resident.id) ?? [])],
          }),
        ),
      ),
      (chunk) => db.residents.bulkPut(chunk),
    );
    const last = pages[pages.length - 1];
    await db.setMeta('workListCursor', last.cursor);
    await db.setMeta('workListScope', scopeKey);
    await db.setMeta('workListDay', last.day);
    await db.setMeta('workListAt', new Date().toISOString());
  });
  return { households: await db.households.count() };
}

/**
 * Deletes what the server's copy replaces: every record on a reset, otherwise those made on this
 * phone that the server has accepted; records still waiting to sync stay.
 */
async function dropReplaced<T extends { id: string; pendingClientId?: string }>(table: EntityTable<T, 'id'>, waiting: string[], all: boolean): Promise<void> {
  const keep = new Set(await table.where('pendingClientId').anyOf(waiting).primaryKeys());
  const candidates = all ? await table.toCollection().primaryKeys() : await table.where('pendingClientId').noneOf(waiting).primaryKeys();
  // Each delete is a request made in the calling task: 1,600 at once were a long task of their own.
  await inChunks(
    candidates.filter((id) => !keep.has(id)),
    (ids) => table.bulkDelete(ids),
  );
}

/** The commune's villages, the service catalogue (its lifecycles drive the enrollment buttons), organisations and sessions. */
export async function refreshReferenceData(db: FieldDatabase, api: Apis, communeCode: string): Promise<void> {
  const commune = await api.registry.GET('/communes/{code}', { params: { path: { code: communeCode } } });
  if (!commune.data) throw new DownloadError(commune.response.status, 'commune');
  // National services and the commune's province's own (a field agent's token names no province).
  const [villages, services] = await Promise.all([
    api.registry.GET('/communes/{code}/villages', { params: { path: { code: communeCode } } }),
    api.enrollment.GET('/services', { params: { query: { provinceCode: commune.data.provinceCode } } }),
  ]);
  if (!villages.data) throw new DownloadError(villages.response.status, 'villages');
  if (!services.data) throw new DownloadError(services.response.status, 'services');
  const [organisations, sessions] = await Promise.all([
    api.registry.GET('/organisations', { params: { query: { communeCode, pageSize: 200 } } }),
    // Sessions that took place or will: attendance is recorded once a session has started.
    api.training.GET('/sessions', { params: { query: { communeCode, pageSize: 100 } } }),
  ]);
  if (!organisations.data) throw new DownloadError(organisations.response.status, 'organisations');
  if (!sessions.data) throw new DownloadError(sessions.response.status, 'sessions');
  await db.transaction('rw', [db.villages, db.services, db.organisations, db.sessions, db.queue, db.meta], async () => {
    if (!(await db.getMeta('assignment'))) return;
    await db.villages.clear();
    await db.villages.bulkPut(villages.data.map((village) => ({ id: village.id, code: village.code, name: village.name })));
    await db.services.clear();
    await db.services.bulkPut(services.data);
    const unsynced = new Set(await unsyncedClientIds(db));
    await db.organisations.filter((organisation) => !(organisation.pendingClientId && unsynced.has(organisation.pendingClientId))).delete();
    await db.organisations.bulkPut(organisations.data.items);
    const recorded = new Map((await db.sessions.toArray()).map((session) => [session.id, session.recordedHere]));
    await db.sessions.clear();
    await db.sessions.bulkPut(sessions.data.items.filter((session) => session.state !== 'cancelled').map((session) => ({ ...session, recordedHere: recorded.get(session.id) })));
  });
}
