import 'fake-indexeddb/auto';
import { FieldDatabase, localId, type QueuedCommand, type SyncService } from '../data/db';
import { backoffMs, firstBatch } from './batches';
import { acceptedIdOf, discard, newCommand, queueCounts, resend } from './queue';
import { runSync, type SyncItem, type SyncItemResult, type UploadOutcome } from './sync-engine';

let db: FieldDatabase;
let seq = 0;
beforeEach(async () => {
  db = new FieldDatabase(`field-test-${++seq}`);
  await db.open();
});
afterEach(async () => db.delete());

const command = (overrides: Partial<QueuedCommand> & { command: string }) =>
  newCommand({ service: 'registry', payload: {}, label: overrides.command, ...overrides }, new Date('2026-07-21T08:40:00Z'));

/** A server that stores results by client id, as POST /sync does: a repeat gets the stored answer. */
function fakeServer(decide: (item: SyncItem, service: SyncService) => number = () => 201) {
  const stored = new Map<string, SyncItemResult>();
  const calls: Array<{ service: SyncService; items: SyncItem[] }> = [];
  const upload = async (service: SyncService, items: SyncItem[]): Promise<UploadOutcome> => {
    calls.push({ service, items });
    const results = items.map((item) => {
      const previous = stored.get(item.clientId);
      if (previous) return { ...previous, replayed: true };
      // Like the real engine: a ref must name an earlier item stored with success.
      const missing = Object.entries(item.refs ?? {}).find(([, ref]) => !((stored.get(ref)?.status ?? 500) < 300));
      const status = missing ? 422 : decide(item, service);
      const body = status < 300 ? { id: `id-${item.clientId.slice(0, 8)}` } : { message: 'no', fields: missing ? [{ field: `refs.${missing[0]}`, reason: 'no successful earlier item' }] : [] };
      const result: SyncItemResult = { clientId: item.clientId, status, body, replayed: false };
      if (status < 500) stored.set(item.clientId, result);
      return result;
    });
    return { kind: 'results', results };
  };
  return { upload, calls, stored };
}

describe('firstBatch', () => {
  it('keeps items that refer to each other together and never exceeds the limit', () => {
    const a = { clientId: 'a' };
    const b = { clientId: 'b' };
    const c = { clientId: 'c', refs: { householdId: 'a' } };
    const d = { clientId: 'd', refs: { target: 'c' } };
    expect(firstBatch([a, b, c, d], 2).map((i) => i.clientId)).toEqual(['a', 'c']);
    expect(firstBatch([a, b, c, d], 3).map((i) => i.clientId)).toEqual(['a', 'c', 'd']);
    expect(firstBatch([a, b, c, d], 4).map((i) => i.clientId)).toEqual(['a', 'b', 'c', 'd']);
    // A group bigger than a batch is cut in order rather than never sent.
    expect(firstBatch([a, c, d], 2).map((i) => i.clientId)).toEqual(['a', 'c']);
  });

  it('backs off from about 2 s up to about 5 minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(300000);
    expect(backoffMs(1, () => 0)).toBe(1500);
  });
});

