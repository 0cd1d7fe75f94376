import { randomUUID } from 'node:crypto';
import { EnrollmentOpenedV1, EnrollmentTransitionedV1, type EventEnvelope } from '@dtc/contracts';
import { CreateAppliedBatches1765100000001, CreateInbox1763900000001, CreateKnownCommunes1763900000003, CreateOutbox1763900000000, KnownCommunesOnboarded1764600000003, OutboxWriter, type MessagingService } from '@dtc/messaging';
import { CreateSyncResults1763900000002 } from '@dtc/offline-sync';
import { AuditLogByMonth1764700000600, CreateAuditLog1763900000600 } from '@dtc/persistence';
import type { Principal } from '@dtc/platform';
import { countStatements, migratedDataSource, newRunId, query, type MigratedSchema } from '@dtc/testkit';
import type { DataSource, EntityManager } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { CreateEnrollment1763900000300 } from '../migrations/1763900000300-create-enrollment';
import { StepReviews1764500000500 } from '../migrations/1764500000500-step-reviews';
import type { ApplyDto, EnrollmentView, TransitionDto } from './enrollments.dto';
import { EnrollmentsService } from './enrollments.service';

// Service level (real Postgres): an upload's applications and transitions applied at once (the
// sync engine's runMany) answer, store and publish what applying them one by one does, in a number
// of statements that does not grow with the run, and refuse the whole run when one item is refused.
const runId = newRunId();
const COMMUNE = '16279';
const OTHER_COMMUNE = '16280';
const VILLAGE = randomUUID();
const MIGRATIONS = [CreateOutbox1763900000000, CreateInbox1763900000001, CreateSyncResults1763900000002, CreateKnownCommunes1763900000003, CreateEnrollment1763900000300, CreateAuditLog1763900000600, StepReviews1764500000500, KnownCommunesOnboarded1764600000003, AuditLogByMonth1764700000600, CreateAppliedBatches1765100000001];
const agent: Principal = { subject: 'agent-16279', role: 'field_agent', communes: [COMMUNE] };
const TEAM = randomUUID();
const MEMBER = randomUUID();
const occurredAt = new Date('2026-11-30T02:00:00.000Z');

/** The subjects of one side of a comparison: the same kinds of subject, new ids. */
interface Subjects {
  adult: string;
  unknown: string;
  alreadyOpen: string;
  child: string;
  organisation: string;
}

