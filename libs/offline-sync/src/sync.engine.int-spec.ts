import { randomUUID } from 'node:crypto';
import { ConflictException } from '@nestjs/common';
import { createServiceDataSource, migrateSchema, recordAudit } from '@dtc/persistence';
import { unprocessable, type Principal } from '@dtc/platform';
import { databaseUrl, dropTestSchemas, eventually, newRunId, query } from '@dtc/testkit';
import { Client } from 'pg';
import { IsOptional, IsString } from 'class-validator';
import type { DataSource } from 'typeorm';
import { CreateSyncResults1763900000002 } from './sync-results.migration';
import { SyncResultsDevice1764500000550 } from './sync-health.migration';
import { manyAtOnce, OfflineSyncEngine, syncHandler, type SyncHandler } from './sync.engine';

class NoteDto {
  @IsOptional()
  @IsString()
  note?: string;
}

const runId = newRunId();
const schema = `t_${runId}_sync`;
const agent: Principal = { subject: 'agent-1', role: 'field_agent', communes: ['16279'] } as Principal;

const codeOf = (error: unknown) => (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;

/** A transaction the test controls on its own connection: the "other phone" racing the item. */
async function otherTransaction(): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl(), options: `-c search_path="${schema}"` });
  await client.connect();
  await client.query('begin');
  return client;
}

/** How many backends are waiting for a lock in a statement carrying this marker comment. */
async function waitingOn(marker: string): Promise<number> {
  const [row] = await query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid() and query like $1", [`%${marker}%`]);
  return row.n;
}

