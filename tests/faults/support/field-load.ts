import { randomUUID } from 'node:crypto';
import type { FaultPlatform } from './platform';
import { VILLAGES } from './platform';

export interface LoadFigures {
  batches: number;
  items: number;
  /** Answers that told the phone to come back later (503, refused connections): it retried. */
  retried: number;
  /** Status codes of the retried answers, e.g. { 503: 12, network: 3 }. */
  retryReasons: Record<string, number>;
}

interface SyncResult {
  results: Array<{ clientId: string; status: number; body: { id?: string; message?: string } }>;
}

const RETRYABLE = new Set([502, 503, 504]);

/** One answer a phone got (an HTTP status, an item's status inside a 200, or no answer at all). */
export interface PhoneAnswer {
  service: 'household-registry' | 'enrollment';
  status: number | 'network';
  at: number;
}

/** A household whose uploads were all accepted, with the ids the services gave back. */
export interface AcknowledgedHousehold {
  householdId: string;
  residentIds: string[];
  enrollmentId: string;
  startedAt: number;
  acknowledgedAt: number;
}

export interface FieldLoadOptions {
  households: number;
  phones: number;
  deadlineMs?: number;
  /** A phone's pause between two households (the soak paces its phones; the fault tests do not). */
  pauseMs?: number;
  /** Also upload again after a 500 instead of failing (the soak counts them rather than stopping). */
  retryServerErrors?: boolean;
  onAnswer?: (answer: PhoneAnswer) => void;
  onAcknowledged?: (household: AcknowledgedHousehold) => void;
}

/**
 * Field phones uploading their offline work through the services' /sync APIs, as the app does:
 * each household is one registry batch (household, two residents, two visits) followed by an
 * enrollment batch (apply + transition) for its first resident. A batch that meets an outage
 * (5xx, refused connection) is uploaded again with the same client ids until it is accepted,
 * which the sync contract makes safe. Every item must end accepted.
 */
export class FieldLoad {
  private readonly figures: LoadFigures = { batches: 0, items: 0, retried: 0, retryReasons: {} };
  private stopped = false;
  private started = 0;

  constructor(
    private readonly platform: FaultPlatform,
    private readonly options: FieldLoadOptions,
  ) {}

  /** Runs until every household is uploaded; `households` can be raised while it runs. */
  async run(onHousehold?: (done: number) => void | Promise<void>): Promise<LoadFigures> {
    let done = 0;
    const phone = async () => {
      while (!this.stopped && this.started < this.options.households) {
        this.started += 1;
        await this.household(this.started);
        done += 1;
        await onHousehold?.(done);
        if (this.options.pauseMs && !this.stopped) await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
      }
    };
    await Promise.all(Array.from({ length: this.options.phones }, phone));
    return this.figures;
  }

  stop(): void {
    this.stopped = true;
  }

  private async household(index: number): Promise<void> {
    const startedAt = Date.now();
    const occurredAt = new Date(Date.now() - 3600000).toISOString();
    const at = (minutes: number) => new Date(Date.parse(occurredAt) + minutes * 60000).toISOString();
    const [household, first, second] = [randomUUID(), randomUUID(), randomUUID()];
    const village = VILLAGES[index % VILLAGES.length];
    const resident = (fullName: string, dateOfBirth: string) => ({ fullName, dateOfBirth, sex: index % 2 ? 'female' : 'male', ethnicity: 'Kinh', relationshipToHead: 'other_relative', ownsSmartphone: true });
    const registry = await this.upload('household-registry', [
      { clientId: household, command: 'household.register', occurredAt: at(0), payload: { communeCode: this.platform.commune, villageCode: village, address: `Xóm ${index}`, headName: `Chủ hộ ${index}` } },
      { clientId: first, command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: resident(`Người thứ nhất ${index}`, '1988-03-04') },
      { clientId: second, command: 'resident.register', occurredAt: at(2), refs: { householdId: household }, payload: resident(`Người thứ hai ${index}`, '1992-11-20') },
      { clientId: randomUUID(), command: 'visit.record', occurredAt: at(3), refs: { target: household }, payload: { outcome: 'done', obstacles: [] } },
      { clientId: randomUUID(), command: 'visit.record', occurredAt: at(4), refs: { target: household }, payload: { outcome: 'done', obstacles: [] } },
    ]);
    const residentId = registry.results[1].body.id;
    const apply = randomUUID();
    const enrollment = await this.upload('enrollment', [
      { clientId: apply, command: 'enrollment.apply', occurredAt: at(5), payload: { communeCode: this.platform.commune, serviceCode: 'vneid_level2', residentId } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: at(6), refs: { target: apply }, payload: { to: 'issued' } },
    ]);
    this.options.onAcknowledged?.({
      householdId: registry.results[0].body.id ?? '',
      residentIds: [registry.results[1].body.id ?? '', registry.results[2].body.id ?? ''],
      enrollmentId: enrollment.results[0].body.id ?? '',
      startedAt,
      acknowledgedAt: Date.now(),
    });
  }

  private async upload(service: 'household-registry' | 'enrollment', items: unknown[]): Promise<SyncResult> {
    const deadline = Date.now() + (this.options.deadlineMs ?? 180000);
    for (;;) {
      let reason: string;
      try {
        const response = await fetch(`${this.platform.balancedUrl(service)}/sync`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.platform.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        });
        const text = await response.text();
        if (response.status !== 200) this.options.onAnswer?.({ service, status: response.status, at: Date.now() });
        if (response.status === 200) {
          const result = JSON.parse(text) as SyncResult;
          const refused = result.results.filter((r) => r.status >= 300 && r.status < 500);
          if (refused.length > 0) throw new Error(`${service} refused items: ${JSON.stringify(refused)}`);
          // Items the server could not apply (5xx) are not stored: the sync contract says upload
          // them again. Applied ones replay their stored results.
          const failed = result.results.find((r) => r.status >= 500);
          this.options.onAnswer?.({ service, status: failed?.status ?? 200, at: Date.now() });
          if (!failed) {
            this.figures.batches += 1;
            this.figures.items += items.length;
            return result;
          }
          reason = `item ${failed.status}`;
        } else {
          if (!RETRYABLE.has(response.status) && !(this.options.retryServerErrors && response.status >= 500)) throw new Error(`${service} /sync answered ${response.status}: ${text}`);
          reason = String(response.status);
        }
      } catch (error) {
        if (!/fetch failed|no live|ECONNREFUSED|ECONNRESET|socket/i.test(`${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`)) throw error;
        reason = 'network';
        this.options.onAnswer?.({ service, status: 'network', at: Date.now() });
      }
      this.figures.retried += 1;
      this.figures.retryReasons[reason] = (this.figures.retryReasons[reason] ?? 0) + 1;
      if (Date.now() > deadline) throw new Error(`${service} did not accept a batch before the deadline (last: ${reason})`);
      // The phone's back-off before uploading again (not a test waiting for a result).
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
