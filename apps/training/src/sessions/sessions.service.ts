import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AttendanceRecordedV1, createEvent, SessionCancelledV1, SessionHeldV1, SessionScheduledV1, type EventEnvelope } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { inTransaction, type WriteContext } from '@dtc/offline-sync';
import { recordAudit, writtenFields } from '@dtc/persistence';
import { pageOf, type Page, type Principal, resolveOccurredAt, unprocessable } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { assertCommune, assertKnownCommune, assertVillagesOfCommune, assertVisible } from '../common/scope';
import type { AttendanceResult, AttendeeDto, AttendeeResult, CancelSessionDto, HoldSessionDto, LinkWalkInDto, RecordAttendanceDto, ScheduleSessionDto, SessionQuery, SessionView, WalkInDto } from './sessions.dto';
import { topicExists } from '../topics/topic-exists';

interface SessionRow {
  id: string;
  commune_code: string;
  topic_code: string;
  audience: 'residents' | 'officials' | 'students' | 'workers' | 'business_people';
  venue_type: 'village_cultural_house' | 'school' | 'mobile_teaching_point' | 'other';
  venue_name: string;
  teaching_point_id: string | null;
  village_id: string | null;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  trainer_member_ids: string[];
  state: 'scheduled' | 'held' | 'cancelled';
  cancel_reason: string | null;
  attendees?: number;
}

/** An attendee's attendance as inserted: who they are (a resident or a walk-in) and its id. */
type AttendeeRecorded = { attendanceId: string; residentId?: string; walkInId?: string };
/** Why one attendee of a request was not recorded; the others still are. */
type AttendeeRefused = { status: number; reason: string };

