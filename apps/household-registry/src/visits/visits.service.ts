import { Injectable } from '@nestjs/common';
import { createEvent, VisitRecordedV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { type Principal, notFound, resolveOccurredAt, unprocessable, vietnamDay } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { recordAudit } from '@dtc/persistence';
import { assertVisible } from '../common/commune-scope';
import { originOf } from '../common/event-origin';
import { inTransaction, type WriteContext } from '@dtc/offline-sync';
import type { RecordVisitDto, VisitView } from './visits.dto';

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
}

/** A household's visit list shows at most its latest visits (a bound on every list the API returns). */
export const VISITS_LISTED = 500;

@Injectable()
export class VisitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async record(householdId: string, input: RecordVisitDto, principal: Principal, context: WriteContext = {}): Promise<VisitView> {
    const visitedAt = resolveOccurredAt('visitedAt', input.visitedAt, context.occurredAt);
    if (input.followUpDate && input.followUpDate < vietnamDay(visitedAt)) throw unprocessable('followUpDate', 'must not be before the visit');
    if (input.outcome === 'done' && input.obstacles.length > 0) throw unprocessable('obstacles', 'a visit that is done has no obstacles');
    return inTransaction(this.dataSource, context, async (tx) => {
      const [household] = await tx.query('select id, commune_code, village_id from households where id = $1', [householdId]);
      if (!household) throw notFound('Household', householdId);
      const commune = await assertVisible(tx, household.commune_code, principal, 'Household', householdId);
      const id = randomUUID();
      const [row]: VisitRow[] = await tx.query(
        `insert into visits (id, commune_code, household_id, village_id, team_id, member_id, visited_at, outcome, obstacles, follow_up_date, note, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         returning id, commune_code, household_id, team_id, member_id, visited_at, outcome, obstacles, to_char(follow_up_date, 'YYYY-MM-DD') as follow_up_date, note`,
        [id, commune.code, householdId, household.village_id, input.teamId ?? null, input.memberId ?? null, visitedAt, input.outcome, input.obstacles, input.followUpDate ?? null, input.note ?? null, principal.subject],
      );
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
      return toView(row);
    });
  }

  async list(householdId: string, principal: Principal): Promise<VisitView[]> {
    const [household] = await this.dataSource.query('select commune_code from households where id = $1', [householdId]);
    if (!household) throw notFound('Household', householdId);
    await assertVisible(this.dataSource.manager, household.commune_code, principal, 'Household', householdId);
    const rows: VisitRow[] = await this.dataSource.query(
      `select id, commune_code, household_id, team_id, member_id, visited_at, outcome, obstacles, to_char(follow_up_date, 'YYYY-MM-DD') as follow_up_date, note
       from (select * from visits where household_id = $1 order by visited_at desc, id desc limit ${VISITS_LISTED}) latest
       order by visited_at, id`,
      [householdId],
    );
    return rows.map(toView);
  }
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
  };
}
