import type { FieldDatabase } from '../data/db';
import { syncRound, type RoundRequest, type RoundResult } from './sync-round';

type Reply = { id: number; result: RoundResult } | { id: number; error: string };

/**
 * Runs sync rounds in the sync worker, started on the first round. Where a browser cannot start
 * module workers the round runs on the page, as it did before the worker.
 */
export function roundsInWorker(db: FieldDatabase): (request: RoundRequest) => Promise<RoundResult> {
  let worker: Worker | undefined;
  // A worker that never answered (its script did not load): later rounds run on the page.
  let unavailable = typeof Worker === 'undefined';
  let answered = false;
  let nextId = 0;
  const pending = new Map<number, { resolve(result: RoundResult): void; reject(error: Error): void }>();
  const start = (): Worker | undefined => {
    if (worker || unavailable) return worker;
    try {
      worker = new Worker(new URL('./sync.worker.ts', import.meta.url), { type: 'module', name: 'dtc-field-sync' });
    } catch {
      unavailable = true;
      return undefined;
    }
    worker.onmessage = (event: MessageEvent<Reply>) => {
      answered = true;
      const waiting = pending.get(event.data.id);
      pending.delete(event.data.id);
      if (!waiting) return;
      if ('error' in event.data) waiting.reject(new Error(event.data.error));
      else waiting.resolve(event.data.result);
    };
    // A worker that failed to load (or died) fails the rounds it had; the next round starts a new one.
    worker.onerror = () => {
      if (!answered) unavailable = true;
      worker?.terminate();
      worker = undefined;
      for (const waiting of pending.values()) waiting.reject(new Error('sync worker failed'));
      pending.clear();
    };
    return worker;
  };
  return (request) => {
    const running = start();
    if (!running) return syncRound(db, request);
    const id = (nextId += 1);
    return new Promise<RoundResult>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      running.postMessage({ id, database: db.name, request });
    });
  };
}
