import { ConflictException, Injectable } from '@nestjs/common';
import { createEvent, VisitRecordedV1, VisitReviewedV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { type Principal, notFound, resolveOccurredAt, unprocessable, vietnamDay } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible, communeForRead, type CommuneScope } from '../common/commune-scope';
import { originOf } from '../common/event-origin';
import { inTransaction, type RanItem, type SyncItemToRun, type WriteContext } from '@dtc/offline-sync';
import { VISITS_LISTED_RETURNED, type RecordVisitDto, type ReturnedVisitsQuery, type ReturnedVisitsView, type ReviewVisitDto, type VisitListQuery, type VisitView } from './visits.dto';

interface VisitRow {
  id: string;
  commune_code: string;
  household_id: string;
  team_id: string | null;
  member_id: string | null;
  visited_at: Date;
  outcome: string;
  obstacles: string[];
  follow_up_date: string | null;
  note: string | null;
  review_status: 'verified' | 'returned' | null;
  review_reason: string | null;
  reviewed_at: Date | null;
}

/** The columns of a visit view, as VisitRow names them. */
const VISIT_COLUMNS = `id, commune_code, household_id, team_id, member_id, visited_at, outcome, obstacles, to_char(follow_up_date, 'YYYY-MM-DD') as follow_up_date, note,
  review_status, review_reason, reviewed_at`;

/** A household's visit list shows at most its latest visits (a bound on every list the API returns). */
export const VISITS_LISTED = 500;

