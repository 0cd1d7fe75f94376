import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { createEvent, EnrollmentOpenedV1, EnrollmentTransitionedV1, type EventEnvelope } from '@dtc/contracts';
import { knownProvinceOf, MessagingService } from '@dtc/messaging';
import { inTransaction, type RanItem, type SyncItemToRun, type WriteContext } from '@dtc/offline-sync';
import { appendRows, deferInserts, flushDeferredInserts, memoPerTransaction, recordAudit, writtenFields } from '@dtc/persistence';
import { assertCommuneAccess, canAccessCommune, pageOf, type Page, type Principal, assertVersion, resolveOccurredAt, unprocessable, vietnamDay } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogueService, type ServiceRow } from '../catalogue/catalogue.service';
import { ageOn, allowedTransitions, initialState, isFinal, REJECTED } from '../catalogue/lifecycle';
import { lockSubjects } from '../read-model/registry-read-model';
import { STEPS_LISTED_RETURNED, type ApplyDto, type EnrollmentQuery, type EnrollmentView, type ObstacleDto, type PendingQuery, type ReturnedStepsQuery, type ReturnedStepsView, type StepView, type TransitionDto } from './enrollments.dto';

export interface EnrollmentRow {
  id: string;
  commune_code: string;
  service_code: string;
  subject_type: 'resident' | 'organisation';
  subject_id: string;
  state: string;
  open: boolean;
  validation: 'valid' | 'pending_subject' | 'ineligible';
  detail: string | null;
  village_id: string | null;
  team_id: string | null;
  member_id: string | null;
  sex: 'male' | 'female' | null;
  birth_year: number | null;
  occurred_at: Date;
  recorded_at: Date;
  version: number;
}

interface StepRow {
  id: string;
  enrollment_id: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  obstacle: string | null;
  team_id: string | null;
  member_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
  actor: string;
  review_verdict: 'verified' | 'returned' | null;
  review_reason: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
}

/**
 * Enrollments a transaction inserted or locked for update, as its own writes left them (apply and
 * transition take the row from RETURNING; no other sync command changes the row). No other
 * transaction can change them before this one commits, so an upload's transition of an enrollment
 * it applied, or moved before, reads nothing.
 */
const enrollmentsHeld = memoPerTransaction<EnrollmentRow>('enrollment.rows');

/** Where enrollment keeps what registry events said of each kind of subject, and what it reads of it. */
const SUBJECT_TABLES = { resident: 'known_residents', organisation: 'known_organisations' } as const;
const SUBJECT_COLUMNS = { resident: 'commune_code, village_id, sex, birth_year, birth_month, status', organisation: 'commune_code, village_id' } as const;

interface Subject {
  commune_code: string;
  village_id: string;
  sex?: 'male' | 'female';
  birth_year?: number;
  birth_month?: number;
  status?: string;
}


export type ApplyOutcome = EnrollmentView & { outcome: 'created' | 'existing' | 'pending' };

/** An application checked against its commune and service (see EnrollmentsService.application). */
interface Application {
  input: ApplyDto;
  occurredAt: Date;
  province: string | undefined;
  service: ServiceRow;
  subjectId: string;
  correlationId?: string;
}

/** An application to open as a new enrollment, with its subject when registry events told of it. */
interface NewEnrollment {
  kind: 'new';
  application: Application;
  subject?: Subject;
  id: string;
}

/** An application opened as a new enrollment, and the view it answers with. */
interface CreatedEnrollment {
  kind: 'created';
  application: Application;
  subject?: Subject;
  row: EnrollmentRow;
  answer: ApplyOutcome;
}

/** How an application was answered: by the subject's open enrollment, or by a new one. */
type Opening = { kind: 'existing'; answer: ApplyOutcome } | CreatedEnrollment;

/** A transition asked of an enrollment. */
interface Change {
  id: string;
  input: TransitionDto;
  occurredAt: Date;
  correlationId?: string;
}

/** A transition applied: the state it left, the row as updated and the view it answers with. */
interface Moved {
  change: Change;
  from: string;
  row: EnrollmentRow;
  view: EnrollmentView;
}

/** Pending enrollments are validated by the registry-events consumer, not by a caller. */
const ELIGIBILITY_ACTOR = { subject: 'system:eligibility' };

