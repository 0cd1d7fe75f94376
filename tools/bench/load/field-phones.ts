/**
 * The benchmark's load generator, run as its own process (so its CPU is not the services'):
 * field phones uploading door-to-door work through the services' offline-sync APIs. One unit
 * of work is a household visit: the registry batch (household, three residents, the visit),
 * then the enrollment batch (two applications, each moved one step); every fifth unit a team
 * also uploads a training session with ten walk-in attendees. Paced (events/s) or flat out. With
 * householdsPerUpload N, a phone uploads N households' work in each batch (5 N registry items).
 * Reports progress and the final figures to the parent over IPC.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { httpRequest, keptAliveAgent } from '../http';
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
  /** Households each upload carries (a phone that synced a day's work at once); 1 by default. */
  householdsPerUpload?: number;
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

/** Times a unit's items happened: minutes after an hour before `now`. */
const minutesAfter = (now: number) => (minutes: number) => new Date(now - 3600000 + minutes * 60000).toISOString();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Phones {
  private readonly latencies: Record<string, number[]> = { registry: [], enrollment: [], training: [] };
  /**
   * In every name this load writes: unit numbers start at 0 in each phase, and a resident with
   * the name and birth date of an earlier phase's is a likely duplicate the registry flags for
   * review, work real uploads rarely cause (it grew with every phase: 0.93 flag rows per event by
   * the writes-alone phase).
   */
  private readonly nameTag = randomBytes(3).toString('hex');
  private requests = 0;
  private items = 0;
  private units = 0;
  private failures = 0;
  private readonly failureSamples: string[] = [];
  /** One connection per phone and service, kept between uploads as a phone's would be. */
  private readonly agent: Agent;

  constructor(private readonly plan: LoadPlan) {
    this.agent = keptAliveAgent(plan.phones);
  }

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
        await this.unit(index, this.plan.householdsPerUpload ?? 1);
      }
    };
    await Promise.all(Array.from({ length: this.plan.phones }, phone));
    clearInterval(progress);
    this.agent.destroy();
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

  /** Households index*size .. index*size+size-1, uploaded together. */
  private async unit(index: number, size: number): Promise<void> {
    const numbers = Array.from({ length: size }, (_, n) => index * size + n);
    const registryItems = numbers.flatMap((number) => this.householdVisit(number));
    const registry = await this.upload('registry', registryItems);
    if (!registry) return;
    const enrollmentItems = numbers.flatMap((number, n) => this.applications(number, registry[n * 5 + 1], registry[n * 5 + 2]));
    await this.upload('enrollment', enrollmentItems);
    const trainingItems = numbers.filter((number) => number % 5 === 4).flatMap((number) => this.trainingSession(number));
    if (trainingItems.length > 0) await this.upload('training', trainingItems);
    this.units += size;
  }

  private commune(number: number) {
    const commune = this.plan.communes[number % this.plan.communes.length];
    return { commune, v: Math.floor(number / this.plan.communes.length) % commune.villageCodes.length };
  }

  /** The registry items of one household visit: the household, three residents, the visit. */
  private householdVisit(number: number): SyncItem[] {
    const { commune, v } = this.commune(number);
    const at = minutesAfter(Date.now());
    const household = randomUUID();
    const residents = [randomUUID(), randomUUID(), randomUUID()];
    const person = (n: number, dateOfBirth: string, sex: string, ownsSmartphone: boolean) => ({
      fullName: `Nguyễn Văn Thử ${this.nameTag} ${number}-${n}`,
      dateOfBirth,
      sex,
      ethnicity: 'Kinh',
      relationshipToHead: n === 0 ? 'head' : 'other_relative',
      ownsSmartphone,
    });
    return [
      { clientId: household, command: 'household.register', occurredAt: at(0), payload: { communeCode: commune.code, villageCode: commune.villageCodes[v], address: `Tổ ${number % 40}, ${commune.villageCodes[v]}`, headName: `Chủ hộ ${this.nameTag} ${number}` } },
      { clientId: residents[0], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(0, '1968-04-12', 'male', true) },
      { clientId: residents[1], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(1, '1991-09-30', 'female', true) },
      { clientId: residents[2], command: 'resident.register', occurredAt: at(1), refs: { householdId: household }, payload: person(2, '2012-01-05', 'male', false) },
      { clientId: randomUUID(), command: 'visit.record', occurredAt: at(2), refs: { target: household }, payload: { outcome: number % 4 ? 'done' : 'partly_done', obstacles: number % 4 ? [] : ['no_smartphone'] } },
    ];
  }

  /** Two applications for the household's first two residents, each moved one step. */
  private applications(number: number, first: string | undefined, second: string | undefined): SyncItem[] {
    const { commune } = this.commune(number);
    const at = minutesAfter(Date.now());
    const applyA = randomUUID();
    const applyB = randomUUID();
    return [
      { clientId: applyA, command: 'enrollment.apply', occurredAt: at(3), payload: { communeCode: commune.code, serviceCode: 'vneid_level2', residentId: first } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: at(4), refs: { target: applyA }, payload: { to: 'issued' } },
      { clientId: applyB, command: 'enrollment.apply', occurredAt: at(3), payload: { communeCode: commune.code, serviceCode: 'cccd', residentId: second } },
      { clientId: randomUUID(), command: 'enrollment.transition', occurredAt: at(4), refs: { target: applyB }, payload: { to: 'issued' } },
    ];
  }

  /** A held session in the household's village with ten walk-in attendees. */
  private trainingSession(number: number): SyncItem[] {
    const { commune, v } = this.commune(number);
    const session = randomUUID();
    const now = Date.now();
    const at = minutesAfter(now);
    return [
      {
        clientId: session,
        command: 'session.schedule',
        occurredAt: at(-60),
        payload: { communeCode: commune.code, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', venueName: 'Nhà văn hóa', villageId: commune.villageIds[v], startsAt: new Date(now - 2 * 3600000).toISOString(), endsAt: new Date(now - 3600000).toISOString(), capacity: 40, trainerMemberIds: [] },
      },
      { clientId: randomUUID(), command: 'attendance.record', occurredAt: at(0), refs: { target: session }, payload: { attendees: Array.from({ length: 10 }, (_, n) => ({ walkIn: { fullName: `Học viên ${this.nameTag} ${number}-${n}`, birthYear: 1970 + n }, outcome: n % 2 ? 'completed' : 'skill_check_passed' })) } },
      { clientId: randomUUID(), command: 'session.hold', occurredAt: at(0), refs: { target: session }, payload: {} },
    ];
  }

  /** One /sync upload; returns the created ids, or undefined when the batch was not accepted. */
  private async upload(service: 'registry' | 'enrollment' | 'training', items: SyncItem[]): Promise<Array<string | undefined> | undefined> {
    const started = performance.now();
    try {
      const { status, text } = await httpRequest(this.agent, `${this.plan.urls[service]}/sync`, this.plan.token, JSON.stringify({ items }));
      this.latencies[service].push(performance.now() - started);
      this.requests += 1;
      if (status !== 200) return this.fail(`${service} ${status}: ${text.slice(0, 200)}`);
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