@Injectable()
export class VisitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async record(householdId: string, input: RecordVisitDto, principal: Principal, context: WriteContext = {}): Promise<VisitView> {
    const visit = newVisit(householdId, input, context);
    return inTransaction(this.dataSource, context, async (tx) => {
      const [recorded] = await insertVisits(tx, principal, [visit]);
      await this.recordVisited(tx, principal, recorded);
      return toView(recorded.row);
    });
  }

  /**
   * An upload's run of visits (sync runMany): the same checks per visit as record, their households
   * read with one statement and the visits inserted with one; each item's audit row and event come
   * with its finish.
   */
  async recordMany(items: ReadonlyArray<SyncItemToRun<RecordVisitDto>>, principal: Principal, tx: EntityManager): Promise<RanItem[]> {
    const visits = items.map(({ payload, target, context }) => newVisit(target, payload, context));
    const recorded = await insertVisits(tx, principal, visits);
    return recorded.map((one) => ({ body: toView(one.row), finish: () => this.recordVisited(tx, principal, one) }));
  }

  /** The visit's audit row and its event. */
  private async recordVisited(tx: EntityManager, principal: Principal, { visit, household, commune }: RecordedVisit): Promise<void> {
    const { id, householdId, input, context, visitedAt } = visit;
    await recordAudit(tx, principal, { communeCode: commune.code, action: 'record', entity: 'visit', entityId: id, fields: Object.keys(input) });
    const event = createEvent(
      VisitRecordedV1,
      originOf(commune, householdId, visitedAt, context),
      {
        visitId: id,
        householdId,
        villageId: household.village_id,
        ...(input.teamId ? { teamId: input.teamId } : {}),
        ...(input.memberId ? { memberId: input.memberId } : {}),
        outcome: input.outcome,
        obstacles: input.obstacles,
        ...(input.followUpDate ? { followUpDate: input.followUpDate } : {}),
        occurredAt: visitedAt.toISOString(),
      },
    );
    await this.messaging.outbox.append(tx, [event]);
  }

  async list(householdId: string, query: VisitListQuery, principal: Principal): Promise<VisitView[]> {
    const [household] = await this.dataSource.query('select commune_code from households where id = $1', [householdId]);
    if (!household) throw notFound('Household', householdId);
    await assertVisible(this.dataSource.manager, household.commune_code, principal, 'Household', householdId);
    const params: unknown[] = [householdId];
    let reviewFilter = '';
    if (query.reviewStatus === 'unreviewed') reviewFilter = 'and review_status is null';
    else if (query.reviewStatus) reviewFilter = `and review_status = $${params.push(query.reviewStatus)}`;
    const rows: VisitRow[] = await this.dataSource.query(
      `select ${VISIT_COLUMNS}
       from (select * from visits where household_id = $1 ${reviewFilter} order by visited_at desc, id desc limit ${VISITS_LISTED}) latest
       order by visited_at, id`,
      params,
    );
    return rows.map(toView);
  }

  /**
   * The commune's visits returned to their teams and not yet redone: a later visit to the household
   * is the team going back (as the work list reads it), a verification closes it too.
   */
  async returned(query: ReturnedVisitsQuery, principal: Principal): Promise<ReturnedVisitsView> {
    const commune = await communeForRead(this.dataSource.manager, query.communeCode, principal);
    const rows: Array<{ id: string; household_id: string; head_name: string; address: string; village_code: string; team_id: string | null; member_id: string | null; visited_at: Date; review_reason: string | null; reviewed_at: Date }> =
      await this.dataSource.query(
        `select v.id, v.household_id, h.head_name, h.address, village.code as village_code, v.team_id, v.member_id, v.visited_at, v.review_reason, v.reviewed_at
           from visits v
           join households h on h.id = v.household_id
           join villages village on village.id = h.village_id
          where v.commune_code = $1 and v.review_status = 'returned'
            and not exists (select 1 from visits later where later.household_id = v.household_id and (later.visited_at, later.id) > (v.visited_at, v.id))
          order by v.reviewed_at desc, v.id
          limit ${VISITS_LISTED_RETURNED + 1}`,
        [commune.code],
      );
    return {
      items: rows.slice(0, VISITS_LISTED_RETURNED).map((row) => ({
        visitId: row.id,
        householdId: row.household_id,
        headName: row.head_name,
        address: row.address,
        villageCode: row.village_code,
        teamId: row.team_id,
        memberId: row.member_id,
        visitedAt: new Date(row.visited_at).toISOString(),
        reason: row.review_reason,
        returnedAt: new Date(row.reviewed_at).toISOString(),
      })),
      truncated: rows.length > VISITS_LISTED_RETURNED,
    };
  }

  /**
   * A commune admin's verdict on a visit. The visit keeps the current verdict (work lists read it)
   * and visit_reviews every verdict given; a verdict may change (a returned visit verified once
   * fixed), but giving the current one again changes nothing and is refused.
   */
  async review(visitId: string, input: ReviewVisitDto, principal: Principal): Promise<VisitView> {
    if (input.verdict === 'returned' && input.reason === undefined) throw unprocessable('reason', 'is required to return a visit: say what the team must fix');
    return this.dataSource.transaction(async (tx) => {
      const [visit]: Array<{ commune_code: string; household_id: string; village_id: string; team_id: string | null; member_id: string | null; visited_at: Date; review_status: string | null }> = await tx.query(
        'select commune_code, household_id, village_id, team_id, member_id, visited_at, review_status from visits where id = $1 for update',
        [visitId],
      );
      if (!visit) throw notFound('Visit', visitId);
      const commune = await assertVisible(tx, visit.commune_code, principal, 'Visit', visitId);
      if (visit.review_status === input.verdict) {
        throw new ConflictException({ message: `The visit is already ${input.verdict}; nothing to change`, fields: [{ field: 'verdict', reason: `is the current verdict (${input.verdict})` }] });
      }
      const reviewedAt = new Date();
      const reason = input.reason ?? null;
      await tx.query('insert into visit_reviews (id, visit_id, commune_code, verdict, reason, reviewed_by, reviewed_at) values ($1, $2, $3, $4, $5, $6, $7)', [
        randomUUID(),
        visitId,
        commune.code,
        input.verdict,
        reason,
        principal.subject,
        reviewedAt,
      ]);
      // An update's query answers [rows, rowCount].
      const [[row]]: [VisitRow[], number] = await tx.query(`update visits set review_status = $2, review_reason = $3, reviewed_at = $4 where id = $1 returning ${VISIT_COLUMNS}`, [visitId, input.verdict, reason, reviewedAt]);
      await recordAudit(tx, principal, { communeCode: commune.code, action: `review-${input.verdict}`, entity: 'visit', entityId: visitId, fields: Object.keys(input) });
      const event = createEvent(VisitReviewedV1, originOf(commune, visit.household_id, reviewedAt, {}), {
        visitId,
        householdId: visit.household_id,
        villageId: visit.village_id,
        ...(visit.team_id ? { teamId: visit.team_id } : {}),
        ...(visit.member_id ? { memberId: visit.member_id } : {}),
        verdict: input.verdict,
        ...(reason ? { reason } : {}),
        visitedAt: new Date(visit.visited_at).toISOString(),
        occurredAt: reviewedAt.toISOString(),
      });
      await this.messaging.outbox.append(tx, [event]);
      return toView(row);
    });
  }
}

