import Dexie from 'dexie';
import { inChunks, type FieldDatabase, type QueuedCommand, type SyncService } from '../data/db';
import { backoffMs, firstBatch, referencedClientIds, UPLOAD_BATCH_ITEMS } from './batches';

export interface SyncItem {
  clientId: string;
  command: string;
  occurredAt: string;
  target?: string;
  refs?: Record<string, string>;
  payload: Record<string, unknown>;
}

export interface SyncItemResult {
  clientId: string;
  status: number;
  body: unknown;
  replayed: boolean;
}

/** What one upload came back with: per-item results, or why there were none. */
export type UploadOutcome = { kind: 'results'; results: SyncItemResult[] } | { kind: 'network' } | { kind: 'unauthorized' } | { kind: 'server'; status: number };

export type Upload = (service: SyncService, items: SyncItem[]) => Promise<UploadOutcome>;

export interface SyncSummary {
  sent: number;
  done: number;
  attention: number;
  /** items that will be tried again (5xx, 503, network) */
  retrying: number;
  /** true when every upload reached the server and nothing is left to retry */
  complete: boolean;
  unauthorized: boolean;
}

/** Services in the order their commands may depend on each other (enrollments name residents). */
const SERVICE_ORDER: SyncService[] = ['registry', 'enrollment', 'training'];

/** Queued commands read from IndexedDB at a time while a batch is put together. */
const READ_PAGE = 100;

export class DependencyNotReady extends Error {}

/**
 * Uploads what waits in the queue, batch by batch, and records each item's fate: done (2xx),
 * needs the member's attention (4xx, kept with the server's problem), or retried later with
 * backoff (5xx, 503, network). Nothing is ever removed from the queue here, and an item keeps its
 * client id across every try, so a sync cut off at any point resumes without duplicates.
 */
export interface SyncOptions {
  now?: () => number;
  random?: () => number;
  /** the member asked for it: items waiting out a backoff go now too */
  ignoreBackoff?: boolean;
}

export async function runSync(db: FieldDatabase, upload: Upload, { now = Date.now, random = Math.random, ignoreBackoff = false }: SyncOptions = {}): Promise<SyncSummary> {
  // Each item is tried at most once per round (a failure also sets its next retry time).
  const tried = new Set<string>();
  const summary: SyncSummary = { sent: 0, done: 0, attention: 0, retrying: 0, complete: true, unauthorized: false };
  for (const service of SERVICE_ORDER) {
    for (;;) {
      const batch = await nextBatch(db, service, (item) => tried.has(item.clientId) || (!ignoreBackoff && item.retryAt !== undefined && item.retryAt > now()));
      for (const { queued } of batch) tried.add(queued.clientId);
      if (batch.length === 0) break;
      summary.sent += batch.length;
      // Putting the batch together and serializing it are separate tasks.
      await yieldToInput();
      const outcome = await upload(service, batch.map((entry) => entry.item));
      if (outcome.kind === 'unauthorized') {
        summary.unauthorized = true;
        summary.complete = false;
        return summary;
      }
      if (outcome.kind !== 'results') {
        await scheduleRetry(db, batch.map((entry) => entry.queued), now(), random);
        summary.retrying += batch.length;
        summary.complete = false;
        break;
      }
      const byClientId = new Map(outcome.results.map((result) => [result.clientId, result]));
      // Bulk writes (500 single updates were the app's largest cost on a slow phone), in chunks.
      const changes = batch.map(({ queued }) => {
        const result = byClientId.get(queued.clientId);
        if (result && result.status >= 200 && result.status < 300) {
          summary.done += 1;
          return { key: queued.seq!, changes: { state: 'done' as const, result: { status: result.status, body: result.body }, retryAt: undefined } };
        }
        if (result && result.status >= 400 && result.status < 500) {
          summary.attention += 1;
          return { key: queued.seq!, changes: { state: 'attention' as const, result: { status: result.status, body: result.body }, retryAt: undefined } };
        }
        // 5xx, 503 (busy, or a dependency that could not be applied now) or no answer: try again later.
        summary.retrying += 1;
        summary.complete = false;
        const attempts = queued.attempts + 1;
        return { key: queued.seq!, changes: { attempts, retryAt: now() + backoffMs(attempts, random) } };
      });
      await inChunks(changes, (chunk) => db.queue.bulkUpdate(chunk));
      await yieldToInput();
    }
  }
  if (await db.queue.where('state').equals('queued').count()) summary.complete = false;
  return summary;
}

