import { createEvent, HouseholdRegisteredV1, TeamFormedV1, type EventEnvelope } from '@dtc/contracts';
import { deadLetterTopic } from '@dtc/messaging';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, publish, query, testToken } from '@dtc/testkit';
import { randomUUID } from 'node:crypto';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { activeProjectionSchema, startServices, type RunningService } from '../../support/services';

// Anyone who can write to the broker could once move a commune to another province by sending an
// event with that province in its envelope. Consumers now take a commune's province only from the
// registry's CommuneOnboardedV1; a contradicting event is dead-lettered, counted and alerted on.
const runId = newRunId();
const prefix = `t-${runId}.`;
const commune = '61001';
const [A, B] = ['38', '39'];
const agent = testToken({ sub: 'agent-61001', role: 'field_agent', communes: [commune] });
const officerA = testToken({ sub: 'officer-38', role: 'province_officer', province: A });
const officerB = testToken({ sub: 'officer-39', role: 'province_officer', province: B });

describe('a forged event cannot move a commune to another province', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;
  const schemas: Record<string, string> = {};
  const forgedHousehold = randomUUID();
  const forgedTeam = randomUUID();
  let forged: EventEnvelope[] = [];

  const knownProvince = async (schema: string) =>
    (await query<{ province: string; onboarded: boolean }>(`select province_code as province, onboarded from "${schema}".known_communes where code = $1`, [commune]))[0];
  const householdsReport = (token: string) => request('GET', `${services.reporting.url}/communes/${commune}/households-by-village`, token);

  beforeAll(async () => {
    ({ services, stop } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']));
    await onboardCommune(services['household-registry'].url, commune, A, ['THON-1']);
    schemas.enrollment = services.enrollment.schema;
    schemas.training = services.training.schema;
    schemas.reporting = await activeProjectionSchema(services.reporting);
    // Every consumer has taken in the registry's onboarding before the forgery is sent.
    await eventually(async () => {
      for (const schema of Object.values(schemas)) expect(await knownProvince(schema)).toEqual({ province: A, onboarded: true });
    }, { timeoutMs: 60000 });

    // A well-formed registry event and a training event for the commune, each claiming province B.
    const origin = (subject: string) => ({ tenant: commune, province: B, subject, time: new Date() });
    forged = [
      createEvent(HouseholdRegisteredV1, origin(forgedHousehold), { ...HouseholdRegisteredV1.example, householdId: forgedHousehold, occurredAt: new Date().toISOString() }),
      createEvent(TeamFormedV1, origin(forgedTeam), { ...TeamFormedV1.example, teamId: forgedTeam, occurredAt: new Date().toISOString() }),
    ];
    await publish(prefix, forged);
  }, 180000);

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it("dead-letters it in every consumer of its stream, with the reason, and counts it in events_rejected_total", async () => {
    const [household, team] = forged;
    const expected: Array<[service: string, consumer: string, eventId: string]> = [
      ['enrollment', 'enrollment-registry-read-model', household.id],
      ['training', 'training-registry-read-model', household.id],
      ['reporting', 'reporting-projections', household.id],
      ['reporting', 'reporting-projections', team.id],
      ['household-registry', 'registry-field-read-model', team.id],
      // The integrators' province feeds: a forgery must not reach province B's feed.
      ['reporting', 'reporting-province-feed', household.id],
      ['reporting', 'reporting-province-feed', team.id],
    ];
    for (const consumer of new Set(expected.map(([, name]) => name))) {
      const dead = await collectTopic(deadLetterTopic(prefix, consumer), `${prefix}probe-${randomUUID()}`);
      try {
        const ids = expected.filter(([, name]) => name === consumer).map(([, , id]) => id);
        await eventually(() => {
          const mine = dead.messages.filter((m) => ids.includes(JSON.parse(m.message.value!.toString()).id));
          expect(mine.map((m) => m.message.headers?.['dlt-reason']?.toString()).sort()).toEqual(ids.map(() => 'province_mismatch'));
          expect(mine[0].message.headers?.['dlt-error']?.toString()).toContain(`onboarded in province ${A}`);
        }, { timeoutMs: 60000 });
      } finally {
        await dead.stop();
      }
    }
    for (const [service, consumer] of expected) {
      const count = expected.filter(([s, c]) => s === service && c === consumer).length;
      await eventually(async () => {
        const metrics = (await request<string>('GET', `${services[service].url}/metrics`)).body;
        const sample = new RegExp(`^events_rejected_total\\{[^}]*consumer="${consumer}"[^}]*reason="province_mismatch"[^}]*\\} (\\d+)`, 'm').exec(metrics);
        expect(Number(sample?.[1])).toBe(count);
      });
    }
  });

  it('keeps the commune in its province in every read model and applies nothing of the forgery', async () => {
    for (const schema of Object.values(schemas)) expect(await knownProvince(schema)).toEqual({ province: A, onboarded: true });
    const [{ province }] = await query<{ province: string }>(`select province_code as province from "${services['household-registry'].schema}".communes where code = $1`, [commune]);
    expect(province).toBe(A);
    expect(await query(`select 1 from "${schemas.training}".known_households where id = $1`, [forgedHousehold])).toEqual([]);
    expect(await query(`select 1 from "${services['household-registry'].schema}".field_teams where team_id = $1`, [forgedTeam])).toEqual([]);
    expect(await query(`select 1 from (select unnest(event_ids) as id from "${schemas.reporting}".applied_batches) applied where id = any($1::uuid[])`, [forged.map((event) => event.id)])).toEqual([]);
    expect(await query(`select province_code from "${services.reporting.schema}".province_feed where event_id = any($1::uuid[])`, [forged.map((event) => event.id)])).toEqual([]);
    expect(await knownProvince(services.reporting.schema)).toEqual({ province: A, onboarded: true });
  });

  it("still shows the commune to its own province's officer only, and keeps applying the commune's real events", async () => {
    const created = await request<{ id: string }>('POST', `${services['household-registry'].url}/households`, agent, householdBody(commune, 'THON-1'));
    expect(created.status).toBe(201);
    await eventually(async () => {
      const report = await householdsReport(officerA);
      expect(report.status).toBe(200);
      expect((report.body as { totalHouseholds: number }).totalHouseholds).toBe(1);
    });
    expect((await householdsReport(officerB)).status).toBe(404);
  });
});