describe('OfflineSyncEngine (real Postgres)', () => {
  let dataSource: DataSource;
  let createFails = true;
  let engine: OfflineSyncEngine;
  // What the racing handlers saw on each attempt (the database's own error codes).
  const attempts: Record<string, (string | undefined)[]> = { deadlock: [], locked: [], named: [] };
  /** The notes of each run that thing.many's runMany was given. */
  const runs: string[][] = [];
  /** How each upload group went in, as the engine reported it (sync_groups_total in the services). */
  const groups: string[] = [];
  /** The outcomes reported while the upload ran (a group of one is reported before its first await). */
  const outcomesOf = async <T>(upload: () => Promise<T>): Promise<{ result: T; outcomes: string[] }> => {
    const from = groups.length;
    const result = await upload();
    return { result, outcomes: groups.slice(from) };
  };

  const manyThings = (gathersPast?: readonly string[], subjectOf?: SyncHandler['subjectOf']) =>
    manyAtOnce<NoteDto>(
      syncHandler(NoteDto, 201, false, async (payload, _target, principal, { tx }) => {
        const id = randomUUID();
        await tx!.query('insert into things (id, client_note) values ($1, $2)', [id, payload.note]);
        await recordAudit(tx!, principal, { communeCode: '16279', action: 'register', entity: 'thing', entityId: id, fields: ['note'] });
        if (payload.note === 'refuse') throw unprocessable('note', 'refused on purpose');
        return { id, communeCode: '16279' };
      }),
      async (items, principal, tx) => {
        runs.push(items.map((one) => one.payload.note ?? ''));
        if (items.some((one) => one.payload.note === 'refuse')) throw unprocessable('note', 'refused on purpose');
        const ids = items.map(() => randomUUID());
        await tx.query('insert into things (id, client_note) select * from unnest($1::uuid[], $2::text[])', [ids, items.map((one) => one.payload.note)]);
        return ids.map((id) => ({
          body: { id, communeCode: '16279' },
          finish: () => recordAudit(tx, principal, { communeCode: '16279', action: 'register', entity: 'thing', entityId: id, fields: ['note'] }),
        }));
      },
      { gathersPast, subjectOf },
    );

  beforeAll(async () => {
    const options = { url: databaseUrl(), schema, migrations: [CreateSyncResults1763900000002, SyncResultsDevice1764500000550] };
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
    if (!dataSource.isInitialized) await dataSource.initialize();
    await dataSource.query('create table locks (id int primary key, n int not null default 0)');
    await dataSource.query('insert into locks (id) values (1), (2), (3)');
    await dataSource.query('create table things (id uuid primary key, client_note text)');
    await dataSource.query('create table named (code text primary key)');
    await dataSource.query(
      'create table audit_log (id serial primary key, commune_code text, province_code text, actor text, action text, entity text, entity_id text, fields text[], sync_client_id uuid)',
    );
    // Runs a handler's work, recording on which database error (if any) each attempt ended.
    const attempt = async <T>(kind: string, work: () => Promise<T>): Promise<T> => {
      try {
        const result = await work();
        attempts[kind].push(undefined);
        return result;
      } catch (error) {
        attempts[kind].push(codeOf(error));
        throw error;
      }
    };
    engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: async () => '38',
      retry: { attempts: 4, baseDelayMs: 20 },
      onGroup: (outcome) => groups.push(outcome),
      handlers: {
        // Locks row 1, then row 2: the test's own transaction takes them the other way round.
        'thing.deadlock': syncHandler(NoteDto, 201, false, (payload, _target, _principal, { tx }) =>
          attempt('deadlock', async () => {
            await tx!.query('update locks set n = n + 1 where id = 1');
            await tx!.query('update locks set n = n + 1 where id = 2 /* deadlock-probe */');
            const id = randomUUID();
            await tx!.query('insert into things (id, client_note) values ($1, $2)', [id, payload.note]);
            return { id };
          }),
        ),
        // Waits at most 50 ms for row 3, which the test may hold.
        'thing.locked': syncHandler(NoteDto, 201, false, (payload, _target, _principal, { tx }) =>
          attempt('locked', async () => {
            await tx!.query("set local lock_timeout = '50ms'");
            await tx!.query('select n from locks where id = 3 for update');
            const id = randomUUID();
            await tx!.query('insert into things (id, client_note) values ($1, $2)', [id, payload.note]);
            return { id };
          }),
        ),
        // Checks the name is free, then takes it: two concurrent claims race on the unique key.
        'thing.named': syncHandler(NoteDto, 201, false, (payload, _target, _principal, { tx }) =>
          attempt('named', async () => {
            const taken = await tx!.query('select 1 from named where code = $1', [payload.note]);
            if (taken.length > 0) throw new ConflictException({ message: `The name ${payload.note} is taken`, fields: [{ field: 'note', reason: 'taken' }] });
            await tx!.query('insert into named (code) values ($1) /* named-probe */', [payload.note]);
            return { id: randomUUID() };
          }),
        ),
        // Relies on the unique key alone: a name taken for good fails every try with 23505.
        'thing.unchecked': syncHandler(NoteDto, 201, false, async (payload, _target, _principal, { tx }) => {
          await tx!.query('insert into named (code) values ($1)', [payload.note]);
          return { id: randomUUID() };
        }),
        'thing.create': syncHandler(NoteDto, 201, false, async () => {
          // A server-side failure (the database went away mid-item): answered 5xx, not stored.
          if (createFails) throw new Error('connection terminated unexpectedly');
          return { id: randomUUID() };
        }),
        // A write with its audit row; the note "refuse" is refused (422) after the write.
        'thing.audited': syncHandler(NoteDto, 201, false, async (payload, _target, principal, { tx }) => {
          const id = randomUUID();
          await tx!.query('insert into things (id, client_note) values ($1, $2)', [id, payload.note]);
          await recordAudit(tx!, principal, { communeCode: '16279', action: 'register', entity: 'thing', entityId: id, fields: ['note'] });
          if (payload.note === 'refuse') throw unprocessable('note', 'refused on purpose');
          return { id, communeCode: '16279' };
        }),
        'thing.change': syncHandler(NoteDto, 200, true, async (_payload, target) => ({ id: target, changed: true })),
        // One insert for a run of items, each audited in its finish; a note "refuse" fails the run.
        'thing.many': manyThings(),
        // The same, for a command whose runs may gather later items past thing.many and thing.change items.
        'thing.gathered': manyThings(['thing.many', 'thing.change']),
        // Gathers past thing.change, keeping items on one subject (its note) in order and apart: a
        // change's subject is that of the thing.keyed item it refers to, unknown for any other target.
        'thing.keyed': manyThings(['thing.change'], (one, group) => {
          if (one.command === 'thing.keyed') return (one.payload as NoteDto).note;
          const target = group.find((other) => other.clientId === one.refs?.['target']);
          return target?.command === 'thing.keyed' ? (target.payload as NoteDto).note : undefined;
        }),
      },
    });
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropTestSchemas(runId);
  });

  it('answers an item that refers to a failed item of the same upload "retry", and applies both on the retry', async () => {
    const [create, change] = [randomUUID(), randomUUID()];
    const batch = {
      items: [
        { clientId: create, command: 'thing.create', occurredAt: new Date().toISOString(), payload: {} },
        { clientId: change, command: 'thing.change', occurredAt: new Date().toISOString(), refs: { target: create }, payload: { note: 'x' } },
      ],
    };
    const first = await engine.upload(batch as never, agent);
    expect(first[0].status).toBeGreaterThanOrEqual(500);
    expect(first[1]).toMatchObject({ status: 503, body: { message: expect.stringContaining(create) } });
    expect(await query(`select client_id from "${schema}".sync_results`)).toEqual([]);

    createFails = false;
    const retried = await engine.upload(batch as never, agent);
    expect(retried.map((r) => [r.status, r.replayed])).toEqual([
      [201, false],
      [200, false],
    ]);
    expect((retried[1].body as { id: string }).id).toBe((retried[0].body as { id: string }).id);
    // And a third upload replays both stored answers.
    expect((await engine.upload(batch as never, agent)).map((r) => [r.status, r.replayed])).toEqual([
      [201, true],
      [200, true],
    ]);
  });

  const item = (command: string, extra: Record<string, unknown> = {}) => ({ clientId: randomUUID(), command, occurredAt: new Date().toISOString(), payload: {}, ...extra });
  const stored = async (...clientIds: string[]) =>
    (await query<{ client_id: string; status: number }>(`select client_id, status from "${schema}".sync_results where client_id = any($1::uuid[]) and status > 0`, [clientIds])).map((r) => r.status);

  it('retries an item Postgres picked as a deadlock victim inside the server: applied once, its dependant too, and a later upload replays the success', async () => {
    attempts.deadlock.length = 0;
    const other = await otherTransaction();
    const create = item('thing.deadlock', { payload: { note: 'deadlock' } });
    const change = item('thing.change', { refs: { target: create.clientId }, payload: { note: 'x' } });
    let uploading: Promise<unknown> | undefined;
    try {
      await other.query('update locks set n = n + 1 where id = 2');
      uploading = engine.upload({ items: [create, change] } as never, agent);
      // The item holds row 1 and waits for row 2; taking row 1 now closes the cycle. The item
      // started waiting first, so its deadlock check fires first and Postgres aborts it (40P01).
      await eventually(async () => expect(await waitingOn('deadlock-probe')).toBe(1));
      await other.query('update locks set n = n + 1 where id = 1');
      await other.query('commit');
    } finally {
      await other.query('rollback').catch(() => undefined);
      await other.end();
    }
    const first = (await uploading) as Awaited<ReturnType<OfflineSyncEngine['upload']>>;
    expect(attempts.deadlock[0]).toBe('40P01');
    expect(first.map((r) => [r.status, r.replayed])).toEqual([
      [201, false],
      [200, false],
    ]);
    expect((first[1].body as { id: string }).id).toBe((first[0].body as { id: string }).id);
    expect(await query(`select id from "${schema}".things where client_note = 'deadlock'`)).toHaveLength(1);
    expect(await query(`select n from "${schema}".locks where id in (1, 2) order by id`)).toEqual([{ n: 2 }, { n: 2 }]);

    const again = await engine.upload({ items: [create, change] } as never, agent);
    expect(again.map((r) => [r.status, r.replayed])).toEqual([
      [201, true],
      [200, true],
    ]);
    expect(await query(`select id from "${schema}".things where client_note = 'deadlock'`)).toHaveLength(1);
  });

  it('answers 503 and stores nothing while a lock timeout persists through the retries; the next upload of the same clientId applies normally', async () => {
    attempts.locked.length = 0;
    const other = await otherTransaction();
    const create = item('thing.locked', { payload: { note: 'locked' } });
    const change = item('thing.change', { refs: { target: create.clientId }, payload: { note: 'x' } });
    let first: Awaited<ReturnType<OfflineSyncEngine['upload']>>;
    try {
      await other.query('select n from locks where id = 3 for update');
      first = await engine.upload({ items: [create, change] } as never, agent);
    } finally {
      await other.query('rollback');
      await other.end();
    }
    expect(attempts.locked.length).toBeGreaterThan(1);
    expect(attempts.locked.every((code) => code === '55P03')).toBe(true);
    expect(first.map((r) => r.status)).toEqual([503, 503]);
    expect(first[0].body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(JSON.stringify(first)).not.toMatch(/lock|select|stack/i);
    expect(await stored(create.clientId, change.clientId)).toEqual([]);

    const retried = await engine.upload({ items: [create, change] } as never, agent);
    expect(retried.map((r) => [r.status, r.replayed])).toEqual([
      [201, false],
      [200, false],
    ]);
    expect(await query(`select id from "${schema}".things where client_note = 'locked'`)).toHaveLength(1);
  });

  it('retries a unique-key race (23505) inside the server, so what is stored is the handler\'s own decision about the content', async () => {
    attempts.named.length = 0;
    const other = await otherTransaction();
    const claim = item('thing.named', { payload: { note: `name-${randomUUID()}` } });
    let uploading: Promise<unknown> | undefined;
    try {
      // The other claim is not committed yet: the item sees the name free, then waits on the key.
      await other.query('insert into named (code) values ($1)', [claim.payload['note' as never]]);
      uploading = engine.upload({ items: [claim] } as never, agent);
      await eventually(async () => expect(await waitingOn('named-probe')).toBe(1));
      await other.query('commit');
    } finally {
      await other.query('rollback').catch(() => undefined);
      await other.end();
    }
    const [result] = (await uploading) as Awaited<ReturnType<OfflineSyncEngine['upload']>>;
    // The first attempt lost the race on the key; the retry saw the committed name and refused it.
    expect(attempts.named).toEqual(['23505', undefined]);
    expect(result).toMatchObject({ status: 409, body: { message: expect.stringContaining('is taken'), fields: [{ field: 'note', reason: 'taken' }] } });
    expect(await stored(claim.clientId)).toEqual([409]);
  });

  it('stores a unique-key violation that outlasts the retries as the content\'s own conflict (409), replayed on the next upload', async () => {
    const name = `kept-${randomUUID()}`;
    await query(`insert into "${schema}".named (code) values ($1)`, [name]);
    const claim = item('thing.unchecked', { payload: { note: name } });
    const [first] = await engine.upload({ items: [claim] } as never, agent);
    expect(first).toMatchObject({ status: 409, body: { statusCode: 409 } });
    expect(await stored(claim.clientId)).toEqual([409]);
    const [again] = await engine.upload({ items: [claim] } as never, agent);
    expect(again).toMatchObject({ status: 409, replayed: true });
  });

  /** The transactions that wrote these things: a row's xmin is its writer's transaction id. */
  const writers = async (note: string) => (await query<{ n: number }>(`select count(distinct xmin::text)::int as n from "${schema}".things where client_note = $1`, [note]))[0].n;

  it('applies a group of good items in one transaction, each audit row naming its own item, and a retried upload replays every answer', async () => {
    const note = `group-${randomUUID()}`;
    const created = [item('thing.audited', { payload: { note } }), item('thing.audited', { payload: { note } }), item('thing.audited', { payload: { note } })];
    const change = item('thing.change', { refs: { target: created[1].clientId }, payload: { note: 'x' } });
    const { result: first, outcomes } = await outcomesOf(() => engine.upload({ items: [...created, change] } as never, agent));
    expect(outcomes).toEqual(['together']);
    expect(first.map((r) => [r.status, r.replayed])).toEqual([
      [201, false],
      [201, false],
      [201, false],
      [200, false],
    ]);
    expect((first[3].body as { id: string }).id).toBe((first[1].body as { id: string }).id);
    expect(await writers(note)).toBe(1);
    const audit = await query<{ entity_id: string; sync_client_id: string }>(`select entity_id, sync_client_id from "${schema}".audit_log where entity_id = any($1::text[]) order by id`, [
      first.slice(0, 3).map((r) => (r.body as { id: string }).id),
    ]);
    expect(audit).toEqual(first.slice(0, 3).map((r, n) => ({ entity_id: (r.body as { id: string }).id, sync_client_id: created[n].clientId })));
    expect(await query(`select commune_code from "${schema}".sync_results where client_id = $1`, [created[0].clientId])).toEqual([{ commune_code: '16279' }]);

    // The retry's first try writes them again and fails on their stored results; the second,
    // knowing them, replays every answer in one transaction and writes nothing.
    const { result: again, outcomes: retried } = await outcomesOf(() => engine.upload({ items: [...created, change] } as never, agent));
    expect(retried).toEqual(['retried']);
    expect(again).toEqual(first.map((r) => ({ ...r, replayed: true })));
    expect(await query(`select id from "${schema}".things where client_note = $1`, [note])).toHaveLength(3);
    expect(await writers(note)).toBe(1);
  });

  it('tries a group that another upload of one of its items overtakes once more, knowing that item: it replays the other answer, the rest are applied once, together', async () => {
    const note = `overtaken-${randomUUID()}`;
    const group = [item('thing.audited', { payload: { note } }), item('thing.audited', { payload: { note } }), item('thing.audited', { payload: { note } })];
    // The other phone's upload of the middle item holds its result row, not yet committed.
    const other = await otherTransaction();
    const theirs = { id: randomUUID(), communeCode: '16279' };
    try {
      await other.query("insert into sync_results (client_id, command, status, body, actor, commune_code) values ($1, 'thing.audited', 201, $2, 'agent-1', '16279')", [group[1].clientId, JSON.stringify(theirs)]);
      const uploading = outcomesOf(() => engine.upload({ items: group } as never, agent));
      // The group's results insert is the claim: it waits for the other upload's row...
      await eventually(async () => expect(await waitingOn('insert into sync_results')).toBe(1), { timeoutMs: 10000, intervalMs: 20 });
      await other.query('commit');
      // ...then fails on the key, and the group is tried again with that item stored before.
      const { result: results, outcomes } = await uploading;
      expect(outcomes).toEqual(['retried']);
      expect(results.map((r) => [r.clientId, r.status, r.replayed])).toEqual([
        [group[0].clientId, 201, false],
        [group[1].clientId, 201, true],
        [group[2].clientId, 201, false],
      ]);
      expect(results[1].body).toEqual(theirs);
    } finally {
      await other.end();
    }
    expect(await query(`select id from "${schema}".things where client_note = $1`, [note])).toHaveLength(2);
    expect(await writers(note)).toBe(1);
    expect(await stored(...group.map((g) => g.clientId))).toEqual([201, 201, 201]);
  });

  it('applies a group holding a refused item item by item: the others each in their own transaction, the refusal stored, nothing of the group attempt left', async () => {
    const note = `fallback-${randomUUID()}`;
    const good = [item('thing.audited', { payload: { note } }), item('thing.audited', { payload: { note } })];
    const refused = item('thing.audited', { payload: { note: 'refuse' } });
    const { result: results, outcomes } = await outcomesOf(() => engine.upload({ items: [good[0], refused, good[1]] } as never, agent));
    expect(outcomes).toEqual(['refused']);
    expect(results.map((r) => r.status)).toEqual([201, 422, 201]);
    expect(results[1].body).toMatchObject({ fields: [{ field: 'note', reason: 'refused on purpose' }] });
    expect(await writers(note)).toBe(2);
    expect(await query(`select id from "${schema}".things where client_note = $1`, [note])).toHaveLength(2);
    expect(await stored(good[0].clientId, refused.clientId, good[1].clientId)).toEqual(expect.arrayContaining([201, 422, 201]));
    const audited = await query<{ sync_client_id: string }>(`select sync_client_id from "${schema}".audit_log where sync_client_id = any($1::uuid[]) order by id`, [good.map((g) => g.clientId)]);
    expect(audited.map((row) => row.sync_client_id)).toEqual(good.map((g) => g.clientId));
    // One item: nothing to apply together.
    expect((await outcomesOf(() => engine.upload({ items: [item('thing.audited', { payload: { note: `alone-${randomUUID()}` } })] } as never, agent))).outcomes).toEqual(['alone']);
  });

  it("hands a run of consecutive items of one command to its handler's runMany: one call, each audit row naming its item, refs after the run resolved, a retry replayed", async () => {
    const note = `many-${randomUUID()}`;
    const many = [item('thing.many', { payload: { note } }), item('thing.many', { payload: { note } }), item('thing.many', { payload: { note } })];
    // A run ends at an item referring to one of the run (its id is not known before the run).
    const dependent = item('thing.many', { refs: { note: many[0].clientId }, payload: {} });
    const change = item('thing.change', { refs: { target: many[2].clientId }, payload: { note: 'x' } });
    runs.length = 0;
    const { result: first, outcomes } = await outcomesOf(() => engine.upload({ items: [...many, dependent, change] } as never, agent));
    expect(outcomes).toEqual(['together']);
    expect(first.map((r) => r.status)).toEqual([201, 201, 201, 201, 200]);
    expect(runs).toEqual([[note, note, note]]);
    expect((first[4].body as { id: string }).id).toBe((first[2].body as { id: string }).id);
    const ids = first.slice(0, 4).map((r) => (r.body as { id: string }).id);
    expect(await query(`select client_note from "${schema}".things where id = $1`, [ids[3]])).toEqual([{ client_note: ids[0] }]);
    const audit = await query<{ entity_id: string; sync_client_id: string }>(`select entity_id, sync_client_id from "${schema}".audit_log where entity_id = any($1::text[]) order by id`, [ids]);
    expect(audit).toEqual([...many, dependent].map((one, n) => ({ entity_id: ids[n], sync_client_id: one.clientId })));
    expect(await stored(...[...many, dependent].map((one) => one.clientId))).toEqual([201, 201, 201, 201]);

    runs.length = 0;
    const { result: again, outcomes: retried } = await outcomesOf(() => engine.upload({ items: [...many, dependent, change] } as never, agent));
    expect(again).toEqual(first.map((r) => ({ ...r, replayed: true })));
    expect(retried).toEqual(['retried']);
    // Only the first try, rolled back on their stored results, ran them; the second replayed them.
    expect(runs).toEqual([[note, note, note]]);
    expect(await query(`select id from "${schema}".things where client_note = $1`, [note])).toHaveLength(3);
  });

  it('applies a run that runMany refuses item by item: run decides each item, the refusal stored, nothing of the run left', async () => {
    const note = `many-refused-${randomUUID()}`;
    const items = [item('thing.many', { payload: { note } }), item('thing.many', { payload: { note: 'refuse' } }), item('thing.many', { payload: { note } })];
    runs.length = 0;
    const { result: results, outcomes } = await outcomesOf(() => engine.upload({ items } as never, agent));
    expect(outcomes).toEqual(['refused']);
    expect(runs).toEqual([[note, 'refuse', note]]);
    expect(results.map((r) => r.status)).toEqual([201, 422, 201]);
    expect(await query(`select id from "${schema}".things where client_note = $1`, [note])).toHaveLength(2);
    expect(await writers(note)).toBe(2);
    expect(await stored(...items.map((one) => one.clientId))).toEqual(expect.arrayContaining([201, 422, 201]));
  });

  it('gathers a run of a command past the items of the commands it may pass over, answering in upload order; other commands keep consecutive runs', async () => {
    const note = `gathered-${randomUUID()}`;
    const gathered = [0, 1, 2].map(() => item('thing.gathered', { payload: { note } }));
    const between = [
      item('thing.many', { payload: { note: `${note}-between` } }),
      item('thing.change', { refs: { target: gathered[0].clientId }, payload: { note: 'x' } }),
      item('thing.many', { payload: { note: `${note}-between` } }),
    ];
    const items = [gathered[0], between[0], between[1], gathered[1], between[2], gathered[2]];
    runs.length = 0;
    const { result, outcomes } = await outcomesOf(() => engine.upload({ items } as never, agent));
    expect(outcomes).toEqual(['together']);
    // One runMany call for the three, none for thing.many's two (not consecutive, and they do not gather).
    expect(runs).toEqual([[note, note, note]]);
    expect(result.map((r) => r.clientId)).toEqual(items.map((one) => one.clientId));
    expect(result.map((r) => r.status)).toEqual([201, 201, 200, 201, 201, 201]);
    expect((result[2].body as { id: string }).id).toBe((result[0].body as { id: string }).id);
    const ids = [result[0], result[3], result[5]].map((r) => (r.body as { id: string }).id);
    const audit = await query<{ entity_id: string; sync_client_id: string }>(`select entity_id, sync_client_id from "${schema}".audit_log where entity_id = any($1::text[]) order by id`, [ids]);
    expect(audit).toEqual(gathered.map((one, n) => ({ entity_id: ids[n], sync_client_id: one.clientId })));

    // An item in between that refers to a later one must fail as it would in the upload's order:
    // that later item is not gathered ahead of it.
    const later = [0, 1].map(() => item('thing.gathered', { payload: { note: `${note}-later` } }));
    const tooEarly = item('thing.change', { refs: { target: later[1].clientId }, payload: { note: 'x' } });
    runs.length = 0;
    const { result: refused, outcomes: refusedOutcomes } = await outcomesOf(() => engine.upload({ items: [later[0], tooEarly, later[1]] } as never, agent));
    expect(refused.map((r) => r.status)).toEqual([201, 422, 201]);
    expect(refusedOutcomes).toEqual(['refused']);
    expect(runs).toEqual([]);

    // An item referring to one passed over stays after it (that id is not known before it), and a
    // command the run may not pass over ends the run.
    const passed = item('thing.many', { payload: { note: `${note}-passed` } });
    const referring = item('thing.gathered', { refs: { note: passed.clientId }, payload: {} });
    const audited = item('thing.audited', { payload: { note: `${note}-audited` } });
    const upload = [item('thing.gathered', { payload: { note } }), passed, referring, item('thing.gathered', { payload: { note } }), audited, item('thing.gathered', { payload: { note } })];
    runs.length = 0;
    const { result: kept, outcomes: keptOutcomes } = await outcomesOf(() => engine.upload({ items: upload } as never, agent));
    expect(keptOutcomes).toEqual(['together']);
    expect(kept.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(runs).toEqual([[(kept[1].body as { id: string }).id, note]]);
  });

  it('keeps items on one subject in order and apart when the handler names subjects: never two in a run, never one gathered past another', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => `keyed-${name}-${randomUUID()}`);
    const keyed = (note: string) => item('thing.keyed', { payload: { note } });
    const first = [keyed(a), keyed(b), keyed(a), keyed(c)];
    const items = [first[0], item('thing.change', { refs: { target: first[0].clientId }, payload: {} }), first[1], first[2], first[3]];
    runs.length = 0;
    const { result, outcomes } = await outcomesOf(() => engine.upload({ items } as never, agent));
    expect(outcomes).toEqual(['together']);
    expect(result.map((r) => [r.clientId, r.status])).toEqual(items.map((one) => [one.clientId, one.command === 'thing.change' ? 200 : 201]));
    // b is gathered past the change of a; the second a ends that run and starts the next, with c.
    expect(runs).toEqual([[a, b], [a, c]]);

    // A change whose subject is unknown (a stored record's id) ends the run.
    const [d, e] = [`keyed-d-${randomUUID()}`, `keyed-e-${randomUUID()}`];
    const second = [keyed(d), item('thing.change', { target: randomUUID(), payload: {} }), keyed(e)];
    runs.length = 0;
    const { result: kept } = await outcomesOf(() => engine.upload({ items: second } as never, agent));
    expect(kept.map((r) => r.status)).toEqual([201, 200, 201]);
    expect(runs).toEqual([]);
  });
});