describe('enrollment: applications and transitions at once (real Postgres, outbox)', () => {
  let database: MigratedSchema;
  let dataSource: DataSource;
  let enrollments: EnrollmentsService;

  beforeAll(async () => {
    database = await migratedDataSource(`t_${runId}_apply_many`, MIGRATIONS);
    dataSource = database.dataSource;
    enrollments = new EnrollmentsService(dataSource, { outbox: new OutboxWriter(`t-${runId}.`) } as unknown as MessagingService, new CatalogueService(dataSource));
    await dataSource.query("insert into known_communes (code, province_code, onboarded) values ($1, '38', true), ($2, '38', true)", [COMMUNE, OTHER_COMMUNE]);
  });

  afterAll(() => database?.drop());

  /** New subjects known from registry events (but one), one of them with an open cccd enrollment already. */
  async function subjects(): Promise<Subjects> {
    const made: Subjects = { adult: randomUUID(), unknown: randomUUID(), alreadyOpen: randomUUID(), child: randomUUID(), organisation: randomUUID() };
    await dataSource.query(
      `insert into known_residents (id, commune_code, household_id, village_id, sex, birth_year, birth_month)
       values ($1, $4, gen_random_uuid(), $5, 'female', 1980, 3), ($2, $4, gen_random_uuid(), $5, 'male', 1975, 11), ($3, $4, gen_random_uuid(), $5, 'male', 2019, 6)`,
      [made.adult, made.alreadyOpen, made.child, COMMUNE, VILLAGE],
    );
    await dataSource.query('insert into known_organisations (id, commune_code, village_id) values ($1, $2, $3)', [made.organisation, COMMUNE, VILLAGE]);
    await enrollments.apply({ communeCode: COMMUNE, serviceCode: 'cccd', residentId: made.alreadyOpen } as ApplyDto, agent, { occurredAt });
    return made;
  }

  /** Applications of every kind of outcome: created (resident, organisation, with a detail), held (unknown resident), existing. */
  function applications(of: Subjects): ApplyDto[] {
    return [
      { communeCode: COMMUNE, serviceCode: 'vneid_level2', residentId: of.adult, teamId: TEAM, memberId: MEMBER },
      { communeCode: COMMUNE, serviceCode: 'ehealth_book', residentId: of.unknown },
      { communeCode: COMMUNE, serviceCode: 'cccd', residentId: of.alreadyOpen },
      { communeCode: COMMUNE, serviceCode: 'org_eid', organisationId: of.organisation },
      { communeCode: COMMUNE, serviceCode: 'online_application', residentId: of.adult, detail: 'Đăng ký khai sinh' },
    ] as ApplyDto[];
  }

  /** A run through runMany as the sync engine does it: its work, then each item's finish, in one transaction. */
  async function atOnce<T>(run: (tx: EntityManager) => Promise<Array<{ body: object; finish?: () => Promise<void> }>>, statements: string[] = []): Promise<T[]> {
    return dataSource.transaction(async (tx) => {
      const counted = countStatements(tx, (sql) => statements.push(sql));
      const ran = await run(counted);
      for (const one of ran) await one.finish?.();
      return ran.map((one) => one.body as T);
    });
  }

  /** What the enrollments answered, stored and published, with ids and subjects replaced by their place (the two sides differ in them). */
  async function shapeOf(views: EnrollmentView[], of: Subjects) {
    const ids = views.map((view) => view.id);
    const subjectsInOrder: string[] = Object.values(of);
    const rows = await query<Record<string, unknown>>(
      `select id, commune_code, service_code, subject_type, subject_id, state, open, validation, detail, village_id, team_id, member_id, sex, birth_year, occurred_at, created_by, version
       from "${database.schema}".enrollments where id = any($1::uuid[])`,
      [ids],
    );
    const steps = await query<Record<string, unknown>>(
      `select enrollment_id, from_state, to_state, reason, team_id, member_id, occurred_at, actor from "${database.schema}".enrollment_steps where enrollment_id = any($1::uuid[]) order by id`,
      [ids],
    );
    const audit = await query<Record<string, unknown>>(`select entity_id, action, fields, actor from "${database.schema}".audit_log where entity_id = any($1::text[]) order by id`, [ids]);
    const events = await query<{ payload: string }>(`select payload from "${database.schema}".outbox where message_key = any($1::text[]) order by seq`, [ids]);
    const place = (id: unknown) => ids.indexOf(String(id));
    return {
      views: views.map(({ id, subjectId, recordedAt: _recordedAt, ...rest }) => ({ ...rest, id: place(id), subjectId: subjectsInOrder.indexOf(subjectId) })),
      rows: ids.map((id) => rows.find((row) => row['id'] === id)).map((row): Record<string, unknown> => ({ ...row, id: place(row?.['id']), subject_id: subjectsInOrder.indexOf(String(row?.['subject_id'])) })),
      steps: steps.map((step) => ({ ...step, enrollment_id: place(step['enrollment_id']) })),
      audit: audit.map((row) => ({ ...row, entity_id: place(row['entity_id']) })),
      events: events.map(({ payload }) => {
        const { type, subject, tenant, province, time, data } = JSON.parse(payload) as EventEnvelope<Record<string, unknown>>;
        const { enrollmentId, residentId, organisationId, recordedAt: _recordedAt, ...rest } = data;
        const shaped: Record<string, unknown> = { ...rest, enrollmentId: place(enrollmentId), subject: subjectsInOrder.indexOf(String(residentId ?? organisationId)) };
        return { type, subject: place(subject), tenant, province, time, data: shaped };
      }),
    };
  }

  it('applies a run as one by one does: created, held and existing answers, rows, steps, audit and events, in five statements', async () => {
    const oneByOne = await subjects();
    const alone: EnrollmentView[] = [];
    for (const input of applications(oneByOne)) {
      const { outcome: _outcome, ...view } = await enrollments.apply(input, agent, { occurredAt });
      alone.push(view);
    }

    const together = await subjects();
    const statements: string[] = [];
    const ran = await atOnce<EnrollmentView>((tx) => enrollments.applyMany(applications(together).map((payload) => ({ payload, target: '', context: { tx, occurredAt } })), agent, tx), statements);
    // The subject locks, the residents' and the organisations' reads, the open enrollment, the insert (steps, audit and events go later with the transaction's own statements).
    expect(statements.filter((sql) => !/^\s*insert into (enrollment_steps|audit_log|outbox)/.test(sql))).toHaveLength(5);
    expect(statements.filter((sql) => /insert into enrollments/.test(sql))).toHaveLength(1);

    const expected = await shapeOf(alone, oneByOne);
    const actual = await shapeOf(ran, together);
    expect(actual).toEqual(expected);
    // Both sides share the insert, so compare with what was asked too.
    expect(actual.views.map((view) => [view.serviceCode, view.subjectId, view.validation, view.state, view.teamId, view.memberId, view.detail])).toEqual([
      ['vneid_level2', 0, 'valid', 'registered', TEAM, MEMBER, null],
      ['ehealth_book', 1, 'pending_subject', 'registered', null, null, null],
      ['cccd', 2, 'valid', 'applied', null, null, null],
      ['org_eid', 4, 'valid', 'applied', null, null, null],
      ['online_application', 0, 'valid', 'submitted', null, null, 'Đăng ký khai sinh'],
    ]);
    // The open cccd enrollment published its opening before the run.
    expect(actual.events.map((event) => [event.type, event.subject])).toEqual([
      [EnrollmentOpenedV1.type, 2],
      [EnrollmentOpenedV1.type, 0],
      [EnrollmentOpenedV1.type, 3],
      [EnrollmentOpenedV1.type, 4],
    ]);
    expect(actual.rows.map((row) => [row['occurred_at'], row['created_by'], row['village_id'], row['sex'], row['birth_year']])).toEqual([
      [occurredAt, agent.subject, VILLAGE, 'female', 1980],
      [occurredAt, agent.subject, null, null, null],
      [occurredAt, agent.subject, VILLAGE, 'male', 1975],
      [occurredAt, agent.subject, VILLAGE, null, null],
      [occurredAt, agent.subject, VILLAGE, 'female', 1980],
    ]);
  });

  it('moves a run as one by one does, locking only the enrollments it does not hold, with one update', async () => {
    const plan = async () => {
      const of = await subjects();
      const opened: EnrollmentView[] = [];
      for (const input of applications(of)) opened.push(await enrollments.apply(input, agent, { occurredAt }));
      const changes: Array<[number, TransitionDto]> = [
        [0, { to: 'issued', teamId: TEAM } as TransitionDto],
        [1, { to: 'activated', memberId: MEMBER } as TransitionDto],
        [2, { to: 'rejected', reason: 'Sai thông tin' } as TransitionDto],
        [3, { to: 'issued', version: 1 } as TransitionDto],
      ];
      return { of, changes: changes.map(([n, input]) => ({ id: opened[n].id, input })) };
    };
    const oneByOne = await plan();
    const alone: EnrollmentView[] = [];
    for (const { id, input } of oneByOne.changes) alone.push(await enrollments.transition(id, input, agent, { occurredAt }));

    const together = await plan();
    const statements: string[] = [];
    const ran = await atOnce<EnrollmentView>((tx) => enrollments.transitionMany(together.changes.map(({ id, input }) => ({ payload: input, target: id, context: { tx, occurredAt } })), agent, tx), statements);
    expect(statements.filter((sql) => /for update/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /update enrollments/.test(sql))).toHaveLength(1);

    const expected = await shapeOf(alone, oneByOne.of);
    const actual = await shapeOf(ran, together.of);
    expect(actual).toEqual(expected);
    expect(actual.views.map((view) => [view.state, view.open, view.version, view.teamId, view.memberId])).toEqual([
      ['issued', true, 2, TEAM, MEMBER],
      ['activated', false, 2, null, MEMBER],
      ['rejected', false, 2, null, null],
      ['issued', false, 2, null, null],
    ]);
    // The held enrollment moves without an event until its resident is known; the others publish theirs.
    expect(actual.events.filter((event) => event.type === EnrollmentTransitionedV1.type).map((event) => [event.subject, event.data['from'], event.data['to']])).toEqual([
      [0, 'registered', 'issued'],
      [2, 'applied', 'rejected'],
      [3, 'applied', 'issued'],
    ]);
  });

  it('refuses the whole run when one item is refused, writing nothing', async () => {
    const of = await subjects();
    const count = async () => (await query<{ n: number }>(`select count(*)::int as n from "${database.schema}".enrollments`))[0].n;
    const before = await count();
    const apply = (inputs: ApplyDto[]) => atOnce((tx) => enrollments.applyMany(inputs.map((payload) => ({ payload, target: '', context: { tx, occurredAt } })), agent, tx));
    const good = { communeCode: COMMUNE, serviceCode: 'vneid_level2', residentId: of.adult } as ApplyDto;
    await expect(apply([good, { communeCode: COMMUNE, serviceCode: 'vneid_level2', residentId: of.child } as ApplyDto])).rejects.toMatchObject({ status: 422 });
    await expect(apply([good, { communeCode: OTHER_COMMUNE, serviceCode: 'vneid_level2', residentId: randomUUID() } as ApplyDto])).rejects.toMatchObject({ status: 403 });
    await expect(apply([good, { communeCode: COMMUNE, serviceCode: 'no_such_service', residentId: of.adult } as ApplyDto])).rejects.toMatchObject({ status: 422 });
    expect(await count()).toBe(before);

    const [open] = await atOnce<EnrollmentView>((tx) => enrollments.applyMany([{ payload: good, target: '', context: { tx, occurredAt } }], agent, tx));
    const move = (changes: Array<[string, TransitionDto]>) => atOnce((tx) => enrollments.transitionMany(changes.map(([target, payload]) => ({ payload, target, context: { tx, occurredAt } })), agent, tx));
    await expect(move([[open.id, { to: 'issued' } as TransitionDto], [randomUUID(), { to: 'issued' } as TransitionDto]])).rejects.toMatchObject({ status: 404 });
    await expect(move([[open.id, { to: 'activated' } as TransitionDto]])).rejects.toMatchObject({ status: 409 });
    await expect(move([[open.id, { to: 'rejected' } as TransitionDto]])).rejects.toMatchObject({ status: 422 });
    await expect(move([[open.id, { to: 'issued' } as TransitionDto], [open.id, { to: 'activated' } as TransitionDto]])).rejects.toThrow('twice');
    const [row] = await query<{ state: string; version: number }>(`select state, version from "${database.schema}".enrollments where id = $1`, [open.id]);
    expect(row).toEqual({ state: 'registered', version: 1 });
  });
});
