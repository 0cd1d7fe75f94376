/// <reference lib="webworker" />
import { FieldDatabase } from '../data/db';
import { syncRound, type RoundRequest } from './sync-round';

/**
 * The sync worker: uploads, result writes and the work-list download (thousands of IndexedDB
 * records serialized, JSON of 100-item batches) run here, so on a slow phone the member's taps are
 * never queued behind them. The page's live queries see the writes (Dexie tells every context of
 * the origin through a BroadcastChannel).
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const databases = new Map<string, FieldDatabase>();

scope.onmessage = async (event: MessageEvent<{ id: number; database: string; request: RoundRequest }>) => {
  const { id, database, request } = event.data;
  try {
    if (!databases.has(database)) databases.set(database, new FieldDatabase(database));
    scope.postMessage({ id, result: await syncRound(databases.get(database)!, request) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
