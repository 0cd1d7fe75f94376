import { Logger } from '@nestjs/common';
import { deferInserts, flushDeferredInserts, syncItemMarker } from '@dtc/persistence';
import { canAccessCommune, databaseErrorCode, databaseTrouble, loggableError, toProblem, unprocessable, validatePayload, type MetricsService, type Principal, type Role } from '@dtc/platform';
import type { ClassConstructor } from 'class-transformer';
import type { DataSource, EntityManager } from 'typeorm';
import type { SyncBatchDto, SyncItemDto, SyncItemResult } from './sync.dto';
import type { WriteContext } from './write-context';

export interface SyncHandler {
  /** DTO of the matching single-record endpoint; the payload is validated against it. */
  dto: ClassConstructor<object>;
  /** Status the single-record endpoint answers on success (201 create, 200 change). */
  status: number;
  needsTarget: boolean;
  /** Roles allowed to run the command, when narrower than the /sync endpoint's (same as its HTTP endpoint). */
  roles?: readonly Role[];
  run(payload: never, target: string, principal: Principal, context: WriteContext): Promise<object>;
  /**
   * Several consecutive items of this command at once, on the group path only (see manyAtOnce):
   * one answer per item, in order, or a throw, after which the group is applied item by item and
   * `run` decides each item. So it need only be right when every item succeeds.
   */
  runMany?(items: ReadonlyArray<SyncItemToRun<never>>, principal: Principal, tx: EntityManager): Promise<RanItem[]>;
  /**
   * Commands whose items a run of this one may pass over to gather the group's later items of this
   * command ahead of them ('any': every command): neither can change the other's outcome except by
   * referring to it, which runOfMany checks (see there).
   */
  gathersPast?: 'any' | readonly string[];
  /**
   * What an item acts on, for a command whose items on the same thing must stay in order and apart
   * (two applications for one resident: the second answers the first's enrollment). A run then
   * never holds two items with one subject, nor gathers an item past one with its subject; an item
   * passed over whose subject is unknown (undefined) ends the run. Asked about the run's items and
   * the items it passes over, with the whole group to resolve refs.
   */
  subjectOf?(item: SyncItemDto, group: readonly SyncItemDto[]): string | undefined;
}

/** An item handed to runMany: its validated payload, its target and its own write context. */
export interface SyncItemToRun<T> {
  payload: T;
  target: string;
  context: WriteContext;
}

/**
 * runMany's answer for one item: its body, and what remains of its work (audit and outbox rows),
 * which the engine runs in item order with the item's client id set for its audit rows.
 */
export interface RanItem {
  body: object;
  finish?: () => Promise<void>;
}

export function syncHandler<T extends object>(
  dto: ClassConstructor<T>,
  status: number,
  needsTarget: boolean,
  run: (payload: T, target: string, principal: Principal, context: WriteContext) => Promise<object>,
  roles?: readonly Role[],
): SyncHandler {
  return { dto, status, needsTarget, roles, run: run as SyncHandler['run'] };
}

/**
 * A handler that can also apply a run of consecutive items of its command together (an upload's
 * residents of one household, say): fewer statements per item on the common path, with the
 * item-by-item path as the judge of anything else.
 */
export function manyAtOnce<T extends object>(
  handler: SyncHandler,
  runMany: (items: ReadonlyArray<SyncItemToRun<T>>, principal: Principal, tx: EntityManager) => Promise<RanItem[]>,
  { gathersPast, subjectOf }: Pick<SyncHandler, 'gathersPast' | 'subjectOf'> = {},
): SyncHandler {
  return { ...handler, runMany: runMany as SyncHandler['runMany'], gathersPast, subjectOf };
}

