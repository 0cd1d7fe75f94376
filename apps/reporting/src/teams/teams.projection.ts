import { TeamFormedV1, TeamMemberJoinedV1, TeamMemberLeftV1, TeamRenamedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

/** Teams, their public names and who is in them, for leaderboards (ids and affiliation only; member names stay in training). */
export async function applyTeams(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    if (event.type === TeamFormedV1.type) {
      const data = event.data as EventData<typeof TeamFormedV1>;
      // A name only replaces one given at the same moment or earlier (a rename is never undone by a replayed formation).
      await tx.query(
        `insert into teams (team_id, commune_code, province_code, kind, active_from, active_to, team_name, team_named_at) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (team_id) do update set kind = excluded.kind, active_from = excluded.active_from, active_to = excluded.active_to,
           team_name = case when excluded.team_name is not null and (teams.team_named_at is null or excluded.team_named_at >= teams.team_named_at) then excluded.team_name else teams.team_name end,
           team_named_at = case when excluded.team_name is not null and (teams.team_named_at is null or excluded.team_named_at >= teams.team_named_at) then excluded.team_named_at else teams.team_named_at end`,
        [data.teamId, event.tenant, event.province, data.kind, data.activeFrom, data.activeTo ?? null, data.teamName ?? null, data.teamName ? data.occurredAt : null],
      );
    } else if (event.type === TeamRenamedV1.type) {
      const data = event.data as EventData<typeof TeamRenamedV1>;
      await tx.query('update teams set team_name = $2, team_named_at = $3 where team_id = $1 and (team_named_at is null or team_named_at <= $3)', [data.teamId, data.teamName, data.occurredAt]);
    } else if (event.type === TeamMemberJoinedV1.type) {
      const data = event.data as EventData<typeof TeamMemberJoinedV1>;
      await tx.query(
        `insert into team_members (team_id, member_id, affiliation, active) values ($1, $2, $3, true)
         on conflict (team_id, member_id) do update set affiliation = excluded.affiliation, active = true`,
        [data.teamId, data.memberId, data.affiliation],
      );
    } else if (event.type === TeamMemberLeftV1.type) {
      const data = event.data as EventData<typeof TeamMemberLeftV1>;
      await tx.query(
        `insert into team_members (team_id, member_id, affiliation, active) values ($1, $2, null, false)
         on conflict (team_id, member_id) do update set active = false`,
        [data.teamId, data.memberId],
      );
    }
  }
}
