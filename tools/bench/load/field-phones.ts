/**
 * The benchmark's load generator, run as its own process (so its CPU is not the services'):
 * field phones uploading door-to-door work through the services' offline-sync APIs. One unit
 * of work is a household visit: the registry batch (household, three residents, the visit),
 * then the enrollment batch (two applications, each moved one step); every fifth unit a team
 * also uploads a training session with ten walk-in attendees. Paced (events/s) or flat out.
 * Reports progress and the final figures to the parent over IPC.
 */
import { randomUUID } from 'node:crypto';
import { percentile } from '../stats';

export interface LoadCommune {
  code: string;
  villageCodes: string[];
  villageIds: string[];
}

export interface LoadPlan {
  label: string;
  urls: { registry: string; enrollment: string; training: string };
  token: string;
  communes: LoadCommune[];
  /** Target events per second; 0 runs as fast as the phones get answers. */
  eventsPerSecond: number;
  seconds: number;
  phones: number;
}

export interface LoadReport {
  label: string;
  seconds: number;
  requests: number;
  items: number;
  units: number;
  failures: number;
  failureSamples: string[];
  latencyMs: { p50: number; p99: number; max: number };
  latencyByService: Record<string, { requests: number; p50: number; p99: number }>;
}

/** Events a unit produces: 5 registry + 4 enrollment, plus 12 training every fifth unit. */
export const EVENTS_PER_UNIT = 9 + 12 / 5;

interface SyncItem {
  clientId: string;
  command: string;
  occurredAt: string;
  refs?: Record<string, string>;
  payload: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Phones {
  private readonly latencies: Record<string, number[]> = { registry: [], enrollment: [], training: [] };
  private requests = 0;
  private items = 0;
  private units = 0;
  private failures = 0;
  private readonly failureSamples: string[] = [];

  constructor(private readonly plan: LoadPlan) {}

  async run(): Promise<LoadReport> {
    const started = Date.now();
    const deadline = started + this.plan.seconds * 1000;
    const unitsPerSecond = this.plan.eventsPerSecond / EVENTS_PER_UNIT;
    let next = 0;
    const progress = setInterval(() => process.send?.({ progress: { units: this.units, requests: this.requests, failures: this.failures } }), 1000);
    const phone = async () => {
      while (Date.now() < deadline) {
        const index = next++;
        if (unitsPerSecond > 0) {
          // Open-loop pacing: unit i starts at its slot, whether or not earlier ones finished.
          const slot = started + (index / unitsPerSecond) * 1000;
          if (slot >= deadline) return;
          if (slot > Date.now()) await sleep(slot - Date.now());
        }
        await this.unit(index);
      }
    };
    await Promise.all(Array.from({ length: this.plan.phones }, phone));
    clearInterval(progress);
    const all = Object.values(this.latencies).flat();
    return {
      label: this.plan.label,
      seconds: (Date.now() - started) / 1000,
      requests: this.requests,
      items: this.items,
      units: this.units,
      failures: this.failures,
      failureSamples: this.failureSamples,
      latencyMs: { p50: percentile(all, 50), p99: percentile(all, 99), max: all.reduce((a, b) => Math.max(a, b), 0) },
      latencyByService: Object.fromEntries(Object.entries(this.latencies).map(([name, samples]) => [name, { requests: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) }])),
    };
  }

