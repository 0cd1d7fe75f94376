import { randomUUID } from 'node:crypto';
import { EnrollmentOpenedV1, EnrollmentTransitionedV1 } from '@dtc/contracts';
import { CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, CreateOutbox1763900000000, KnownCommunesOnboarded1764600000003, OutboxWriter, type MessagingService } from '@dtc/messaging';
import { CreateSyncResults1763900000002, SyncResultsDevice1764500000550 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, CreateAuditLog1763900000600 } from '@dtc/persistence';
import type { MetricsService, Principal } from '@dtc/platform';
import { migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import { CatalogueService } from '../catalogue/catalogue.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CreateEnrollment1763900000300 } from '../migrations/1763900000300-create-enrollment';
import { StepReviews1764500000500 } from '../migrations/1764500000500-step-reviews';
import { SyncController } from './sync.controller';

// Integration (real Postgres): a phone uploads each resident's applications with their next steps
// (apply, transition, apply, transition). The enrollment service applies a group's applications in
// one run and then its transitions in another, and answers and publishes as in the upload's order;
// an application for a subject whose enrollment an earlier item closes stays after that item.
const runId = newRunId();
const COMMUNE = '16279';
const VILLAGE = randomUUID();
const MIGRATIONS = [
  CreateOutbox1763900000000,
  CreateInbox1763900000001,
  CreateSyncResults1763900000002,
  CreateKnownCommunes1763900000003,
  CreateEnrollment1763900000300,
  CreateAuditLog1763900000600,
  StepReviews1764500000500,
  SyncResultsDevice1764500000550,
  KnownCommunesOnboarded1764600000003,
  AuditLogByMonth1764700000600,
  CreateAppliedBatches1765100000001,
];
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };
const at = '2026-11-30T02:00:00.000Z';

describe('enrollment: an upload group applied in runs of each command (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let sync: SyncController;
  /** The size of each run each runMany was given, by command. */
  const runs: Record<string, number[]> = { applications: [], transitions: [] };
  const outcomes: string[] = [];

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_enrollment_runs`, MIGRATIONS);
    const enrollments = new EnrollmentsService(database.dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService, new CatalogueService(database.dataSource));
    const counted = <K extends 'applyMany' | 'transitionMany'>(method: K, into: number[]) => {
      const original = enrollments[method].bind(enrollments) as (...args: unknown[]) => unknown;
      enrollments[method] = ((items: unknown[], ...rest: unknown[]) => (into.push(items.length), original(items, ...rest))) as EnrollmentsService[K];
    };
    counted('applyMany', runs.applications);
    counted('transitionMany', runs.transitions);
    const metrics = { counter: () => ({ inc: ({ outcome }: { outcome: string }) => outcomes.push(outcome) }) } as unknown as MetricsService;
    sync = new SyncController(database.dataSource, enrollments, metrics);
    await database.dataSource.query("insert into known_communes (code, province_code, onboarded) values ($1, '38', true)", [COMMUNE]);
  });

  afterAll(() => database?.drop());

  async function knownAdults(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await database.dataSource.query(
      `insert into known_residents (id, commune_code, household_id, village_id, sex, birth_year, birth_month)
       select id, $2, gen_random_uuid(), $3, 'female', 1985, 5 from unnest($1::uuid[]) as id`,
      [ids, COMMUNE, VILLAGE],
    );
    return ids;
  }

  const apply = (serviceCode: string, residentId: string) => ({ clientId: randomUUID() as string, command: 'enrollment.apply', occurredAt: at, payload: { communeCode: COMMUNE, serviceCode, residentId } });
  const transition = (of: { clientId: string }, payload: Record<string, unknown>) => ({ clientId: randomUUID() as string, command: 'enrollment.transition', occurredAt: at, refs: { target: of.clientId }, payload });
  const reset = () => {
    runs.applications.length = 0;
    runs.transitions.length = 0;
    outcomes.length = 0;
  };

  it("applies a group's applications in one run and their transitions in another, answering and publishing in upload order", async () => {
    const residents = await knownAdults(3);
    const items = residents.flatMap((residentId) => {
      const [vneid, cccd] = [apply('vneid_level2', residentId), apply('cccd', residentId)];
      return [vneid, transition(vneid, { to: 'issued' }), cccd, transition(cccd, { to: 'issued' })];
    });
    reset();
    const results = await sync.upload({ items } as never, agent, undefined, undefined);
    expect(outcomes).toEqual(['together']);
    expect(runs).toEqual({ applications: [6], transitions: [6] });
    expect(results.results.map((result) => [result.clientId, result.status])).toEqual(items.map((item) => [item.clientId, item.command === 'enrollment.apply' ? 201 : 200]));

    // Each transition answers with the enrollment its item referred to, moved.
    const enrollmentOf = new Map(items.flatMap((item, n) => (item.command === 'enrollment.apply' ? [[item.clientId, (results.results[n].body as { id: string }).id]] : [])));
    expect(new Set(enrollmentOf.values()).size).toBe(6);
    items.forEach((item, n) => {
      const ref = (item as { refs?: { target: string } }).refs;
      if (ref) expect(results.results[n].body).toMatchObject({ id: enrollmentOf.get(ref.target), state: 'issued', version: 2 });
    });

    // Per enrollment, its opening comes before its transition; the audit rows name their items.
    const events = await query<{ key: string; type: string }>(`select message_key as key, event_type as type from "${database.schema}".outbox order by seq`);
    for (const id of enrollmentOf.values()) expect(events.filter((event) => event.key === id).map((event) => event.type)).toEqual([EnrollmentOpenedV1.type, EnrollmentTransitionedV1.type]);
    const audit = await query<{ sync_client_id: string; action: string }>(`select sync_client_id, action from "${database.schema}".audit_log where sync_client_id = any($1::uuid[])`, [items.map((item) => item.clientId)]);
    expect(new Map(audit.map((row) => [row.sync_client_id, row.action]))).toEqual(new Map(items.map((item) => [item.clientId, item.command === 'enrollment.apply' ? 'apply' : 'transition'])));

    // A retried upload replays every answer.
    reset();
    const replayed = await sync.upload({ items } as never, agent, undefined, undefined);
    expect(replayed.results.map((result) => [result.status, result.replayed])).toEqual(results.results.map((result) => [result.status, true]));
  });

  it('keeps an application after the item that closes its subject’s enrollment: it opens a new one, as in upload order', async () => {
    const [first, second] = await knownAdults(2);
    const opening = apply('vneid_level2', first);
    const again = apply('vneid_level2', first);
    const items = [opening, transition(opening, { to: 'rejected', reason: 'Sai ảnh' }), again, apply('vneid_level2', second)];
    reset();
    const { results } = await sync.upload({ items } as never, agent, undefined, undefined);
    expect(outcomes).toEqual(['together']);
    // The first application goes alone: the second one for its subject may not pass the rejection.
    expect(runs).toEqual({ applications: [2], transitions: [] });
    expect(results.map((result) => result.status)).toEqual([201, 200, 201, 201]);
    const [opened, rejected, reopened] = results.map((result) => result.body as { id: string; state: string; open: boolean });
    expect(rejected).toMatchObject({ id: opened.id, state: 'rejected', open: false });
    expect(reopened.id).not.toBe(opened.id);
    expect(reopened).toMatchObject({ state: 'registered', open: true });
  });
});