/** A visit about to be recorded: its id, its household and its time, checked. */
interface NewVisit {
  id: string;
  householdId: string;
  input: RecordVisitDto;
  context: WriteContext;
  visitedAt: Date;
}

/** A recorded visit, with the household and commune it was recorded in. */
interface RecordedVisit {
  visit: NewVisit;
  household: { commune_code: string; village_id: string };
  commune: CommuneScope;
  row: VisitRow;
}

/** The checks that need no database: the visit's time, its follow-up date and its obstacles. */
function newVisit(householdId: string, input: RecordVisitDto, context: WriteContext): NewVisit {
  const visitedAt = resolveOccurredAt('visitedAt', input.visitedAt, context.occurredAt);
  if (input.followUpDate && input.followUpDate < vietnamDay(visitedAt)) throw unprocessable('followUpDate', 'must not be before the visit');
  if (input.outcome === 'done' && input.obstacles.length > 0) throw unprocessable('obstacles', 'a visit that is done has no obstacles');
  return { id: randomUUID(), householdId, input, context, visitedAt };
}

/**
 * Any number of visits in two round trips: their households (404 when one is missing or outside the
 * caller's scope), then one insert returning the rows the views show.
 */
async function insertVisits(tx: EntityManager, principal: Principal, visits: readonly NewVisit[]): Promise<RecordedVisit[]> {
  const households: Array<{ id: string; commune_code: string; village_id: string }> = await tx.query('select id, commune_code, village_id from households where id = any($1::uuid[])', [
    [...new Set(visits.map((visit) => visit.householdId))],
  ]);
  const householdOf = new Map(households.map((household) => [household.id, household]));
  const placed: Array<Omit<RecordedVisit, 'row'>> = [];
  for (const visit of visits) {
    const household = householdOf.get(visit.householdId);
    if (!household) throw notFound('Household', visit.householdId);
    placed.push({ visit, household, commune: await assertVisible(tx, household.commune_code, principal, 'Household', visit.householdId) });
  }
  const rows: VisitRow[] = await tx.query(
    `insert into visits (id, commune_code, household_id, village_id, team_id, member_id, visited_at, outcome, obstacles, follow_up_date, note, created_by)
     select v.id, v.commune_code, v.household_id, v.village_id, v.team_id, v.member_id, v.visited_at, v.outcome, v.obstacles, v.follow_up_date, v.note, $2
     from jsonb_to_recordset($1::jsonb) as v (id uuid, commune_code text, household_id uuid, village_id uuid, team_id uuid, member_id uuid, visited_at timestamptz,
                                              outcome text, obstacles text[], follow_up_date date, note text)
     returning ${VISIT_COLUMNS}`,
    [
      JSON.stringify(
        placed.map(({ visit: { id, householdId, input, visitedAt }, household, commune }) => ({
          id,
          commune_code: commune.code,
          household_id: householdId,
          village_id: household.village_id,
          team_id: input.teamId ?? null,
          member_id: input.memberId ?? null,
          visited_at: visitedAt.toISOString(),
          outcome: input.outcome,
          obstacles: input.obstacles,
          follow_up_date: input.followUpDate ?? null,
          note: input.note ?? null,
        })),
      ),
      principal.subject,
    ],
  );
  const rowOf = new Map(rows.map((row) => [row.id, row]));
  return placed.map((one) => ({ ...one, row: rowOf.get(one.visit.id)! }));
}

function toView(row: VisitRow): VisitView {
  return {
    id: row.id,
    communeCode: row.commune_code,
    householdId: row.household_id,
    teamId: row.team_id,
    memberId: row.member_id,
    visitedAt: new Date(row.visited_at).toISOString(),
    outcome: row.outcome,
    obstacles: row.obstacles,
    followUpDate: row.follow_up_date,
    note: row.note,
    reviewStatus: row.review_status,
    reviewReason: row.review_reason,
    reviewedAt: row.reviewed_at ? new Date(row.reviewed_at).toISOString() : null,
  };
}