@Injectable()
export class EnrollmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
    private readonly catalogue: CatalogueService,
  ) {}

  /**
   * Opens an enrollment, or returns the open one for the same subject and service. When the
   * subject is not yet known from registry events (offline phones), it is held as pending and
   * validated when the event arrives; nothing is published until then.
   */
  async apply(input: ApplyDto, principal: Principal, context: WriteContext = {}): Promise<ApplyOutcome> {
    const occurredAt = resolveOccurredAt('occurredAt', input.occurredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const [opening] = await this.openEnrollments(tx, [await this.application(tx, input, principal, occurredAt, context)], principal);
      if (opening.kind === 'existing') return opening.answer;
      await this.recordOpened(tx, principal, opening);
      return opening.answer;
    });
  }

  /**
   * An upload's run of applications at once (the sync engine's runMany): one lock statement, one
   * read of their subjects and open enrollments, one insert. The engine keeps two applications
   * for one subject and service out of a run (subjectOf in the sync controller), so none of them
   * can decide another's outcome.
   */
  async applyMany(items: ReadonlyArray<SyncItemToRun<ApplyDto>>, principal: Principal, tx: EntityManager): Promise<RanItem[]> {
    const applications: Application[] = [];
    for (const { payload, context } of items) applications.push(await this.application(tx, payload, principal, resolveOccurredAt('occurredAt', payload.occurredAt, context.occurredAt), context));
    const openings = await this.openEnrollments(tx, applications, principal);
    return openings.map((opening) => {
      const { outcome: _outcome, ...body } = opening.answer;
      return { body, finish: opening.kind === 'created' ? () => this.recordOpened(tx, principal, opening) : undefined };
    });
  }

  /** What an application asks, checked before anything is locked: the commune, the service, the subject. */
  private async application(tx: EntityManager, input: ApplyDto, principal: Principal, occurredAt: Date, context: WriteContext): Promise<Application> {
    const province = await knownProvinceOf(tx, input.communeCode);
    assertCommuneAccess(principal, input.communeCode, province);
    const service = await this.catalogue.find(tx, input.serviceCode).catch(() => {
      throw unprocessable('serviceCode', 'unknown service');
    });
    if (service.province_code && province && service.province_code !== province) throw unprocessable('serviceCode', `only offered in province ${service.province_code}`);
    const subjectId = service.subject === 'organisation' ? input.organisationId : input.residentId;
    if (!subjectId) throw unprocessable(service.subject === 'organisation' ? 'organisationId' : 'residentId', `${service.code} enrolls ${service.subject}s`);
    if (service.detail_label && !input.detail) throw unprocessable('detail', `say which ${service.detail_label}`);
    return { input, occurredAt, province, service, subjectId, correlationId: context.correlationId };
  }

  /**
   * Each application answered by its subject's open enrollment in the service, or opened: the
   * subjects locked (a concurrent application for one waits), their open enrollments and what
   * registry events said of them read with one statement per subject type, the new rows inserted
   * with one statement. Eligibility is checked only when the subject is known.
   */
  private async openEnrollments(tx: EntityManager, applications: readonly Application[], principal: Principal): Promise<Opening[]> {
    await lockSubjects(tx, applications.map(({ subjectId }) => subjectId));
    const found = await this.subjectsUnlessOpen(tx, applications);
    const openIds = found.flatMap(({ openEnrollmentId }) => (openEnrollmentId ? [openEnrollmentId] : []));
    const open = new Map<string, EnrollmentRow>();
    if (openIds.length > 0) for (const row of (await tx.query('select * from enrollments where id = any($1::uuid[])', [openIds])) as EnrollmentRow[]) open.set(row.id, row);

    const openings: Array<Opening | NewEnrollment> = applications.map((application, n) => {
      const { openEnrollmentId, subject } = found[n];
      const { input, service, occurredAt } = application;
      if (openEnrollmentId) {
        const existing = sameCommune(open.get(openEnrollmentId)!, input.communeCode, service);
        return { kind: 'existing', answer: { ...this.toView(existing, service), outcome: 'existing' } };
      }
      if (subject) this.assertEligible(service, subject, input.communeCode, occurredAt);
      return { kind: 'new', application, subject, id: randomUUID() };
    });
    const fresh = openings.filter((opening): opening is NewEnrollment => opening.kind === 'new');
    const inserted = await this.insertEnrollments(tx, fresh, principal);
    const answered: Opening[] = [];
    for (const opening of openings) {
      if (opening.kind !== 'new') {
        answered.push(opening);
        continue;
      }
      const { application, subject, id } = opening;
      const row = inserted.get(id);
      if (!row) {
        // A concurrent application for the same subject and service won: answer with that one.
        const winner = await this.openEnrollment(tx, application.service.code, application.subjectId);
        if (!winner) throw new ConflictException({ message: 'Another application for this subject and service was being recorded; try again' });
        answered.push({ kind: 'existing', answer: { ...this.toView(sameCommune(winner, application.input.communeCode, application.service), application.service), outcome: 'existing' } });
        continue;
      }
      enrollmentsHeld(tx).set(id, row);
      answered.push({ kind: 'created', application, subject, row, answer: { ...this.toView(row, application.service), outcome: subject ? 'created' : 'pending' } });
    }
    return answered;
  }

  /** New enrollments in one statement; a subject that has an open one in the service meanwhile is left out (see openEnrollments). */
  private async insertEnrollments(tx: EntityManager, fresh: readonly NewEnrollment[], principal: Principal): Promise<Map<string, EnrollmentRow>> {
    if (fresh.length === 0) return new Map();
    const rows: EnrollmentRow[] = await tx.query(
      `insert into enrollments (id, commune_code, service_code, subject_type, subject_id, state, validation, detail, village_id, team_id, member_id, sex, birth_year, occurred_at, created_by)
       select id, commune_code, service_code, subject_type, subject_id, state, validation, detail, village_id, team_id, member_id, sex, birth_year, occurred_at, $15
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::uuid[], $11::uuid[], $12::text[], $13::int[], $14::timestamptz[])
         as new (id, commune_code, service_code, subject_type, subject_id, state, validation, detail, village_id, team_id, member_id, sex, birth_year, occurred_at)
       on conflict (service_code, subject_id) where open do nothing returning *`,
      [
        fresh.map(({ id }) => id),
        fresh.map(({ application }) => application.input.communeCode),
        fresh.map(({ application }) => application.service.code),
        fresh.map(({ application }) => application.service.subject),
        fresh.map(({ application }) => application.subjectId),
        fresh.map(({ application }) => initialState(application.service)),
        fresh.map(({ subject }) => (subject ? 'valid' : 'pending_subject')),
        fresh.map(({ application }) => application.input.detail ?? null),
        fresh.map(({ subject }) => subject?.village_id ?? null),
        fresh.map(({ application }) => application.input.teamId ?? null),
        fresh.map(({ application }) => application.input.memberId ?? null),
        fresh.map(({ subject }) => subject?.sex ?? null),
        fresh.map(({ subject }) => subject?.birth_year ?? null),
        fresh.map(({ application }) => application.occurredAt),
        principal.subject,
      ],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** A new enrollment's first step, its audit row and, when its subject is known, its event. */
  private async recordOpened(tx: EntityManager, principal: Principal, { application, subject, row }: CreatedEnrollment): Promise<void> {
    const { input, service, occurredAt, province, correlationId } = application;
    await this.addStep(tx, row.id, { from: null, to: initialState(service), teamId: input.teamId, memberId: input.memberId, occurredAt, actor: principal.subject });
    await recordAudit(tx, principal, { communeCode: input.communeCode, action: 'apply', entity: 'enrollment', entityId: row.id, fields: writtenFields(input) });
    if (subject) await this.messaging.outbox.append(tx, [this.openedEvent(row, province ?? '', correlationId)]);
  }

  async transition(id: string, input: TransitionDto, principal: Principal, context: WriteContext = {}): Promise<EnrollmentView> {
    const occurredAt = resolveOccurredAt('occurredAt', input.occurredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const [moved] = await this.moveEnrollments(tx, [{ id, input, occurredAt, correlationId: context.correlationId }], principal);
      await this.recordMoved(tx, principal, moved);
      return moved.view;
    });
  }

  /**
   * An upload's run of transitions at once (the sync engine's runMany): the enrollments it does not
   * hold already locked with one statement, moved with one update. The engine keeps two transitions
   * of one enrollment out of a run (subjectOf); one named both by its id and by an item's ref is
   * refused here, and the engine then applies the group item by item.
   */
  async transitionMany(items: ReadonlyArray<SyncItemToRun<TransitionDto>>, principal: Principal, tx: EntityManager): Promise<RanItem[]> {
    if (new Set(items.map(({ target }) => target)).size < items.length) throw new Error('a run moves one enrollment twice');
    const changes = items.map(({ payload, target, context }) => ({ id: target, input: payload, occurredAt: resolveOccurredAt('occurredAt', payload.occurredAt, context.occurredAt), correlationId: context.correlationId }));
    const moved = await this.moveEnrollments(tx, changes, principal);
    return moved.map((one) => ({ body: one.view, finish: () => this.recordMoved(tx, principal, one) }));
  }

  /** Locks the enrollments, checks each change against its lifecycle, and applies them with one update. */
  private async moveEnrollments(tx: EntityManager, changes: readonly Change[], principal: Principal): Promise<Moved[]> {
    const locked = await this.lockAllForWrite(tx, changes.map(({ id }) => id), principal);
    const checked = changes.map((change, n) => {
      const { row, service } = locked[n];
      const { input } = change;
      if (input.version !== undefined) assertVersion('Enrollment', input.version, row.version);
      const allowed = allowedTransitions(service, row.state);
      if (!allowed.includes(input.to)) {
        throw new ConflictException({ message: `Cannot go from ${row.state} to ${input.to}`, currentState: row.state, allowedTransitions: allowed });
      }
      if (input.to === REJECTED && !input.reason) throw unprocessable('reason', 'a rejection needs a reason');
      return { change, from: row, service };
    });
    // An update's query answers [rows, rowCount]; the rows as updated are what the events and views need.
    const [updated]: [EnrollmentRow[], number] = await tx.query(
      `update enrollments e set state = v.state, open = v.open, version = e.version + 1, updated_at = now(), team_id = coalesce(v.team_id, e.team_id), member_id = coalesce(v.member_id, e.member_id)
       from unnest($1::uuid[], $2::text[], $3::boolean[], $4::uuid[], $5::uuid[]) as v (id, state, open, team_id, member_id) where e.id = v.id returning e.*`,
      [
        checked.map(({ change }) => change.id),
        checked.map(({ change }) => change.input.to),
        checked.map(({ change, service }) => !isFinal(service, change.input.to)),
        checked.map(({ change }) => change.input.teamId ?? null),
        checked.map(({ change }) => change.input.memberId ?? null),
      ],
    );
    const byId = new Map(updated.map((row) => [row.id, row]));
    return checked.map(({ change, from, service }) => {
      const row = byId.get(change.id)!;
      enrollmentsHeld(tx).set(row.id, row);
      return { change, from: from.state, row, view: this.toView(row, service) };
    });
  }

  /** A transition's step, its audit row and, when the enrollment is valid, its event. */
  private async recordMoved(tx: EntityManager, principal: Principal, { change, from, row }: Moved): Promise<void> {
    const { input, occurredAt, correlationId } = change;
    await this.addStep(tx, row.id, { from, to: input.to, reason: input.reason, teamId: input.teamId, memberId: input.memberId, occurredAt, actor: principal.subject });
    await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'transition', entity: 'enrollment', entityId: row.id, fields: writtenFields(input) });
    if (row.validation === 'valid') {
      const province = (await knownProvinceOf(tx, row.commune_code)) ?? '';
      await this.messaging.outbox.append(tx, [this.transitionedEvent(row, { from, to: input.to, reason: input.reason, occurredAt, recordedAt: new Date() }, province, correlationId)]);
    }
  }

  /** A step could not be done (no smartphone, no signal, ...): recorded, state unchanged. */
  async recordObstacle(id: string, input: ObstacleDto, principal: Principal, context: WriteContext = {}): Promise<EnrollmentView> {
    const occurredAt = resolveOccurredAt('occurredAt', input.occurredAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, service } = await this.lockForWrite(tx, id, principal);
      if (!row.open) throw new ConflictException({ message: `The enrollment is already ${row.state}`, currentState: row.state });
      await this.addStep(tx, id, { from: null, to: null, obstacle: input.obstacle, reason: input.note, occurredAt, actor: principal.subject });
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'record-obstacle', entity: 'enrollment', entityId: id, fields: writtenFields(input) });
      return this.toView(row, service);
    });
  }

  /**
   * Called by the registry-events consumer, in its transaction, when subjects become known:
   * pending enrollments are validated, and valid ones publish their whole history in order.
   * Set-based: the subjects, the validation, the steps and the audit and outbox rows take one
   * statement each for the whole batch, not one per enrollment (an evening's upload releases
   * thousands at once).
   */
  async validatePending(tx: EntityManager, subjectIds: string[]): Promise<number> {
    if (subjectIds.length === 0) return 0;
    const pending: EnrollmentRow[] = await tx.query("select * from enrollments where validation = 'pending_subject' and subject_id = any($1::uuid[]) order by recorded_at, id for update", [subjectIds]);
    if (pending.length === 0) return 0;
    deferInserts(tx);
    const subjects = await this.subjects(tx, pending);
    const valid: Array<{ row: EnrollmentRow; subject: Subject }> = [];
    for (const row of pending) {
      const subject = subjects.get(row.subject_id);
      if (!subject) continue;
      const service = await this.catalogue.find(tx, row.service_code);
      const problem = eligibilityProblem(service, subject, row.commune_code, new Date(row.occurred_at));
      if (problem) {
        await tx.query("update enrollments set validation = 'ineligible', state = $2, open = false, version = version + 1, updated_at = now() where id = $1", [row.id, REJECTED]);
        await this.addStep(tx, row.id, { from: row.state, to: REJECTED, reason: `not eligible: ${problem}`, occurredAt: new Date(), actor: ELIGIBILITY_ACTOR.subject });
        await recordAudit(tx, ELIGIBILITY_ACTOR, { communeCode: row.commune_code, action: 'reject-ineligible', entity: 'enrollment', entityId: row.id, fields: ['validation', 'state'] });
        continue;
      }
      valid.push({ row, subject });
    }
    if (valid.length > 0) await this.publishValidated(tx, valid);
    await flushDeferredInserts(tx);
    return pending.length;
  }

  /** Marks the enrollments valid (with the subject's village, sex and birth year) and appends each one's history as events, enrollment by enrollment. */
  private async publishValidated(tx: EntityManager, valid: Array<{ row: EnrollmentRow; subject: Subject }>): Promise<void> {
    // An update's query answers [rows, rowCount].
    const [updated]: [EnrollmentRow[], number] = await tx.query(
      `update enrollments e set validation = 'valid', village_id = v.village_id, sex = v.sex, birth_year = v.birth_year, version = e.version + 1, updated_at = now()
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) as v (id, village_id, sex, birth_year) where e.id = v.id returning e.*`,
      [valid.map(({ row }) => row.id), valid.map(({ subject }) => subject.village_id), valid.map(({ subject }) => subject.sex ?? null), valid.map(({ subject }) => subject.birth_year ?? null)],
    );
    const updatedById = new Map(updated.map((row) => [row.id, row]));
    const steps: StepRow[] = await tx.query('select * from enrollment_steps where enrollment_id = any($1::uuid[]) and to_state is not null order by enrollment_id, id', [valid.map(({ row }) => row.id)]);
    const stepsOf = new Map<string, StepRow[]>();
    for (const step of steps) {
      const history = stepsOf.get(step.enrollment_id);
      if (history) history.push(step);
      else stepsOf.set(step.enrollment_id, [step]);
    }
    const events: EventEnvelope[] = [];
    for (const { row } of valid) {
      const validated = updatedById.get(row.id)!;
      await recordAudit(tx, ELIGIBILITY_ACTOR, { communeCode: row.commune_code, action: 'validate', entity: 'enrollment', entityId: row.id, fields: ['validation', 'villageId', 'sex', 'birthYear'] });
      const province = (await knownProvinceOf(tx, validated.commune_code)) ?? '';
      const history = stepsOf.get(row.id) ?? [];
      events.push(this.openedEvent({ ...validated, state: history[0]?.to_state ?? validated.state, occurred_at: history[0]?.occurred_at ?? validated.occurred_at }, province));
      for (const step of history.slice(1)) {
        events.push(this.transitionedEvent(validated, { from: step.from_state!, to: step.to_state!, reason: step.reason ?? undefined, occurredAt: new Date(step.occurred_at), recordedAt: new Date(step.recorded_at) }, province));
      }
    }
    await this.messaging.outbox.append(tx, events);
  }

  /** The known subjects of these enrollments, by id: one statement per subject type. */
  private async subjects(tx: EntityManager, rows: readonly EnrollmentRow[]): Promise<Map<string, Subject>> {
    const found = new Map<string, Subject>();
    for (const type of ['resident', 'organisation'] as const) {
      const ids = [...new Set(rows.filter((row) => row.subject_type === type).map((row) => row.subject_id))];
      if (ids.length === 0) continue;
      const known: Array<Subject & { id: string }> = await tx.query(`select id, ${SUBJECT_COLUMNS[type]} from ${SUBJECT_TABLES[type]} where id = any($1::uuid[])`, [ids]);
      for (const { id, ...subject } of known) found.set(id, subject);
    }
    return found;
  }

  async get(id: string, principal: Principal): Promise<EnrollmentView> {
    const row = await this.load(this.dataSource.manager, id).catch(() => undefined);
    if (!row || !(await this.visible(this.dataSource.manager, principal, row.commune_code))) throw new NotFoundException(`Enrollment ${id} not found`);
    const service = await this.catalogue.find(this.dataSource.manager, row.service_code);
    return { ...this.toView(row, service), history: await this.history(row.id) };
  }

  async forSubject(subjectId: string, principal: Principal): Promise<EnrollmentView[]> {
    const rows: EnrollmentRow[] = await this.dataSource.query('select * from enrollments where subject_id = $1 order by recorded_at, id', [subjectId]);
    const visible = [];
    for (const row of rows) {
      if (!(await this.visible(this.dataSource.manager, principal, row.commune_code))) continue;
      const service = await this.catalogue.find(this.dataSource.manager, row.service_code);
      visible.push({ ...this.toView(row, service), history: await this.history(row.id) });
    }
    return visible;
  }

  async list(query: EnrollmentQuery, principal: Principal): Promise<Page<EnrollmentView>> {
    assertCommuneAccess(principal, query.communeCode, await knownProvinceOf(this.dataSource.manager, query.communeCode));
    const values = [query.communeCode, query.serviceCode ?? null, query.state ?? null, query.villageId ?? null];
    const where = 'commune_code = $1 and ($2::text is null or service_code = $2) and ($3::text is null or state = $3) and ($4::uuid is null or village_id = $4)';
    return this.page(where, values, query);
  }

  /** Enrollments still waiting for their resident after the configured time: a data problem to chase. */
  async overduePending(query: PendingQuery, olderThanMinutes: number, principal: Principal): Promise<Page<EnrollmentView>> {
    assertCommuneAccess(principal, query.communeCode, await knownProvinceOf(this.dataSource.manager, query.communeCode));
    const where = "commune_code = $1 and validation = 'pending_subject' and recorded_at < now() - make_interval(mins => $2::int)";
    return this.page(where, [query.communeCode, olderThanMinutes], query);
  }

  /** The commune's steps returned on review that their team has not redone: a later step, or a verification, closes one. */
  async returned(query: ReturnedStepsQuery, principal: Principal): Promise<ReturnedStepsView> {
    assertCommuneAccess(principal, query.communeCode, await knownProvinceOf(this.dataSource.manager, query.communeCode));
    const rows: Array<{ enrollment_id: string; service_code: string; subject_type: string; subject_id: string; step_number: number; to_state: string; team_id: string | null; member_id: string | null; occurred_at: Date; review_reason: string | null; reviewed_at: Date }> =
      await this.dataSource.query(
        `select s.enrollment_id, e.service_code, e.subject_type, e.subject_id, s.to_state, s.team_id, s.member_id,
                s.occurred_at, s.review_reason, s.reviewed_at,
                (select count(*)::int from enrollment_steps earlier where earlier.enrollment_id = s.enrollment_id and earlier.to_state is not null and earlier.id <= s.id) as step_number
           from enrollment_steps s
           join enrollments e on e.id = s.enrollment_id
          where e.commune_code = $1 and s.review_verdict = 'returned'
            and not exists (select 1 from enrollment_steps later where later.enrollment_id = s.enrollment_id and later.to_state is not null and later.id > s.id)
          order by s.reviewed_at desc, s.id
          limit ${STEPS_LISTED_RETURNED + 1}`,
        [query.communeCode],
      );
    return {
      items: rows.slice(0, STEPS_LISTED_RETURNED).map((row) => ({
        enrollmentId: row.enrollment_id,
        serviceCode: row.service_code,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        stepNumber: row.step_number,
        state: row.to_state,
        teamId: row.team_id,
        memberId: row.member_id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        reason: row.review_reason,
        returnedAt: new Date(row.reviewed_at).toISOString(),
      })),
      truncated: rows.length > STEPS_LISTED_RETURNED,
    };
  }

  private async page(where: string, values: unknown[], query: { page: number; pageSize: number }): Promise<Page<EnrollmentView>> {
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from enrollments where ${where}`, values);
    const rows: EnrollmentRow[] = await this.dataSource.query(`select * from enrollments where ${where} order by occurred_at, id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`, values);
    const services = new Map<string, ServiceRow>();
    for (const row of rows) if (!services.has(row.service_code)) services.set(row.service_code, await this.catalogue.find(this.dataSource.manager, row.service_code));
    return pageOf(
      rows.map((row) => this.toView(row, services.get(row.service_code)!)),
      total,
      query as never,
    );
  }

  private assertEligible(service: ServiceRow, subject: Subject, communeCode: string, on: Date): void {
    const problem = eligibilityProblem(service, subject, communeCode, on);
    if (problem) throw unprocessable(service.subject === 'organisation' ? 'organisationId' : 'residentId', problem);
  }

  /**
   * Per application, the subject as known from registry events and the id of its open enrollment
   * in the service if it has one: one statement per subject type (an apply asks both).
   */
  private async subjectsUnlessOpen(tx: EntityManager, applications: readonly Application[]): Promise<Array<{ openEnrollmentId?: string; subject?: Subject }>> {
    const found: Array<{ openEnrollmentId?: string; subject?: Subject }> = applications.map(() => ({}));
    for (const type of ['resident', 'organisation'] as const) {
      const positions = applications.flatMap((application, n) => (application.service.subject === type ? [n] : []));
      if (positions.length === 0) continue;
      const rows: Array<Subject & { n: number; open_enrollment_id: string | null }> = await tx.query(
        `select v.n::int as n, (select id from enrollments e where e.service_code = v.service_code and e.subject_id = v.subject_id and e.open) as open_enrollment_id, ${SUBJECT_COLUMNS[type]
          .split(', ')
          .map((column) => `s.${column}`)
          .join(', ')}
         from unnest($1::text[], $2::uuid[]) with ordinality as v (service_code, subject_id, n)
         left join ${SUBJECT_TABLES[type]} s on s.id = v.subject_id`,
        [positions.map((n) => applications[n].service.code), positions.map((n) => applications[n].subjectId)],
      );
      for (const { n, open_enrollment_id: openEnrollmentId, ...subject } of rows) {
        found[positions[n - 1]] = { openEnrollmentId: openEnrollmentId ?? undefined, subject: subject.commune_code === null ? undefined : subject };
      }
    }
    return found;
  }

  private async openEnrollment(tx: EntityManager, serviceCode: string, subjectId: string): Promise<EnrollmentRow | undefined> {
    const [row] = await tx.query('select * from enrollments where service_code = $1 and subject_id = $2 and open', [serviceCode, subjectId]);
    return row;
  }

  private async lockForWrite(tx: EntityManager, id: string, principal: Principal) {
    const [locked] = await this.lockAllForWrite(tx, [id], principal);
    return locked;
  }

  /**
   * The enrollments, in the order asked, each with its service: those this transaction holds from
   * its own writes as they left them, the others locked for update with one statement (in id
   * order, so concurrent uploads do not deadlock). One outside the caller's scope is not found.
   */
  private async lockAllForWrite(tx: EntityManager, ids: readonly string[], principal: Principal): Promise<Array<{ row: EnrollmentRow; service: ServiceRow }>> {
    const held = enrollmentsHeld(tx);
    const missing = [...new Set(ids.filter((id) => !held.has(id)))].sort();
    if (missing.length > 0) for (const row of (await tx.query('select * from enrollments where id = any($1::uuid[]) order by id for update', [missing])) as EnrollmentRow[]) held.set(row.id, row);
    const locked: Array<{ row: EnrollmentRow; service: ServiceRow }> = [];
    for (const id of ids) {
      const row = held.get(id);
      if (!row || !(await this.visible(tx, principal, row.commune_code))) throw new NotFoundException(`Enrollment ${id} not found`);
      locked.push({ row, service: await this.catalogue.find(tx, row.service_code) });
    }
    return locked;
  }

  private async visible(tx: EntityManager, principal: Principal, communeCode: string): Promise<boolean> {
    return canAccessCommune(principal, communeCode, await knownProvinceOf(tx, communeCode));
  }

  /** Steps are only read back by later requests, so an upload applied in one transaction writes them together (appendRows). */
  private async addStep(tx: EntityManager, enrollmentId: string, step: { from: string | null; to: string | null; reason?: string; obstacle?: string; teamId?: string; memberId?: string; occurredAt: Date; actor: string }) {
    await appendRows(tx, 'insert into enrollment_steps (enrollment_id, from_state, to_state, reason, obstacle, team_id, member_id, occurred_at, actor)', [
      [enrollmentId, step.from, step.to, step.reason ?? null, step.obstacle ?? null, step.teamId ?? null, step.memberId ?? null, step.occurredAt, step.actor],
    ]);
  }

  private async load(tx: EntityManager, id: string): Promise<EnrollmentRow> {
    const [row] = await tx.query('select * from enrollments where id = $1', [id]);
    if (!row) throw new NotFoundException(`Enrollment ${id} not found`);
    return row;
  }

  /** Enrollments each member opened that wait for their resident (sync health: held work per member). */
  async pendingByMember(principal: Principal, communeCode: string): Promise<Map<string, number>> {
    assertCommuneAccess(principal, communeCode, await knownProvinceOf(this.dataSource.manager, communeCode));
    const rows: { created_by: string; pending: number }[] = await this.dataSource.query(
      "select created_by, count(*)::int as pending from enrollments where commune_code = $1 and validation = 'pending_subject' group by created_by",
      [communeCode],
    );
    return new Map(rows.map((r) => [r.created_by, r.pending]));
  }

  private async history(id: string): Promise<StepView[]> {
    const steps: StepRow[] = await this.dataSource.query('select * from enrollment_steps where enrollment_id = $1 order by id', [id]);
    // Step numbers count the steps that reached a state (1 = opened), as reviews and their events name them; obstacles have none.
    let stepNumber = 0;
    return steps.map((s) => ({
      stepNumber: s.to_state === null ? null : ++stepNumber,
      from: s.from_state,
      to: s.to_state,
      reason: s.reason,
      obstacle: s.obstacle,
      occurredAt: new Date(s.occurred_at).toISOString(),
      recordedAt: new Date(s.recorded_at).toISOString(),
      actor: s.actor,
      reviewStatus: s.to_state === null ? null : (s.review_verdict ?? 'unreviewed'),
      reviewReason: s.review_reason,
      reviewedAt: s.reviewed_at ? new Date(s.reviewed_at).toISOString() : null,
      reviewedBy: s.reviewed_by,
    }));
  }

  private eventContext(row: EnrollmentRow) {
    return enrollmentEventContext(row);
  }

  private openedEvent(row: EnrollmentRow, province: string, correlationId?: string): EventEnvelope {
    const occurredAt = new Date(row.occurred_at);
    return createEvent(
      EnrollmentOpenedV1,
      { tenant: row.commune_code, province, subject: row.id, time: occurredAt, correlationId },
      { ...this.eventContext(row), state: row.state, occurredAt: occurredAt.toISOString(), recordedAt: new Date(row.recorded_at).toISOString() },
    );
  }

  private transitionedEvent(row: EnrollmentRow, step: { from: string; to: string; reason?: string; occurredAt: Date; recordedAt: Date }, province: string, correlationId?: string): EventEnvelope {
    return createEvent(
      EnrollmentTransitionedV1,
      { tenant: row.commune_code, province, subject: row.id, time: step.occurredAt, correlationId },
      {
        ...this.eventContext(row),
        from: step.from,
        to: step.to,
        ...(step.reason ? { reason: step.reason } : {}),
        occurredAt: step.occurredAt.toISOString(),
        recordedAt: step.recordedAt.toISOString(),
      },
    );
  }

  private toView(row: EnrollmentRow, service: ServiceRow): EnrollmentView {
    return {
      id: row.id,
      communeCode: row.commune_code,
      serviceCode: row.service_code,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      state: row.state,
      open: row.open,
      validation: row.validation,
      allowedTransitions: allowedTransitions(service, row.state),
      detail: row.detail,
      villageId: row.village_id,
      teamId: row.team_id,
      memberId: row.member_id,
      occurredAt: new Date(row.occurred_at).toISOString(),
      recordedAt: new Date(row.recorded_at).toISOString(),
      version: row.version,
    };
  }
}

/**
 * The open enrollment of a subject answers an apply only in that enrollment's commune: applying in
 * one commune for another commune's resident must not show that commune's enrollment.
 */
function sameCommune(open: EnrollmentRow, communeCode: string, service: ServiceRow): EnrollmentRow {
  if (open.commune_code !== communeCode) throw unprocessable(service.subject === 'organisation' ? 'organisationId' : 'residentId', `not registered in commune ${communeCode}`);
  return open;
}

/** Why a subject may not be enrolled in a service on a day, or undefined when it may. */
function eligibilityProblem(service: ServiceRow, subject: Subject, communeCode: string, on: Date): string | undefined {
  // Never name the commune the subject is registered in: the caller may not know it.
  if (subject.commune_code !== communeCode) return `not registered in commune ${communeCode}`;
  if (subject.status && subject.status !== 'living') return `the resident is ${subject.status.replace('_', ' ')}`;
  if (service.min_age !== null && subject.birth_year !== undefined && subject.birth_month !== undefined) {
    const day = vietnamDay(on);
    const age = ageOn(day, subject.birth_year, subject.birth_month);
    if (age < service.min_age) return `aged ${age} on ${day}; ${service.code} needs ${service.min_age} or older`;
  }
  return undefined;
}

/** What every enrollment event carries about the enrollment (ids, village, sex, birth year; never identity data). */
export function enrollmentEventContext(row: EnrollmentRow) {
  return {
    enrollmentId: row.id,
    serviceCode: row.service_code,
    subjectType: row.subject_type,
    ...(row.subject_type === 'resident' ? { residentId: row.subject_id } : { organisationId: row.subject_id }),
    villageId: row.village_id!,
    ...(row.team_id ? { teamId: row.team_id } : {}),
    ...(row.member_id ? { memberId: row.member_id } : {}),
    ...(row.sex ? { sex: row.sex } : {}),
    ...(row.birth_year ? { birthYear: row.birth_year } : {}),
    ...(row.detail ? { detail: row.detail } : {}),
  };
}
