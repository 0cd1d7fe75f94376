import { clientIdOf, isLocalId, type FieldDatabase, type QueuedCommand } from '../data/db';
import { referencedClientIds } from './batches';
import { createdIdOf } from './sync-engine';

export type NewCommand = Omit<QueuedCommand, 'seq' | 'clientId' | 'occurredAt' | 'state' | 'attempts'> & { clientId?: string };

/** A command as the member saves it: its client id and device time are fixed now, once. */
export function newCommand(command: NewCommand, at = new Date()): QueuedCommand {
  return { ...command, clientId: command.clientId ?? crypto.randomUUID(), occurredAt: at.toISOString(), state: 'queued', attempts: 0 };
}

export interface QueueCounts {
  waiting: number;
  attention: number;
  done: number;
}

export async function queueCounts(db: FieldDatabase): Promise<QueueCounts> {
  const [waiting, attention, done] = await Promise.all(['queued', 'attention', 'done'].map((state) => db.queue.where('state').equals(state).count()));
  return { waiting, attention, done };
}

/** Client ids of the items the server has not accepted yet: what they created stays on the phone. */
export async function unsyncedClientIds(db: FieldDatabase): Promise<string[]> {
  return (await db.queue.where('state').anyOf('queued', 'attention').toArray()).map((item) => item.clientId);
}

/**
 * The server's id for a record made on this phone (`local:<client id>`) once its command was
 * accepted; undefined before that, and for ids that were never local. The work-list refresh
 * replaces the local record with the server's, so a screen showing it follows this id.
 */
export async function acceptedIdOf(db: FieldDatabase, id: string): Promise<string | undefined> {
  if (!isLocalId(id)) return undefined;
  return createdIdOf(await db.queue.where('clientId').equals(clientIdOf(id)).first());
}

/** Items that refer to `clientId`, directly or through other items, still waiting or needing attention. */
export async function dependentsOf(db: FieldDatabase, clientId: string): Promise<QueuedCommand[]> {
  const open = await db.queue.where('state').anyOf('queued', 'attention').sortBy('seq');
  const found: QueuedCommand[] = [];
  const wanted = new Set([clientId]);
  for (const item of open) {
    if (referencedClientIds(item).some((ref) => wanted.has(ref))) {
      found.push(item);
      wanted.add(item.clientId);
    }
  }
  return found;
}

/**
 * The member fixed an item the server refused (or chose to send theirs over a newer version):
 * it goes back in the queue at its place with a new client id (the server keeps its answer to the
 * old one for good), and so do the items that were refused only because they depended on it.
 */
export async function resend(db: FieldDatabase, seq: number, payload: Record<string, unknown>): Promise<void> {
  await db.transaction('rw', db.queue, async () => {
    const item = await db.queue.get(seq);
    if (!item || item.state !== 'attention') return;
    const renamed = new Map<string, string>([[item.clientId, crypto.randomUUID()]]);
    const dependents = await dependentsOf(db, item.clientId);
    for (const dependent of dependents) {
      if (dependent.state === 'attention' && failedOnReference(dependent)) renamed.set(dependent.clientId, crypto.randomUUID());
    }
    const requeue = async (entry: QueuedCommand, changes: Partial<QueuedCommand>) => {
      const clientId = renamed.get(entry.clientId) ?? entry.clientId;
      const moved = clientId !== entry.clientId;
      await db.queue.update(entry.seq!, {
        ...changes,
        clientId,
        refs: rename(entry.refs, renamed),
        crossRefs: rename(entry.crossRefs, renamed),
        ...(moved ? { state: 'queued' as const, result: undefined, attempts: 0, retryAt: undefined, previousClientIds: [...(entry.previousClientIds ?? []), entry.clientId] } : {}),
      });
    };
    await requeue(item, { payload });
    for (const dependent of dependents) await requeue(dependent, {});
  });
}

/** The member gave up on an item (after confirming): it and everything that depends on it are discarded, never sent again. */
export async function discard(db: FieldDatabase, seq: number): Promise<QueuedCommand[]> {
  return db.transaction('rw', db.queue, async () => {
    const item = await db.queue.get(seq);
    if (!item || item.state === 'done') return [];
    const dependents = await dependentsOf(db, item.clientId);
    for (const entry of [item, ...dependents]) await db.queue.update(entry.seq!, { state: 'discarded', retryAt: undefined });
    return [item, ...dependents];
  });
}

/** A 422 on `refs.*`: the item itself was fine, its referent had not been stored. */
function failedOnReference(item: QueuedCommand): boolean {
  const fields = (item.result?.body as { fields?: Array<{ field?: string }> } | undefined)?.fields ?? [];
  return item.result?.status === 422 && fields.some((field) => field.field?.startsWith('refs.'));
}

function rename(refs: Record<string, string> | undefined, renamed: Map<string, string>): Record<string, string> | undefined {
  if (!refs) return refs;
  return Object.fromEntries(Object.entries(refs).map(([field, clientId]) => [field, renamed.get(clientId) ?? clientId]));
}