describe('runSync', () => {
  it('uploads in batches of 100 (the server takes up to 500), registry before enrollment, filling in ids the registry created', async () => {
    const household = command({ command: 'household.register' });
    const residents = Array.from({ length: 600 }, () => command({ command: 'resident.register', refs: { householdId: household.clientId } }));
    const apply = command({ command: 'enrollment.apply', service: 'enrollment', crossRefs: { residentId: residents[0].clientId }, payload: { serviceCode: 'VNEID_L2' } });
    await db.queue.bulkAdd([household, ...residents, apply]);
    const server = fakeServer();

    const summary = await runSync(db, server.upload);

    expect(summary).toMatchObject({ sent: 602, done: 602, attention: 0, retrying: 0, complete: true });
    expect(server.calls.map((call) => [call.service, call.items.length])).toEqual([
      ...Array.from({ length: 6 }, () => ['registry', 100]),
      ['registry', 1],
      ['enrollment', 1],
    ]);
    expect(server.calls[7].items[0].payload).toEqual({ serviceCode: 'VNEID_L2', residentId: `id-${residents[0].clientId.slice(0, 8)}` });
    expect(await queueCounts(db)).toEqual({ waiting: 0, attention: 0, done: 602 });
  });

  it('reads the queue a window at a time, and looks past a window whose items all wait for a referent', async () => {
    // A household waiting out a backoff holds back its 1,200 residents; the households queued
    // after them (beyond the first window) still go in this round.
    const stuck = { ...command({ command: 'household.register', payload: { headName: 'stuck' } }), attempts: 1, retryAt: 10_000 };
    const waiting = Array.from({ length: 1200 }, () => command({ command: 'resident.register', refs: { householdId: stuck.clientId } }));
    const later = Array.from({ length: 3 }, (_, i) => command({ command: 'household.register', payload: { headName: `later ${i}` } }));
    await db.queue.bulkAdd([stuck, ...waiting, ...later]);
    const server = fakeServer();

    const summary = await runSync(db, server.upload, { now: () => 0 });

    expect(server.calls.map((call) => call.items.map((item) => item.payload.headName ?? 'resident'))).toEqual([['later 0', 'later 1', 'later 2']]);
    expect(summary).toMatchObject({ sent: 3, done: 3, retrying: 0, complete: false });
    expect(await queueCounts(db)).toEqual({ waiting: 1201, attention: 0, done: 3 });
  });

  it('fills a cross-service reference into a nested field (an attendee registered offline)', async () => {
    const resident = command({ command: 'resident.register' });
    const attendance = command({ command: 'attendance.record', service: 'training', target: 'a7f3', payload: { attendees: [{ outcome: 'attended' }] }, crossRefs: { 'attendees.0.residentId': resident.clientId } });
    await db.queue.bulkAdd([resident, attendance]);
    const server = fakeServer();
    await runSync(db, server.upload);
    expect(server.calls[1].items[0]).toMatchObject({ target: 'a7f3', payload: { attendees: [{ outcome: 'attended', residentId: `id-${resident.clientId.slice(0, 8)}` }] } });
    // The queued command itself keeps the reference, not a copy of the id.
    expect((await db.queue.get(2))?.payload).toEqual({ attendees: [{ outcome: 'attended' }] });
  });

  it('keeps failed items with their client ids and retries them later; a repeat creates nothing twice', async () => {
    const items = [command({ command: 'household.register' }), command({ command: 'household.register' })];
    await db.queue.bulkAdd(items);
    let down = true;
    const server = fakeServer();
    const flaky = async (service: SyncService, batch: SyncItem[]): Promise<UploadOutcome> => (down ? { kind: 'network' } : server.upload(service, batch));
    let clock = 1_000_000;

    const first = await runSync(db, flaky, { now: () => clock, random: () => 0.5 });
    expect(first).toMatchObject({ complete: false, retrying: 2, done: 0 });
    // Not due yet: nothing is sent.
    const early = await runSync(db, flaky, { now: () => clock + 1000, random: () => 0.5 });
    expect(early.sent).toBe(0);
    // Unless the member asks: then everything waiting goes, once per round.
    const asked = await runSync(db, flaky, { now: () => clock + 1000, random: () => 0.5, ignoreBackoff: true });
    expect(asked).toMatchObject({ sent: 2, retrying: 2 });

    down = false;
    clock += 10_000;
    const second = await runSync(db, flaky, { now: () => clock });
    expect(second).toMatchObject({ complete: true, done: 2 });
    expect(server.calls[0].items.map((item) => item.clientId)).toEqual(items.map((item) => item.clientId));
  });

  it('sends 4xx items to the attention list, retries 503s, and holds dependents of unfinished items back', async () => {
    const bad = command({ command: 'household.register', payload: { address: '' } });
    const busy = command({ command: 'household.register', payload: { busy: true } });
    const dependent = command({ command: 'enrollment.apply', service: 'enrollment', crossRefs: { residentId: busy.clientId } });
    await db.queue.bulkAdd([bad, busy, dependent]);
    const server = fakeServer((item) => (item.payload.address === '' ? 422 : item.payload.busy ? 503 : 201));

    const summary = await runSync(db, server.upload, { now: () => 0, random: () => 0.5 });

    expect(summary).toMatchObject({ done: 0, attention: 1, retrying: 1, complete: false });
    expect(server.calls.map((call) => call.service)).toEqual(['registry']);
    expect((await db.queue.get(1))?.state).toBe('attention');
    expect((await db.queue.get(2))?.retryAt).toBe(2000);
  });

  it('stops on 401 so the member can sign in again, leaving everything queued', async () => {
    await db.queue.add(command({ command: 'household.register' }));
    const summary = await runSync(db, async () => ({ kind: 'unauthorized' }));
    expect(summary).toMatchObject({ unauthorized: true, complete: false });
    expect(await queueCounts(db)).toEqual({ waiting: 1, attention: 0, done: 0 });
    expect((await db.queue.get(1))?.retryAt).toBeUndefined();
  });
});

