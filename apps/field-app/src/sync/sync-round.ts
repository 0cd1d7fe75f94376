import { apis, uploader } from '../data/api';
import type { FieldDatabase } from '../data/db';
import { loadAssignment } from '../data/session';
import { refreshWorkList } from '../data/work-list';
import { runSync, type SyncSummary } from './sync-engine';

/** What a round needs from the page: the bearer token lives only there (session storage). */
export interface RoundRequest {
  token: string;
  deviceId: string;
  /** the member asked for it: items waiting out a backoff go now too */
  ignoreBackoff: boolean;
}

export interface RoundResult {
  summary: SyncSummary;
  /** set when everything reached the server */
  lastSyncAt?: string;
}

/**
 * One sync round: upload what waits, then, when the server accepted something, download the work
 * list again (what was accepted comes back with the server's ids and the registry's decisions,
 * such as eligibility). Runs in the sync worker, off the thread that answers the member's taps.
 */
export async function syncRound(db: FieldDatabase, request: RoundRequest): Promise<RoundResult> {
  const summary = await runSync(db, uploader(request.token, request.deviceId), { ignoreBackoff: request.ignoreBackoff });
  let lastSyncAt: string | undefined;
  if (summary.complete) {
    lastSyncAt = new Date().toISOString();
    await db.setMeta('lastSyncAt', lastSyncAt);
  }
  const assignment = await loadAssignment(db);
  // A failed download leaves the list as it was; the next round tries again.
  if (summary.done > 0 && assignment) await refreshWorkList(db, apis(request.token), assignment).catch(() => undefined);
  return { summary, lastSyncAt };
}
