import { Injectable } from '@nestjs/common';
import type { Principal } from '@dtc/platform';
import type { EntityManager } from 'typeorm';
import { FreshnessService } from '../freshness/freshness.service';
import { NO_ID } from '../projections/buckets';
import { visibleCommuneProvince } from '../projections/commune-scope';
import { ProjectionStore } from '../projections/projection-store';
import { loadDone, loadPlans, loadTeamNames, reportWindow } from '../plans/plan-data';
import { plannedByTeamDay } from '../plans/plan-days';
import type { CommendationsQuery, CommendationsView } from './commendations.dto';
import { percentOfPlan, rankByFigures, type Figures } from './ranking';

/**
 * Enrollments completed in the window per team and member: entering the last state of the
 * service's happy path as the events have revealed it (service_states, rejected/cancelled aside).
 */
async function loadCompleted(tx: EntityManager, communeCode: string, from: string, to: string, verifiedOnly: boolean): Promise<Array<{ teamId: string; memberId: string; value: number }>> {
  const finals = `select service_code, state from service_states s
                  where position < 100 and position = (select max(position) from service_states t where t.service_code = s.service_code and t.position < 100)`;
  const source = verifiedOnly
    ? `select w.team_id, w.member_id, w.value from work_daily w join (${finals}) f on f.service_code = w.service_code and f.state = w.state
       where w.commune_code = $1 and w.measure = 'enrollment_steps_verified' and w.day between $2 and $3`
    : `select e.team_id, e.member_id, e.entered as value from enrollment_state_daily e join (${finals}) f on f.service_code = e.service_code and f.state = e.state
       where e.commune_code = $1 and e.day between $2 and $3`;
  const rows: Array<{ team_id: string; member_id: string; value: number }> = await tx.query(
    `select team_id::text, member_id::text, sum(value)::int as value from (${source}) c group by team_id, member_id`,
    [communeCode, from, to],
  );
  return rows.map((r) => ({ teamId: r.team_id, memberId: r.member_id, value: r.value }));
}

@Injectable()
export class CommendationsService {
  constructor(
    private readonly store: ProjectionStore,
    private readonly freshness: FreshnessService,
  ) {}

  async commendations(communeCode: string, query: CommendationsQuery, principal: Principal): Promise<CommendationsView> {
    const window = reportWindow(query.from, query.to);
    const verifiedOnly = query.verifiedOnly ?? false;
    const limit = query.limit ?? 10;
    return this.store.read(async (tx) => {
      await visibleCommuneProvince(tx, principal, communeCode);
      const dataAsOf = await this.freshness.read(tx);
      const done = await loadDone(tx, communeCode, window.from, window.to, verifiedOnly);
      const completed = await loadCompleted(tx, communeCode, window.from, window.to, verifiedOnly);
      const teamNames = await loadTeamNames(tx, communeCode);
      const plans = await loadPlans(tx, communeCode);

      const teams = new Map<string, Figures & { id: string; teamId: string }>();
      const members = new Map<string, Figures & { id: string; teamId: string; memberId: string }>();
      const figuresOf = <T>(map: Map<string, T & Figures>, key: string, create: () => T) => {
        const entry = map.get(key) ?? { ...create(), householdsVisited: 0, enrollmentsOpened: 0, enrollmentsCompleted: 0 };
        map.set(key, entry);
        return entry;
      };
      const credit = (teamId: string, memberId: string, field: keyof Figures, value: number) => {
        // Work recorded without a team or member has no one to commend.
        if (teamId !== NO_ID) figuresOf(teams, teamId, () => ({ id: teamId, teamId }))[field] += value;
        if (memberId !== NO_ID) figuresOf(members, `${memberId}|${teamId}`, () => ({ id: `${memberId}|${teamId}`, teamId, memberId }))[field] += value;
      };
      for (const row of done) credit(row.teamId, row.memberId, row.serviceCode === null ? 'householdsVisited' : 'enrollmentsOpened', row.value);
      for (const row of completed) credit(row.teamId, row.memberId, 'enrollmentsCompleted', row.value);

      const lastPlannedDay = [window.to, window.today].sort()[0];
      const planned = lastPlannedDay >= window.from ? plannedByTeamDay(plans, window.from, lastPlannedDay) : new Map();
      const plannedHouseholds = (teamId: string): number | null => {
        const days = planned.get(teamId);
        return days ? [...days.values()].reduce((sum, day) => sum + day.households, 0) : null;
      };
      return {
        communeCode,
        from: window.from,
        to: window.to,
        verifiedOnly,
        teams: rankByFigures([...teams.values()], limit).map(({ rank, teamId, householdsVisited, enrollmentsOpened, enrollmentsCompleted }) => ({
          rank,
          teamId,
          teamName: teamNames.get(teamId) ?? null,
          householdsVisited,
          enrollmentsOpened,
          enrollmentsCompleted,
          plannedHouseholds: plannedHouseholds(teamId),
          percentOfPlan: percentOfPlan(householdsVisited, plannedHouseholds(teamId)),
        })),
        members: rankByFigures([...members.values()], limit).map(({ rank, teamId, memberId, householdsVisited, enrollmentsOpened, enrollmentsCompleted }) => ({
          rank,
          memberId,
          teamId,
          teamName: teamNames.get(teamId) ?? null,
          householdsVisited,
          enrollmentsOpened,
          enrollmentsCompleted,
        })),
        dataAsOf,
      };
    });
  }
}
