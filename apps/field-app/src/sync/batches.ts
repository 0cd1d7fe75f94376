import type { QueuedCommand } from '../data/db';

/** The most items a service's POST /sync takes in one request. */
export const MAX_BATCH_ITEMS = 500;

/**
 * Items the phone sends per request. Well under the server's limit: putting a batch together and
 * serializing it is one task on the phone's main thread, and at 500 items a slow phone froze for
 * a third of a second per batch; the server's time per item is the same either way.
 */
export const UPLOAD_BATCH_ITEMS = 100;

/** Client ids an item waits for: same-service refs (the server resolves them) and cross-service ones (the phone does). */
export function referencedClientIds(item: Pick<QueuedCommand, 'refs' | 'crossRefs'>): string[] {
  return [...Object.values(item.refs ?? {}), ...Object.values(item.crossRefs ?? {})];
}

/**
 * The first batch to upload: whole groups of items that refer to each other (connected through
 * refs), in queue order, up to `max` items. A dependent item in the same batch as its referent is
 * answered 503 by the server when the referent cannot be applied now, instead of a 422 "no such
 * item" that would wrongly send it to the member's attention list. Only a group larger than a
 * batch is cut, in order (the server then finds the referent in its stored results).
 */
export function firstBatch<T extends Pick<QueuedCommand, 'clientId' | 'refs'>>(ready: T[], max = MAX_BATCH_ITEMS): T[] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const item of ready) parent.set(item.clientId, item.clientId);
  for (const item of ready) {
    for (const ref of Object.values(item.refs ?? {})) {
      if (parent.has(ref)) parent.set(find(item.clientId), find(ref));
    }
  }
  const groups = new Map<string, T[]>();
  for (const item of ready) {
    const root = find(item.clientId);
    const group = groups.get(root);
    if (group) group.push(item);
    else groups.set(root, [item]);
  }
  // Groups in the order of their first item (Map keeps insertion order: the queue's order).
  const batch: T[] = [];
  for (const group of groups.values()) {
    if (batch.length + group.length <= max) batch.push(...group);
    else if (batch.length === 0) return group.slice(0, max);
    else break;
  }
  const position = new Map(ready.map((item, index) => [item, index]));
  return batch.sort((a, b) => position.get(a)! - position.get(b)!);
}

/** Retry delay after the n-th failed try: 2 s doubling to 5 min, with jitter so phones do not retry in step. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(300_000, 2000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
