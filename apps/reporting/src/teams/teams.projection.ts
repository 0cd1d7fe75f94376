import { TeamFormedV1, TeamMemberJoinedV1, TeamMemberLeftV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

/** Teams and who is in them, for leaderboards (ids and affiliation only; names stay in training). */
export async function applyTeams(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    if (event.type === TeamFormedV1.type) {
      const data = event.data as EventData<typeof TeamFormedV1>;
      await tx.query(
        `insert into teams (team_id, commune_code, province_code, kind, active_from, active_to) values ($1, $2, $3, $4, $5, $6)
         on conflict (team_id) do update set kind = excluded.kind, active_from = excluded.active_from, active_to = excluded.active_to`,
        [data.teamId, event.tenant, event.province, data.kind, data.activeFrom, data.activeTo ?? null],
      );
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