describe('fixing and discarding', () => {
  it('resends a fixed item with a new client id, with the dependents refused only because of it', async () => {
    const household = command({ command: 'household.register', payload: { address: '' } });
    const resident = command({ command: 'resident.register', refs: { householdId: household.clientId } });
    await db.queue.bulkAdd([household, resident]);
    const server = fakeServer((item) => (item.payload.address === '' ? 422 : 201));
    await runSync(db, server.upload);
    expect(await queueCounts(db)).toMatchObject({ attention: 2, waiting: 0 });

    await resend(db, 1, { address: 'Xóm 2' });
    const [fixed, dependent] = await db.queue.orderBy('seq').toArray();
    expect(fixed).toMatchObject({ state: 'queued', payload: { address: 'Xóm 2' }, previousClientIds: [household.clientId] });
    expect(fixed.clientId).not.toBe(household.clientId);
    expect(dependent).toMatchObject({ state: 'queued', refs: { householdId: fixed.clientId }, previousClientIds: [resident.clientId] });

    expect(await runSync(db, server.upload)).toMatchObject({ done: 2, complete: true });
  });

  it('discards an item with everything that depends on it', async () => {
    const household = command({ command: 'household.register' });
    const resident = command({ command: 'resident.register', refs: { householdId: household.clientId } });
    const apply = command({ command: 'enrollment.apply', service: 'enrollment', crossRefs: { residentId: resident.clientId } });
    const other = command({ command: 'household.register' });
    await db.queue.bulkAdd([household, resident, apply, other]);
    await db.queue.update(1, { state: 'attention', result: { status: 422, body: {} } });

    const gone = await discard(db, 1);

    expect(gone.map((item) => item.clientId)).toEqual([household.clientId, resident.clientId, apply.clientId]);
    expect((await db.queue.get(4))?.state).toBe('queued');
  });
});

describe('records made on the phone', () => {
  it("follow their command to the server's id once it is accepted", async () => {
    const household = command({ command: 'household.register' });
    await db.queue.add(household);
    const local = localId(household.clientId);
    expect(await acceptedIdOf(db, local)).toBeUndefined();
    await runSync(db, fakeServer().upload);
    expect(await acceptedIdOf(db, local)).toBe(`id-${household.clientId.slice(0, 8)}`);
    expect(await acceptedIdOf(db, 'server-household-1')).toBeUndefined();
  });

  it('have no server id while their command was refused', async () => {
    const household = command({ command: 'household.register' });
    await db.queue.add(household);
    await runSync(db, fakeServer(() => 422).upload);
    expect(await acceptedIdOf(db, localId(household.clientId))).toBeUndefined();
  });
});