@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async schedule(input: ScheduleSessionDto, principal: Principal, context: WriteContext = {}): Promise<SessionView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    if (new Date(input.endsAt) <= new Date(input.startsAt)) throw unprocessable('endsAt', 'must be after startsAt');
    return inTransaction(this.dataSource, context, async (tx) => {
      const province = await assertKnownCommune(tx, principal, input.communeCode);
      if (!(await topicExists(tx, input.topicCode))) throw unprocessable('topicCode', 'unknown topic');
      if (input.villageId) await assertVillagesOfCommune(tx, input.communeCode, [input.villageId], 'villageId');
      if (input.teachingPointId) {
        const [point] = await tx.query('select commune_code from teaching_points where id = $1', [input.teachingPointId]);
        if (!point || point.commune_code !== input.communeCode) throw unprocessable('teachingPointId', 'unknown teaching point of this commune');
      }
      const trainers: Array<{ id: string }> = input.trainerMemberIds.length ? await tx.query('select id from members where id = any($1::uuid[]) and commune_code = $2', [input.trainerMemberIds, input.communeCode]) : [];
      if (trainers.length !== input.trainerMemberIds.length) throw unprocessable('trainerMemberIds', 'every trainer must be a member of a team of this commune');
      const id = randomUUID();
      const [row]: SessionRow[] = await tx.query(
        `insert into sessions (id, commune_code, topic_code, audience, venue_type, venue_name, teaching_point_id, village_id, starts_at, ends_at, capacity, trainer_member_ids, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *, 0 as attendees`,
        [id, input.communeCode, input.topicCode, input.audience, input.venueType, input.venueName, input.teachingPointId ?? null, input.villageId ?? null, input.startsAt, input.endsAt, input.capacity, input.trainerMemberIds, principal.subject],
      );
      await recordAudit(tx, principal, { communeCode: input.communeCode, action: 'schedule', entity: 'session', entityId: id, fields: writtenFields(input) });
      await this.messaging.outbox.append(tx, [
        createEvent(
          SessionScheduledV1,
          { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId },
          { ...facts(row), startsAt: row.starts_at.toISOString(), capacity: row.capacity, trainerMemberIds: row.trainer_member_ids, occurredAt: at.toISOString() },
        ),
      ]);
      return toView(row);
    });
  }

  async hold(id: string, input: HoldSessionDto, principal: Principal, context: WriteContext = {}): Promise<SessionView> {
    const at = resolveOccurredAt('heldAt', input.heldAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, province } = await this.lockForWrite(tx, id, principal);
      if (row.state !== 'scheduled') throw new ConflictException({ message: `The session is ${row.state}`, currentState: row.state, allowedTransitions: [] });
      if (row.starts_at.getTime() > Date.now()) throw new ConflictException({ message: 'A session cannot be held before it starts', startsAt: row.starts_at.toISOString() });
      const held = await this.updated(tx, id, "state = 'held'");
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'hold', entity: 'session', entityId: id, fields: ['state', ...writtenFields(input)] });
      await this.messaging.outbox.append(tx, [createEvent(SessionHeldV1, { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId }, { ...facts(row), occurredAt: at.toISOString() })]);
      return toView(held);
    });
  }

  async cancel(id: string, input: CancelSessionDto, principal: Principal, context: WriteContext = {}): Promise<SessionView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, province } = await this.lockForWrite(tx, id, principal);
      if (row.state !== 'scheduled') throw new ConflictException({ message: `The session is ${row.state}`, currentState: row.state, allowedTransitions: [] });
      const [{ n }] = await tx.query('select count(*)::int as n from attendance where session_id = $1', [id]);
      if (n > 0) throw new ConflictException({ message: 'A session with recorded attendance cannot be cancelled' });
      const cancelled = await this.updated(tx, id, "state = 'cancelled', cancel_reason = $2", [input.reason]);
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'cancel', entity: 'session', entityId: id, fields: ['state', ...writtenFields(input)] });
      await this.messaging.outbox.append(tx, [
        createEvent(SessionCancelledV1, { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId }, { ...facts(row), reason: input.reason, occurredAt: at.toISOString() }),
      ]);
      return toView(cancelled);
    });
  }

  /**
   * Records attendance in bulk. The whole request is refused for a cancelled or not-yet-started
   * session; each attendee is refused on its own when the session is full or already has them.
   */
  async recordAttendance(id: string, input: RecordAttendanceDto, principal: Principal, context: WriteContext = {}): Promise<AttendanceResult> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, province } = await this.lockForWrite(tx, id, principal);
      if (row.state === 'cancelled') throw new ConflictException({ message: 'The session was cancelled; attendance cannot be recorded', currentState: row.state });
      if (row.starts_at.getTime() > Date.now()) throw new ConflictException({ message: 'The session has not started yet; attendance cannot be recorded', startsAt: row.starts_at.toISOString() });
      // Counted after the lock, so attendance recorded concurrently is in it.
      let recorded = row.attendees ?? 0;
      const results: AttendeeResult[] = [];
      const events: EventEnvelope[] = [];
      const walkIns = await this.walkInsOf(tx, row, input.attendees, principal);
      for (const [index, attendee] of input.attendees.entries()) {
        const refused = (status: number, reason: string) => results.push({ index, status, reason });
        const kinds = [attendee.residentId, attendee.walkIn, attendee.walkInId].filter((value) => value !== undefined).length;
        if (kinds !== 1) {
          refused(400, 'give exactly one of residentId, walkIn or walkInId');
          continue;
        }
        if (recorded >= row.capacity) {
          refused(409, `the session is full (capacity ${row.capacity})`);
          continue;
        }
        const who = attendee.walkIn ? await walkIns.accept(index, attendee.walkIn, attendee.outcome) : await this.recordKnownAttendee(tx, row, attendee, principal);
        if ('reason' in who) {
          refused(who.status, who.reason);
          continue;
        }
        const { attendanceId } = who;
        recorded += 1;
        // One entry per attendee recorded (refused ones wrote nothing).
        await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'record', entity: 'attendance', entityId: attendanceId, fields: ['sessionId', who.residentId ? 'residentId' : 'walkInId', 'outcome'] });
        results.push({ index, status: 201, attendanceId, ...(who.walkInId ? { walkInId: who.walkInId } : {}) });
        events.push(
          createEvent(
            AttendanceRecordedV1,
            { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId },
            { attendanceId, ...facts(row), ...(who.residentId ? { residentId: who.residentId } : { walkInId: who.walkInId }), outcome: attendee.outcome, occurredAt: at.toISOString() },
          ),
        );
      }
      await walkIns.insert();
      await this.messaging.outbox.append(tx, events);
      return { sessionId: id, recorded, capacity: row.capacity, results };
    });
  }

  async linkWalkIn(walkInId: string, input: LinkWalkInDto, principal: Principal): Promise<{ walkInId: string; residentId: string }> {
    return this.dataSource.transaction(async (tx) => {
      const [walkIn] = await tx.query('select commune_code, linked_resident_id from walk_ins where id = $1 for update', [walkInId]);
      if (!walkIn) throw new NotFoundException(`Walk-in ${walkInId} not found`);
      await assertVisible(tx, principal, walkIn.commune_code, 'Walk-in', walkInId);
      if (walkIn.linked_resident_id) throw new ConflictException({ message: 'Already linked', residentId: walkIn.linked_resident_id });
      const [resident] = await tx.query('select commune_code from known_residents where id = $1', [input.residentId]);
      if (!resident || resident.commune_code !== walkIn.commune_code) throw unprocessable('residentId', 'not a known resident of this commune');
      await tx.query('update walk_ins set linked_resident_id = $2, linked_at = now() where id = $1', [walkInId, input.residentId]);
      await recordAudit(tx, principal, { communeCode: walkIn.commune_code, action: 'link', entity: 'walk-in', entityId: walkInId, fields: ['residentId'] });
      return { walkInId, residentId: input.residentId };
    });
  }

  async get(id: string, principal: Principal): Promise<SessionView> {
    const row = await this.load(this.dataSource.manager, id).catch(() => undefined);
    if (!row) throw new NotFoundException(`Session ${id} not found`);
    await assertVisible(this.dataSource.manager, principal, row.commune_code, 'Session', id);
    return toView(row);
  }

  async list(query: SessionQuery, principal: Principal): Promise<Page<SessionView>> {
    await assertCommune(this.dataSource.manager, principal, query.communeCode);
    const values = [query.communeCode, query.state ?? null];
    const where = 's.commune_code = $1 and ($2::text is null or s.state = $2)';
    const [{ total }] = await this.dataSource.query(`select count(*)::int as total from sessions s where ${where}`, values);
    const rows: SessionRow[] = await this.dataSource.query(
      `select s.*, (select count(*)::int from attendance a where a.session_id = s.id) as attendees from sessions s where ${where} order by s.starts_at desc, s.id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`,
      values,
    );
    return pageOf(rows.map(toView), total, query);
  }

  /** A registered resident or a walk-in recorded before attends: checked, then their attendance inserted. */
  private async recordKnownAttendee(tx: EntityManager, session: SessionRow, attendee: AttendeeDto, principal: Principal): Promise<AttendeeRecorded | AttendeeRefused> {
    if (attendee.residentId) {
      const [resident] = await tx.query('select commune_code, status from known_residents where id = $1', [attendee.residentId]);
      if (resident && resident.commune_code !== session.commune_code) return { status: 422, reason: 'the resident is registered in another commune' };
      if (resident && resident.status !== 'living') return { status: 422, reason: `the resident is ${resident.status.replace('_', ' ')}` };
    } else {
      const [walkIn] = await tx.query('select commune_code from walk_ins where id = $1', [attendee.walkInId]);
      if (!walkIn || walkIn.commune_code !== session.commune_code) return { status: 422, reason: 'unknown walk-in of this commune' };
    }
    const attendanceId = randomUUID();
    const inserted = await tx.query(
      'insert into attendance (id, session_id, resident_id, walk_in_id, outcome, recorded_by) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id',
      [attendanceId, session.id, attendee.residentId ?? null, attendee.walkInId ?? null, attendee.outcome, principal.subject],
    );
    if (inserted.length === 0) return { status: 409, reason: 'already recorded for this session' };
    return { attendanceId, ...(attendee.residentId ? { residentId: attendee.residentId } : { walkInId: attendee.walkInId }) };
  }

  /**
   * The request's walk-ins (people not registered), decided one by one in request order and
   * written together: one statement reads which of them the session already has (same name and
   * birth year, compared by Postgres's lower()), one inserts the accepted walk-ins and their
   * attendance after the loop. A walk-in repeated within the request is refused like one
   * recorded before (the session row is locked, so nothing else records meanwhile).
   */
  private async walkInsOf(tx: EntityManager, session: SessionRow, attendees: readonly AttendeeDto[], principal: Principal) {
    const indexes = attendees.flatMap((attendee, index) => (attendee.walkIn ? [index] : []));
    const keys = new Map<number, { key: string; taken: boolean }>();
    if (indexes.length > 0) {
      const rows: Array<{ key: string; taken: boolean }> = await tx.query(
        `select lower(i.full_name) || '|' || coalesce(i.birth_year, 0) as key,
           exists (select from attendance a join walk_ins w on w.id = a.walk_in_id
                   where a.session_id = $1 and lower(w.full_name) = lower(i.full_name) and coalesce(w.birth_year, 0) = coalesce(i.birth_year, 0)) as taken
         from unnest($2::text[], $3::int[]) with ordinality as i (full_name, birth_year, ord) order by i.ord`,
        [session.id, indexes.map((index) => attendees[index].walkIn!.fullName), indexes.map((index) => attendees[index].walkIn!.birthYear ?? null)],
      );
      indexes.forEach((index, position) => keys.set(index, rows[position]));
    }
    const seen = new Set<string>();
    const accepted: Array<{ walkInId: string; attendanceId: string; walkIn: WalkInDto; outcome: AttendeeDto['outcome'] }> = [];
    const accept = async (index: number, walkIn: WalkInDto, outcome: AttendeeDto['outcome']): Promise<AttendeeRecorded | AttendeeRefused> => {
      const { key, taken } = keys.get(index)!;
      if (taken || seen.has(key)) return { status: 409, reason: 'already recorded for this session (same walk-in name and birth year)' };
      seen.add(key);
      const recorded = { walkInId: randomUUID(), attendanceId: randomUUID(), walkIn, outcome };
      accepted.push(recorded);
      await recordAudit(tx, principal, { communeCode: session.commune_code, action: 'register', entity: 'walk-in', entityId: recorded.walkInId, fields: writtenFields(walkIn) });
      return { attendanceId: recorded.attendanceId, walkInId: recorded.walkInId };
    };
    const insert = async () => {
      if (accepted.length === 0) return;
      await tx.query(
        `with walk_in as (
           insert into walk_ins (id, commune_code, full_name, sex, birth_year, village_id)
           select w.id, $2::text, w.full_name, w.sex, w.birth_year, coalesce(w.village_id, $3::uuid) from unnest($1::uuid[], $4::text[], $5::text[], $6::int[], $7::uuid[]) as w (id, full_name, sex, birth_year, village_id))
         insert into attendance (id, session_id, walk_in_id, outcome, recorded_by)
         select a.id, $8::uuid, a.walk_in_id, a.outcome, $9::text from unnest($10::uuid[], $1::uuid[], $11::text[]) as a (id, walk_in_id, outcome)`,
        [
          accepted.map((one) => one.walkInId),
          session.commune_code,
          session.village_id,
          accepted.map((one) => one.walkIn.fullName),
          accepted.map((one) => one.walkIn.sex ?? null),
          accepted.map((one) => one.walkIn.birthYear ?? null),
          accepted.map((one) => one.walkIn.villageId ?? null),
          session.id,
          principal.subject,
          accepted.map((one) => one.attendanceId),
          accepted.map((one) => one.outcome),
        ],
      );
    };
    return { accept, insert };
  }

  private async lockForWrite(tx: EntityManager, id: string, principal: Principal) {
    const [locked] = await tx.query('select id from sessions where id = $1 for update', [id]);
    if (!locked) throw new NotFoundException(`Session ${id} not found`);
    const row = await this.load(tx, id);
    const province = await assertVisible(tx, principal, row.commune_code, 'Session', id);
    return { row, province };
  }

  /** Updates the session (a version more) and answers it as load() would, in one statement. */
  private async updated(tx: EntityManager, id: string, set: string, parameters: unknown[] = []): Promise<SessionRow> {
    // An update's query answers [rows, rowCount].
    const [[row]]: [SessionRow[], number] = await tx.query(
      `update sessions s set ${set}, version = version + 1 where s.id = $1
       returning s.*, (select count(*)::int from attendance a where a.session_id = s.id) as attendees`,
      [id, ...parameters],
    );
    return row;
  }

  private async load(tx: EntityManager, id: string): Promise<SessionRow> {
    const [row] = await tx.query('select s.*, (select count(*)::int from attendance a where a.session_id = s.id) as attendees from sessions s where s.id = $1', [id]);
    if (!row) throw new NotFoundException(`Session ${id} not found`);
    return row;
  }
}

function facts(row: SessionRow) {
  return {
    sessionId: row.id,
    topicCode: row.topic_code,
    audience: row.audience,
    venueType: row.venue_type,
    ...(row.village_id ? { villageId: row.village_id } : {}),
    ...(row.teaching_point_id ? { teachingPointId: row.teaching_point_id } : {}),
  };
}

function toView(row: SessionRow): SessionView {
  return {
    id: row.id,
    communeCode: row.commune_code,
    topicCode: row.topic_code,
    audience: row.audience,
    venueType: row.venue_type,
    venueName: row.venue_name,
    teachingPointId: row.teaching_point_id,
    villageId: row.village_id,
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    capacity: row.capacity,
    trainerMemberIds: row.trainer_member_ids,
    state: row.state,
    cancelReason: row.cancel_reason,
    attendees: row.attendees ?? 0,
  };
}