export interface SyncEngineOptions {
  dataSource: DataSource;
  handlers: Record<string, SyncHandler>;
  /** Province of a commune as the service knows it; decides whether a stored result may be replayed to the caller. */
  provinceOf(tx: EntityManager, communeCode: string): Promise<string | undefined>;
  /**
   * How often an item that hit transient database trouble (deadlock, serialization failure, lock
   * or statement timeout, lost connection) or a unique-key race is tried in all (default 4), and
   * the base of the jittered exponential backoff between tries (default 25 ms).
   */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** Told how each group of an upload was applied (see SyncGroupOutcome); `syncGroupMetrics` counts them. */
  onGroup?: (outcome: SyncGroupOutcome) => void;
}

/**
 * How a group of an upload's items went in: `together` in one transaction (the fast path);
 * `retried`, together on a second try, after the first (which does not look for items stored by an
 * earlier upload) found some were (a retried upload, or one overtaken by a concurrent upload of
 * the same items); or item by item because the group was never tried together (`alone`: one item,
 * a repeated client id, a reference to an item to retry) or because the attempt was rolled back:
 * an item `refused` (4xx), an item stored by an earlier upload that must be `replayed` on its own,
 * a result row taken meanwhile by a concurrent upload (`conflict`), the database `busy` (deadlock,
 * lock or statement timeout), or another `error`.
 */
export type SyncGroupOutcome = 'together' | 'retried' | 'alone' | 'refused' | 'replayed' | 'conflict' | 'busy' | 'error';

/** Counts upload groups by outcome in `sync_groups_total`: the share not `together` is throughput lost to item-by-item replays. */
export function syncGroupMetrics(metrics: MetricsService): (outcome: SyncGroupOutcome) => void {
  const groups = metrics.counter('sync_groups_total', 'Offline upload groups (up to 50 items) by how they were applied: together in one transaction, or item by item and why', ['outcome']);
  return (outcome) => groups.inc({ outcome });
}

/** Items applied in one transaction when all of them succeed (see applyTogether). */
const GROUP_SIZE = 50;

interface UploadState {
  principal: Principal;
  correlationId?: string;
  deviceId?: string;
  results: SyncItemResult[];
  /** Client ids answered so far in this upload. */
  seen: Set<string>;
  /** Items the server could not apply this time (5xx, not stored): the phone uploads them again. */
  retryLater: Set<string>;
  /** Ids created by this upload's items, by client id: a later item referring to one needs no lookup. */
  created: Map<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ItemProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['message']));
  }
}

class ReplayInstead extends Error {}

/**
 * Failures that say nothing about the item's own content and usually pass when tried again at
 * once: the database was busy (deadlock, serialization failure, lock or statement timeout), or a
 * unique-key race with a concurrent transaction (23505; on the next try the handler sees the
 * committed row and decides about the content itself, e.g. a 409 "already exists"). A database
 * that is unavailable is not retried here: the item is answered 503 at once (toProblem).
 */
function worthRetrying(error: unknown): boolean {
  return databaseTrouble(error) === 'busy' || databaseErrorCode(error) === '23505';
}