  private async unit(index: number): Promise<void> {
    const commune = this.plan.communes[index % this.plan.communes.length];
    const v = Math.floor(index / this.plan.communes.length) % commune.villageCodes.length;
    const now = Date.now();
    const at = (minutes: number) => new Date(now - 3600000 + minutes * 60000).toISOString();
    const household = randomUUID();
    const residents = [randomUUID(), randomUUID(), randomUUID()];
    const person = (n: number, dateOfBirth: string, sex: string, ownsSmartphone: boolean) => ({
      fullName: `Nguyễn Văn Thử ${index}-${n}`,
      dateOfBirth,
      sex,
      ethnicity: 'Kinh',
      relationshipToHead: n === 0 ? 'head' : 'other_relative',
      ownsSmartphone,
    });
    const registry = await this.upload('registry', [
      { clientId: household, command: 'household.register', occurredAt: at(0), payload: { communeCode: commune.code, villageCode: commune.villageCodes[v], address: `Tổ ${index % 40}, ${commune.villageCodes[v]}`, headName: `Chủ hộ ${index}` } },
      { clientId: residents[0], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(0, '1968-04-12', 'male', true) },
      { clientId: residents[1], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(1, '1991-09-30', 'female', true) },
      { clientId: residents[2], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(2, '2012-01-05', 'male', false) },
      { clientId: randomUUID(), command: 'visit.record', occurredAt: at(2), refs: { target: household }, payload: { outcome: index % 4 ? 'done' : 'partly_done', obstacles: index % 4 ? [] : ['no_smartphone'] } },
    ]);
    if (!registry) return;
    const [first, second] = [registry[1], registry[2]];
    const applyA = randomUUID();
    const applyB = randomUUID();
    await this.upload('enrollment', [
      { clientId: applyA, command: 'enrollment.apply', occurredAt: at(3), payload: { communeCode: commune.code, serviceCode: 'vneid_level2', residentId: first } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: at(4), refs: { target: applyA }, payload: { to: 'issued' } },
      { clientId: applyB, command: 'enrollment.apply', occurredAt: at(3), payload: { communeCode: commune.code, serviceCode: 'cccd', residentId: second } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: at(4), refs: { target: applyB }, payload: { to: 'issued' } },
    ]);
    if (index % 5 === 4) {
      const session = randomUUID();
      const startsAt = new Date(now - 2 * 3600000).toISOString();
      await this.upload('training', [
        {
          clientId: session,
          command: 'session.schedule',
          occurredAt: at(-60),
          payload: { communeCode: commune.code, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', venueName: 'Nhà văn hóa', villageId: commune.villageIds[v], startsAt, endsAt: new Date(now - 3600000).toISOString(), capacity: 40, trainerMemberIds: [] },
        },
        { clientId: randomUUID(), command: 'attendance.record', occurredAt: at(0), refs: { target: session }, payload: { attendees: Array.from({ length: 10 }, (_, n) => ({ walkIn: { fullName: `Học viên ${index}-${n}`, birthYear: 1970 + n }, outcome: n % 2 ? 'completed' : 'skill_check_passed' })) } },
        { clientId: randomUUID(), command: 'session.hold', occurredAt: at(0), refs: { target: session }, payload: {} },
      ]);
    }
    this.units += 1;
  }

  /** One /sync upload; returns the created ids, or undefined when the batch was not accepted. */
  private async upload(service: 'registry' | 'enrollment' | 'training', items: SyncItem[]): Promise<Array<string | undefined> | undefined> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.plan.urls[service]}/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.plan.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      const text = await response.text();
      this.latencies[service].push(performance.now() - started);
      this.requests += 1;
      if (response.status !== 200) return this.fail(`${service} ${response.status}: ${text.slice(0, 200)}`);
      const results = (JSON.parse(text) as { results: Array<{ status: number; body: { id?: string; message?: string } }> }).results;
      const refused = results.find((result) => result.status >= 300);
      if (refused) return this.fail(`${service} item ${refused.status}: ${JSON.stringify(refused.body).slice(0, 200)}`);
      this.items += items.length;
      return results.map((result) => result.body.id);
    } catch (error) {
      return this.fail(`${service}: ${(error as Error).message}`);
    }
  }

  private fail(reason: string): undefined {
    this.failures += 1;
    if (this.failureSamples.length < 5) this.failureSamples.push(reason);
    return undefined;
  }
}

process.once('message', (plan: LoadPlan) => {
  new Phones(plan).run().then(
    (report) => process.send?.({ report }, undefined, undefined, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.message }, undefined, undefined, () => process.exit(1)),
  );
});