/** Lets the member's taps in between two pieces of work. */
const yieldToInput = () => new Promise((resolve) => setTimeout(resolve, 0));

async function scheduleRetry(db: FieldDatabase, items: QueuedCommand[], at: number, random: () => number): Promise<void> {
  const changes = items.map((item) => {
    const attempts = item.attempts + 1;
    return { key: item.seq!, changes: { attempts, retryAt: at + backoffMs(attempts, random) } };
  });
  await inChunks(changes, (chunk) => db.queue.bulkUpdate(chunk));
}

/**
 * The next batch of a service: its queued items due now whose referents are done or travel in the
 * same batch, with cross-service references filled in from the referents' stored results.
 */
async function nextBatch(db: FieldDatabase, service: SyncService, notNow: (item: QueuedCommand) => boolean): Promise<Array<{ queued: QueuedCommand; item: SyncItem }>> {
  const ready: QueuedCommand[] = [];
  const sending = new Set<string>();
  const referents = new Map<string, QueuedCommand>();
  // Pages of commands in queue order, until a batch's worth and a page more are ready (so that
  // firstBatch can keep the groups it takes whole): never the whole queue for every batch, and
  // each page's read is a short task of its own, so the member's taps get in between.
  let afterSeq = 0;
  for (;;) {
    const page = await db.queue
      .where('[service+state+seq]')
      .between([service, 'queued', afterSeq + 1], [service, 'queued', Dexie.maxKey])
      .limit(READ_PAGE)
      .toArray();
    const due = page.filter((item) => !notNow(item));
    for (const [clientId, referent] of await referentsOf(db, due)) referents.set(clientId, referent);
    for (const item of due) {
      const waiting = Object.values(item.refs ?? {}).some((ref) => referents.get(ref)?.state !== 'done' && !sending.has(ref));
      const crossWaiting = Object.values(item.crossRefs ?? {}).some((ref) => referents.get(ref)?.state !== 'done');
      if (waiting || crossWaiting) continue;
      ready.push(item);
      sending.add(item.clientId);
    }
    if (ready.length >= UPLOAD_BATCH_ITEMS + READ_PAGE || page.length < READ_PAGE) break;
    afterSeq = page[page.length - 1].seq!;
  }
  return firstBatch(ready, UPLOAD_BATCH_ITEMS).map((queuedItem) => ({ queued: queuedItem, item: toSyncItem(queuedItem, referents) }));
}

async function referentsOf(db: FieldDatabase, items: QueuedCommand[]): Promise<Map<string, QueuedCommand>> {
  const ids = [...new Set(items.flatMap(referencedClientIds))];
  const found = await db.queue.where('clientId').anyOf(ids).toArray();
  return new Map(found.map((item) => [item.clientId, item]));
}

/** The wire form: cross-service references become the ids the other service created. */
export function toSyncItem(item: QueuedCommand, referents: Map<string, QueuedCommand>): SyncItem {
  const payload = structuredClone(item.payload);
  let target = item.target;
  for (const [field, clientId] of Object.entries(item.crossRefs ?? {})) {
    const id = createdIdOf(referents.get(clientId));
    if (!id) throw new DependencyNotReady(`${item.clientId} waits for ${clientId}`);
    if (field === 'target') target = id;
    else setPath(payload, field, id);
  }
  return {
    clientId: item.clientId,
    command: item.command,
    occurredAt: item.occurredAt,
    ...(target ? { target } : {}),
    ...(item.refs && Object.keys(item.refs).length ? { refs: item.refs } : {}),
    payload,
  };
}

/** Sets a dotted path (`attendees.0.residentId`) in a payload, the segments existing or created as objects. */
function setPath(payload: Record<string, unknown>, field: string, value: string): void {
  const segments = field.split('.');
  let node = payload as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

export function createdIdOf(item: QueuedCommand | undefined): string | undefined {
  if (item?.state !== 'done') return undefined;
  const body = item.result?.body as { id?: unknown } | undefined;
  return typeof body?.id === 'string' ? body.id : undefined;
}