const BUSY: Record<string, unknown> & { statusCode: number } = { statusCode: 503, error: 'Service Unavailable', message: 'The database is busy; retry later' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Offline sync, the same contract in every service: each item runs in its own transaction that
 * first claims the phone's client id and stores the item's result with the write, so a retried
 * upload (even a concurrent one) returns the stored result and writes nothing again. Rejections
 * (4xx) are stored too; server-side failures (5xx) are not, so the phone retries them. A bad item
 * never blocks the others. A stored result is only ever a decision about the item's own content:
 * a busy database (deadlock, serialization failure, lock/statement timeout) and unique-key races
 * are retried here (bounded, jittered backoff), then answered 503; an unavailable database is
 * answered 503 at once; neither is stored.
 */
export class OfflineSyncEngine {
  private readonly logger = new Logger('sync');

  constructor(private readonly options: SyncEngineOptions) {}

  get commands(): string[] {
    return Object.keys(this.options.handlers);
  }

  /** deviceId: the phone's x-device-id, stored with each result so sync health can tell one member's phones apart. */
  async upload(batch: SyncBatchDto, principal: Principal, correlationId?: string, deviceId?: string): Promise<SyncItemResult[]> {
    const upload: UploadState = { principal, correlationId, deviceId, results: [], seen: new Set(), retryLater: new Set(), created: new Map() };
    for (let start = 0; start < batch.items.length; start += GROUP_SIZE) {
      const group = batch.items.slice(start, start + GROUP_SIZE);
      const { outcome, results } = this.canApplyTogether(group, upload) ? await this.applyGroup(group, upload) : { outcome: 'alone' as const };
      this.options.onGroup?.(outcome);
      if (results) this.settle(upload, results);
      else for (const item of group) await this.applyAlone(item, upload);
    }
    return upload.results;
  }

  private async applyAlone(item: SyncItemDto, upload: UploadState): Promise<void> {
    if (upload.seen.has(item.clientId)) {
      upload.results.push({ clientId: item.clientId, status: 422, body: { statusCode: 422, error: 'Unprocessable Entity', message: 'clientId appears twice in this batch' }, replayed: false });
      return;
    }
    // An item referring to one the server could not apply this time must not be stored as "no such
    // earlier item": that answer would replay forever once the referred item succeeds on the retry.
    const waitingFor = Object.values(item.refs ?? {}).find((ref) => typeof ref === 'string' && upload.retryLater.has(ref));
    const result = waitingFor
      ? { clientId: item.clientId, status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: `Depends on item ${waitingFor}, which could not be applied now; upload both again` }, replayed: false }
      : await this.apply(item, upload.principal, upload.correlationId, upload.deviceId, upload.created);
    this.settle(upload, [result]);
  }

  /** Records answered items: their client ids are taken, 5xx ones are retried later, created ids serve later refs. */
  private settle(upload: UploadState, results: SyncItemResult[]): void {
    for (const result of results) {
      upload.seen.add(result.clientId);
      if (result.status >= 500) upload.retryLater.add(result.clientId);
      const id = createdIdOf(result);
      if (id) upload.created.set(result.clientId, id);
      upload.results.push(result);
    }
  }

  /** A group goes in together only when nothing in it needs the item-by-item answers (repeated ids, refs to items to retry). */
  private canApplyTogether(group: SyncItemDto[], upload: UploadState): boolean {
    if (group.length < 2) return false;
    const ids = new Set(group.map((item) => item.clientId));
    if (ids.size < group.length || group.some((item) => upload.seen.has(item.clientId))) return false;
    return !group.some((item) => Object.values(item.refs ?? {}).some((ref) => typeof ref === 'string' && upload.retryLater.has(ref)));
  }

  /**
   * The common case, a group of good items, in one transaction, with one statement at the end that
   * inserts every new result together with the group's audit and outbox rows. Anything other than
   * success (a refusal, a busy database, an item uploaded concurrently) rolls the whole group back,
   * and the group is applied item by item, which decides each item exactly as it always has. Per
   * aggregate, events keep the order of the items.
   *
   * Nothing is claimed up front (the item-by-item path inserts a placeholder and updates it: two
   * row writes and two of every index entry per item), and nothing is looked up first: the
   * results' plain insert is the claim. An upload of the same items committed before or meanwhile
   * makes it fail on the key, one still running makes it wait and then fail. Only then are the
   * group's items stored by an earlier upload looked up, and when there are any the group is tried
   * together once more, those items answering their stored results (a phone retrying an upload
   * whose answer it lost); otherwise, or if that fails too, item by item, which replays them.
   */
  private async applyGroup(group: SyncItemDto[], upload: UploadState): Promise<{ outcome: SyncGroupOutcome; results?: SyncItemResult[] }> {
    const first = await this.applyTogether(group, upload, new Set());
    if (Array.isArray(first)) return { outcome: 'together', results: first };
    const earlier: Array<{ client_id: string }> = await this.options.dataSource
      .query('select client_id from sync_results where client_id = any($1::uuid[])', [group.map((item) => item.clientId)])
      .catch(() => []);
    if (earlier.length === 0) return { outcome: first };
    const second = await this.applyTogether(group, upload, new Set(earlier.map((row) => row.client_id)));
    return Array.isArray(second) ? { outcome: 'retried', results: second } : { outcome: second };
  }

  /** One try at the group in one transaction; storedBefore: its items stored by an earlier upload, which answer their stored results. */
  private async applyTogether(group: SyncItemDto[], upload: UploadState, storedBefore: ReadonlySet<string>): Promise<SyncItemResult[] | Exclude<SyncGroupOutcome, 'together' | 'alone'>> {
    const { principal, correlationId, deviceId } = upload;
    const created = new Map(upload.created);
    try {
      return await this.options.dataSource.transaction(async (tx) => {
        const deferred = deferInserts(tx);
        // results[n] answers group[n]; a run may answer later items before the ones in between.
        const results: SyncItemResult[] = new Array(group.length);
        for (let n = 0; n < group.length; n += 1) {
          if (results[n]) continue;
          const run = this.runOfMany(group, n, storedBefore, results);
          const applied: Array<SyncItemResult | undefined> = [];
          if (run.length > 1) {
            applied.push(...(await this.executeMany(tx, run.map((at) => group[at]), principal, correlationId, created, deferred)));
          } else {
            const item = group[n];
            deferred.syncItem = item.clientId;
            // An item stored earlier (a retried upload) answers its stored result, as item by item would.
            applied.push(
              storedBefore.has(item.clientId)
                ? await this.storedResult(tx, item, principal)
                : { clientId: item.clientId, ...(await this.execute(tx, item, principal, correlationId, created)), replayed: false },
            );
          }
          for (const [k, result] of applied.entries()) {
            if (!result) throw new ReplayInstead();
            const id = createdIdOf(result);
            if (id) created.set(result.clientId, id);
            results[run.length > 1 ? run[k] : n] = result;
          }
        }
        // results[n] answers group[n].
        const stored = results.flatMap((result, n) =>
          result.replayed ? [] : [{ client_id: result.clientId, command: group[n].command, status: result.status, body: result.body, commune_code: communeOf(result.body) ?? onlyCommuneOf(principal) }],
        );
        // The results go in with the group's audit and outbox rows: one statement when they fit.
        // No "on conflict": a result stored meanwhile by another upload must fail the group (see above).
        await flushDeferredInserts(tx, {
          sql: `insert into sync_results (client_id, command, status, body, commune_code, actor, device_id)
                select item.client_id, item.command, item.status, item.body, item.commune_code, $2, $3
                from jsonb_to_recordset($1::jsonb) as item(client_id uuid, command text, status int, body jsonb, commune_code text)`,
          parameters: [JSON.stringify(stored), principal.subject, deviceId ?? null],
        });
        return results;
      });
    } catch (error) {
      this.logger.debug({ items: group.length, err: loggableError(error) }, 'sync group applied item by item');
      return whyNotTogether(error);
    }
  }

  private async apply(item: SyncItemDto, principal: Principal, correlationId: string | undefined, deviceId: string | undefined, created: ReadonlyMap<string, string>): Promise<SyncItemResult> {
    const attempts = Math.max(1, this.options.retry?.attempts ?? 4);
    const baseDelayMs = this.options.retry?.baseDelayMs ?? 25;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.applyOnce(item, principal, correlationId, attempt === attempts, deviceId, created);
      } catch (error) {
        if (!worthRetrying(error)) return this.notApplied(item, error);
        if (attempt < attempts) {
          // Full jitter: concurrent items that deadlocked each other do not meet again in step.
          await sleep(Math.random() * Math.min(1000, baseDelayMs * 2 ** attempt));
          continue;
        }
        // Still failing: "retry later", and nothing stored, so the phone's next upload applies it.
        return this.notApplied(item, error, { ...BUSY }, attempts);
      }
    }
  }

  /**
   * One try at the item; throws only what is worth retrying (see worthRetrying), answers everything
   * else. On the last try a unique-key violation is no longer a race: the same key is there for
   * good, which is a decision about the item's own content (409, stored like any refusal).
   */
  private async applyOnce(item: SyncItemDto, principal: Principal, correlationId: string | undefined, lastTry: boolean, deviceId: string | undefined, created: ReadonlyMap<string, string>): Promise<SyncItemResult> {
    const { dataSource } = this.options;
    try {
      // No lookup first: a new item (the common case) claims its client id straight away; an item
      // already stored loses the claim and replays its stored result (ReplayInstead below).
      return await dataSource.transaction(async (tx) => {
        // Claim the client id first: a concurrent upload of the same item waits here, then replays.
        // The claim also marks the transaction, so every audit row this item writes names its client id.
        const claimed = await tx.query(
          `insert into sync_results (client_id, command, status, body, actor, device_id) values ($1, $2, 0, $3, $4, $5) on conflict do nothing
           returning client_id, ${syncItemMarker('$1::text')}`,
          [item.clientId, item.command, '{}', principal.subject, deviceId ?? null],
        );
        if (claimed.length === 0) throw new ReplayInstead();
        const { status, body } = await this.execute(tx, item, principal, correlationId, created);
        await tx.query('update sync_results set status = $2, body = $3, commune_code = $4 where client_id = $1', [item.clientId, status, JSON.stringify(body), communeOf(body) ?? onlyCommuneOf(principal)]);
        return { clientId: item.clientId, status, body, replayed: false };
      });
    } catch (error) {
      if (error instanceof ReplayInstead) return (await this.storedResult(dataSource.manager, item, principal)) ?? unavailable(item);
      const settledDuplicate = lastTry && databaseErrorCode(error) === '23505';
      if (!(error instanceof ItemProblem) && worthRetrying(error) && !settledDuplicate) throw error;
      const problem = error instanceof ItemProblem ? { statusCode: error.status, ...error.body } : toProblem(error);
      if (problem.statusCode >= 500) return this.notApplied(item, error, problem);
      await dataSource.query('insert into sync_results (client_id, command, status, body, actor, commune_code, device_id) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing', [
        item.clientId,
        item.command,
        problem.statusCode,
        JSON.stringify(problem),
        principal.subject,
        refusedItemCommune(item, principal),
        deviceId ?? null,
      ]);
      return (await this.storedResult(dataSource.manager, item, principal)) ?? { clientId: item.clientId, status: problem.statusCode, body: problem, replayed: false };
    }
  }

  /** A server-side failure: answered (5xx), logged, never stored, so the phone uploads the item again. */
  private notApplied(item: SyncItemDto, error: unknown, problem: Record<string, unknown> & { statusCode: number } = toProblem(error), attempts = 1): SyncItemResult {
    this.logger.warn({ clientId: item.clientId, command: item.command, attempts, err: loggableError(error) }, 'sync item failed; not stored, the phone will retry');
    return { clientId: item.clientId, status: problem.statusCode, body: problem, replayed: false };
  }

  /**
   * The positions of the items from `start` that go to their handler's runMany together: new items
   * (none stored by an earlier upload) of one command, none referring to another item of the run
   * (its id is not known until the run is applied). Items already answered are passed over. The
   * run ends at an item of another command, unless the handler `gathersPast` that command: its
   * later items then join the run ahead of the items passed over, as long as none of them refers to
   * an item passed over and none of those refers to one of them (in the upload's order, that item
   * would not exist yet), and, when the handler names subjects, none shares a subject with an item
   * of the run or one passed over. Fewer than two: apply the item on its own.
   */
  private runOfMany(group: SyncItemDto[], start: number, storedBefore: ReadonlySet<string>, answered: ReadonlyArray<SyncItemResult | undefined>): number[] {
    const command = group[start].command;
    const handler = this.options.handlers[command];
    if (!handler?.runMany) return [];
    const passes = (other: string) => handler.gathersPast === 'any' || (handler.gathersPast?.includes(other) ?? false);
    const run: number[] = [];
    const inRun = new Set<string>();
    const passedOver = new Set<string>();
    const referredFromPassedOver = new Set<string>();
    /** Subjects of the run's items and of those passed over (see SyncHandler.subjectOf). */
    const subjects = new Set<string>();
    const subjectOf = handler.subjectOf?.bind(handler);
    for (let at = start; at < group.length; at += 1) {
      if (answered[at]) continue;
      const item = group[at];
      const refs = Object.values(item.refs ?? {}).filter((ref): ref is string => typeof ref === 'string');
      const subject = subjectOf?.(item, group);
      if (item.command !== command) {
        if (!passes(item.command)) break;
        if (subjectOf) {
          if (subject === undefined) break;
          subjects.add(subject);
        }
        passedOver.add(item.clientId);
        for (const ref of refs) referredFromPassedOver.add(ref);
        continue;
      }
      if (storedBefore.has(item.clientId) || referredFromPassedOver.has(item.clientId) || refs.some((ref) => inRun.has(ref) || passedOver.has(ref))) break;
      if (subjectOf) {
        if (subject === undefined || subjects.has(subject)) break;
        subjects.add(subject);
      }
      run.push(at);
      inRun.add(item.clientId);
    }
    return run;
  }

  /** A run of items through their handler's runMany; the audit rows of each item's finish carry its client id. */
  private async executeMany(tx: EntityManager, run: SyncItemDto[], principal: Principal, correlationId: string | undefined, created: ReadonlyMap<string, string>, deferred: { syncItem: string | null }): Promise<SyncItemResult[]> {
    const handler = this.options.handlers[run[0].command];
    const items: Array<SyncItemToRun<never>> = [];
    for (const item of run) {
      const { value, target } = await this.prepare(tx, item, principal, created);
      items.push({ payload: value as never, target, context: { tx, occurredAt: new Date(item.occurredAt), correlationId } });
    }
    // Audit rows written before an item's finish would name no item: runMany leaves them to finish.
    deferred.syncItem = null;
    const ran = await handler.runMany!(items, principal, tx);
    if (ran.length !== run.length) throw new Error(`${run[0].command}: runMany answered ${ran.length} items for ${run.length}`);
    const results: SyncItemResult[] = [];
    for (const [n, item] of run.entries()) {
      deferred.syncItem = item.clientId;
      await ran[n].finish?.();
      results.push({ clientId: item.clientId, status: handler.status, body: ran[n].body, replayed: false });
    }
    return results;
  }

  private async execute(tx: EntityManager, item: SyncItemDto, principal: Principal, correlationId: string | undefined, created: ReadonlyMap<string, string>) {
    const { handler, value, target } = await this.prepare(tx, item, principal, created);
    const body = await handler.run(value as never, target, principal, { tx, occurredAt: new Date(item.occurredAt), correlationId });
    return { status: handler.status, body };
  }

  /** The item's handler, its payload validated with the refs filled in, and its target: what both execute paths start from. */
  private async prepare(tx: EntityManager, item: SyncItemDto, principal: Principal, created: ReadonlyMap<string, string>) {
    const handler = this.options.handlers[item.command];
    if (!handler) throw new ItemProblem(400, { error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'command', reason: `must be one of ${this.commands.join(', ')}` }] });
    if (handler.roles && !handler.roles.includes(principal.role)) {
      throw new ItemProblem(403, { error: 'Forbidden', message: `Role ${principal.role} may not ${item.command}; allowed: ${handler.roles.join(', ')}` });
    }
    const payload: Record<string, unknown> = { ...item.payload };
    let target = item.target;
    for (const [field, clientId] of Object.entries(item.refs ?? {})) {
      const id = (typeof clientId === 'string' && created.get(clientId)) || (await this.createdId(tx, clientId, field));
      if (field === 'target') target = id;
      else payload[field] = id;
    }
    if (handler.needsTarget && !target) throw unprocessable('target', `${item.command} needs the id of the record it acts on (target or refs.target)`);
    const { value, fields } = await validatePayload(handler.dto, payload);
    if (fields.length > 0) throw new ItemProblem(400, { error: 'Bad Request', message: 'Validation failed', fields: fields.map((f) => ({ ...f, field: `payload.${f.field}` })) });
    return { handler, value, target: target ?? '' };
  }

  /** The id created by an earlier successful item of this or a previous upload. */
  private async createdId(tx: EntityManager, clientId: unknown, field: string): Promise<string> {
    if (typeof clientId !== 'string' || !UUID.test(clientId)) throw unprocessable(`refs.${field}`, 'must be the clientId (a UUID) of an earlier item');
    const [row] = await tx.query('select status, body from sync_results where client_id = $1', [clientId]);
    if (!row || row.status < 200 || row.status >= 300 || typeof row.body?.id !== 'string') {
      throw unprocessable(`refs.${field}`, `no successful earlier item with clientId ${clientId}`);
    }
    return row.body.id;
  }

  private async storedResult(tx: EntityManager, item: SyncItemDto, principal: Principal): Promise<SyncItemResult | undefined> {
    const clientId = item.clientId;
    const [row] = await tx.query('select command, status, body, commune_code, actor from sync_results where client_id = $1 and status > 0', [clientId]);
    if (!row) return undefined;
    const reused = (message: string): SyncItemResult => ({ clientId, status: 409, body: { statusCode: 409, error: 'Conflict', message }, replayed: true });
    // Another tenant's client id must not leak that tenant's result (the caller's own refused
    // attempt at another commune is answered with its refusal, not as someone else's id).
    if (row.commune_code && row.actor !== principal.subject && !canAccessCommune(principal, row.commune_code, await this.options.provinceOf(tx, row.commune_code))) {
      return reused('This clientId was already used by another commune; generate a new one');
    }
    if (row.command !== item.command) return reused(`This clientId was already used for ${row.command}; generate a new one`);
    return { clientId, status: row.status, body: row.body, replayed: true };
  }
}

