import 'fake-indexeddb/auto';
import { FieldDatabase, localId, type LocalHousehold, type LocalResident } from './db';
import type { Apis } from './api';
import type { Assignment } from './session';
import { refreshWorkList } from './work-list';

let db: FieldDatabase;
let counter = 0;
beforeEach(async () => {
  db = new FieldDatabase(`work-list-test-${++counter}`);
  await db.open();
  await db.setMeta('assignment', assignment);
});
afterEach(async () => db.delete());

const assignment: Assignment = { communeCode: '50491', memberId: 'm-1', memberName: 'Lê Thị Hằng', teams: [], teamId: 't-1', villageId: 'v-1' };

const household = (id: string, headName: string) => ({ id, headName, address: 'Xóm 1', villageId: 'v-1', villageCode: 'DONG', villageName: 'Thôn Đông', version: 1 });
const resident = (id: string, enrollments: Array<{ id: string; serviceCode: string; state: string; open: boolean }> = []) => ({
  id,
  fullName: `Người ${id}`,
  version: 1,
  dateOfBirth: '1990-01-01',
  idNumber: null,
  eligible14: true,
  todos: [],
  enrollments,
});

/** The services as the phone sees them: one work-list answer per call, in order; reference data empty. */
function stubApis(workLists: unknown[]): { apis: Apis; queries: Array<Record<string, unknown>> } {
  const queries: Array<Record<string, unknown>> = [];
  const answer = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
  const GET = (path: string, options?: { params?: { query?: Record<string, unknown> } }) => {
    if (path === '/work-list') {
      queries.push(options?.params?.query ?? {});
      return answer(workLists.shift());
    }
    if (path === '/communes/{code}') return answer({ code: '50491', provinceCode: '38' });
    if (path === '/organisations' || path === '/sessions') return answer({ items: [] });
    return answer([]);
  };
  const client = { GET };
  return { apis: { registry: client, enrollment: client, training: client } as unknown as Apis, queries };
}

const page = (items: unknown[], reset: boolean, cursor: string) => ({ items, reset, cursor, day: '2026-12-01', hasMore: false, next: null });

describe('refreshWorkList', () => {
  it("replaces the phone's copy on a reset, keeping what waits to sync and the pending enrollments of listed residents", async () => {
    const mine: LocalHousehold = { ...household(localId('c-waiting'), 'Hộ mới'), todos: [], pendingClientId: 'c-waiting' };
    const synced: LocalHousehold = { ...household(localId('c-synced'), 'Hộ đã gửi'), todos: [], pendingClientId: 'c-synced' };
    const stale: LocalHousehold = { ...household('h-old', 'Hộ cũ'), todos: [] };
    const listed: LocalResident = { ...resident('r-1'), householdId: 'h-1', enrollments: [{ id: localId('c-apply'), serviceCode: 'VNEID_L2', state: 'submitted', open: true, pendingClientId: 'c-apply' }] };
    await db.households.bulkPut([mine, synced, stale]);
    await db.residents.bulkPut([listed, { ...resident('r-old'), householdId: 'h-old' }]);
    await db.queue.bulkAdd([
      { clientId: 'c-waiting', service: 'registry', command: 'household.register', occurredAt: '2026-12-01T01:00:00Z', payload: {}, state: 'queued', attempts: 0, label: '' },
      { clientId: 'c-apply', service: 'enrollment', command: 'enrollment.apply', occurredAt: '2026-12-01T01:00:00Z', payload: {}, state: 'attention', attempts: 0, label: '' },
      { clientId: 'c-synced', service: 'registry', command: 'household.register', occurredAt: '2026-12-01T01:00:00Z', payload: {}, state: 'done', attempts: 1, label: '' },
    ]);
    const { apis, queries } = stubApis([page([{ householdId: 'h-1', household: household('h-1', 'Hộ Một'), residents: [resident('r-1', [{ id: 'e-1', serviceCode: 'CHIP_ID', state: 'issued', open: false }])], todos: [] }], true, 'cursor-1')]);

    expect(await refreshWorkList(db, apis, assignment)).toEqual({ households: 2 });

    expect(queries).toEqual([{ communeCode: '50491', teamId: 't-1', villageId: 'v-1', limit: 500 }]);
    expect((await db.households.toArray()).map((entry) => entry.headName).sort()).toEqual(['Hộ Một', 'Hộ mới']);
    expect(await db.residents.toArray()).toEqual([expect.objectContaining({ id: 'r-1', householdId: 'h-1', enrollments: [expect.objectContaining({ id: 'e-1' }), expect.objectContaining({ pendingClientId: 'c-apply' })] })]);
    expect(await db.getMeta('workListCursor')).toBe('cursor-1');
  });

  it('applies changes since the cursor: removed households go, others stay, accepted local records give way to the server copy', async () => {
    const first = stubApis([page([{ householdId: 'h-1', household: household('h-1', 'Hộ Một'), residents: [resident('r-1')] }, { householdId: 'h-2', household: household('h-2', 'Hộ Hai'), residents: [resident('r-2')] }], true, 'cursor-1')]);
    await refreshWorkList(db, first.apis, assignment);
    await db.households.put({ ...household(localId('c-new'), 'Hộ vừa gửi'), todos: [], pendingClientId: 'c-new' });
    await db.queue.add({ clientId: 'c-new', service: 'registry', command: 'household.register', occurredAt: '2026-12-01T01:00:00Z', payload: {}, state: 'done', attempts: 1, label: '' });
    const second = stubApis([
      page(
        [
          { householdId: 'h-2', removed: true },
          { householdId: 'h-3', household: household('h-3', 'Hộ vừa gửi'), residents: [resident('r-3')] },
        ],
        false,
        'cursor-2',
      ),
    ]);

    expect(await refreshWorkList(db, second.apis, assignment)).toEqual({ households: 2 });

    expect(second.queries).toEqual([{ communeCode: '50491', teamId: 't-1', villageId: 'v-1', limit: 500, since: 'cursor-1' }]);
    expect((await db.households.toArray()).map((entry) => entry.id).sort()).toEqual(['h-1', 'h-3']);
    expect((await db.residents.toArray()).map((entry) => entry.id).sort()).toEqual(['r-1', 'r-3']);
  });

  it('writes nothing when the member signed out while the list was downloading', async () => {
    await db.meta.delete('assignment');
    const { apis } = stubApis([page([{ householdId: 'h-1', household: household('h-1', 'Hộ Một'), residents: [resident('r-1')] }], true, 'cursor-1')]);

    await refreshWorkList(db, apis, assignment).catch(() => undefined);

    expect(await db.households.count()).toBe(0);
    expect(await db.residents.count()).toBe(0);
  });
});
