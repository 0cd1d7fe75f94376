import type { FieldDatabase } from '../data/db';
import type { SyncSummary } from './sync-engine';
import type { RoundRequest, RoundResult } from './sync-round';

export interface SyncStatus {
  running: boolean;
  lastSuccessAt?: string;
  /** the last round left something to retry (network, 5xx) */
  failed: boolean;
  needsSignIn: boolean;
}

/**
 * When to sync: at once when the phone comes online, shortly after the member saves something,
 * every `intervalMs` while items wait, and on demand. One round at a time, and one tab at a time
 * (Web Locks), so two open tabs never upload the same items concurrently.
 */
export class SyncRunner {
  private status: SyncStatus = { running: false, failed: false, needsSignIn: false };
  private current?: Promise<SyncSummary | undefined>;
  private listeners = new Set<(status: SyncStatus) => void>();
  private timer?: ReturnType<typeof setInterval>;
  private kickTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly db: FieldDatabase,
    /** the token and device for a round; undefined when the member must sign in first */
    private readonly credentials: () => Omit<RoundRequest, 'ignoreBackoff'> | undefined,
    /** runs the round (in the sync worker, see sync-worker-client.ts) */
    private readonly perform: (request: RoundRequest) => Promise<RoundResult>,
    private readonly intervalMs = 15_000,
  ) {}

  async start(): Promise<void> {
    this.status.lastSuccessAt = await this.db.getMeta<string>('lastSyncAt');
    this.emit();
    window.addEventListener('online', this.onOnline);
    this.timer = setInterval(() => void this.syncIfWaiting(), this.intervalMs);
    void this.syncIfWaiting();
  }

  /** Waits for a round in progress to end (before signing out, so nothing is written after). */
  async settled(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    clearInterval(this.timer);
    clearTimeout(this.kickTimer);
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  /** Something was saved: sync soon, letting a burst of saves go in one batch. */
  kick(): void {
    clearTimeout(this.kickTimer);
    this.kickTimer = setTimeout(() => void this.syncIfWaiting(), 500);
  }

  /** A round now; `asked` (the member's button, a fresh sign-in) also sends items waiting out a backoff. */
  syncNow(asked = false): Promise<SyncSummary | undefined> {
    if (this.current) return this.current;
    const credentials = this.credentials();
    if (!credentials) {
      this.update({ needsSignIn: true });
      return Promise.resolve(undefined);
    }
    this.update({ running: true });
    const round = async () => {
      const { summary, lastSyncAt } = await this.perform({ ...credentials, ignoreBackoff: asked });
      if (lastSyncAt) this.status.lastSuccessAt = lastSyncAt;
      return summary;
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const locked = (locks ? locks.request('dtc-field-sync', round) : round()) as Promise<SyncSummary>;
    this.current = locked
      .then((summary) => {
        this.update({ running: false, failed: !summary.complete && !summary.unauthorized, needsSignIn: summary.unauthorized });
        return summary;
      })
      .catch(() => {
        this.update({ running: false, failed: true });
        return undefined;
      })
      .finally(() => {
        this.current = undefined;
      });
    return this.current;
  }

  private readonly onOnline = () => void this.syncIfWaiting();

  private async syncIfWaiting(): Promise<void> {
    if (!navigator.onLine) return;
    const now = Date.now();
    const due = await this.db.queue
      .where('state')
      .equals('queued')
      .filter((item) => item.retryAt === undefined || item.retryAt <= now)
      .count();
    if (due > 0) await this.syncNow();
  }

  private update(changes: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...changes };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.status);
  }
}