function whyNotTogether(error: unknown): Exclude<SyncGroupOutcome, 'together' | 'alone'> {
  if (error instanceof ReplayInstead) return 'replayed';
  if (databaseErrorCode(error) === '23505') return 'conflict';
  if (databaseTrouble(error) === 'busy') return 'busy';
  if (error instanceof ItemProblem) return 'refused';
  return toProblem(error).statusCode < 500 ? 'refused' : 'error';
}

/** The id a successful item created or acted on, which later items may refer to. */
function createdIdOf(result: SyncItemResult): string | undefined {
  const id = (result.body as { id?: unknown } | null | undefined)?.id;
  return result.status >= 200 && result.status < 300 && typeof id === 'string' ? id : undefined;
}

function unavailable(item: SyncItemDto): SyncItemResult {
  return { clientId: item.clientId, status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'The same item is being uploaded concurrently; retry' }, replayed: false };
}

/**
 * The commune a refused item is counted in (replay scoping and sync health): the payload's commune
 * when the uploader may act on it, else the uploader's only commune. An item refused because it
 * named a commune the uploader may not act on is not that commune's business: counting it there
 * would show its admin another commune's member.
 */
function refusedItemCommune(item: SyncItemDto, principal: Principal): string | null {
  const named = item.payload['communeCode'];
  if (typeof named === 'string' && /^[0-9]{5}$/.test(named) && (principal.role === 'operations' || principal.communes.includes(named))) return named;
  return onlyCommuneOf(principal);
}

/** Commands acting on a target carry no commune; an uploader scoped to one commune acted in that one. */
function onlyCommuneOf(principal: Principal): string | null {
  return principal.role !== 'operations' && principal.communes?.length === 1 ? principal.communes[0] : null;
}

function communeOf(body: unknown): string | null {
  const code = (body as { communeCode?: unknown })?.communeCode;
  return typeof code === 'string' ? code : null;
}
