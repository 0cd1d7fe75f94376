import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { createEvent, TeamFormedV1, TeamMemberJoinedV1, TeamMemberLeftV1, TeamRenamedV1, TeamVillagesAssignedV1, type EventEnvelope } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { inTransaction, type WriteContext } from '@dtc/offline-sync';
import { recordAudit, writtenFields } from '@dtc/persistence';
import { type Principal, resolveOccurredAt, unprocessable } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { assertCommune, assertKnownCommune, assertVillagesOfCommune, assertVisible } from '../common/scope';
import type { AssignVillagesDto, CommuneMemberView, FormTeamDto, JoinTeamDto, LeaveTeamDto, RenameTeamDto, TeamView } from './teams.dto';

interface TeamRow {
  id: string;
  commune_code: string;
  name: string;
  kind: string;
  active_from: string;
  active_to: string | null;
}

@Injectable()
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async form(input: FormTeamDto, principal: Principal, context: WriteContext = {}): Promise<TeamView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    if (input.activeTo && input.activeTo < input.activeFrom) throw unprocessable('activeTo', 'must not be before activeFrom');
    return inTransaction(this.dataSource, context, async (tx) => {
      const province = await assertKnownCommune(tx, principal, input.communeCode);
      await assertVillagesOfCommune(tx, input.communeCode, input.villageIds ?? [], 'villageIds');
      const id = randomUUID();
      // The formed event carries the name, so the team needs no announcement at start.
      await tx.query('insert into teams (id, commune_code, name, kind, active_from, active_to, created_by, name_announced_at) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
        id,
        input.communeCode,
        input.name,
        input.kind,
        input.activeFrom,
        input.activeTo ?? null,
        principal.subject,
        at,
      ]);
      const origin = { tenant: input.communeCode, province, subject: id, time: at, correlationId: context.correlationId };
      const events: EventEnvelope[] = [createEvent(TeamFormedV1, origin, { teamId: id, teamName: input.name, kind: input.kind, activeFrom: input.activeFrom, ...(input.activeTo ? { activeTo: input.activeTo } : {}), occurredAt: at.toISOString() })];
      if (input.villageIds?.length) {
        for (const villageId of input.villageIds) await tx.query('insert into team_villages (team_id, village_id, assigned_at) values ($1, $2, $3)', [id, villageId, at]);
        events.push(createEvent(TeamVillagesAssignedV1, origin, { teamId: id, villageIds: input.villageIds, occurredAt: at.toISOString() }));
      }
      await recordAudit(tx, principal, { communeCode: input.communeCode, action: 'form', entity: 'team', entityId: id, fields: writtenFields(input) });
      await this.messaging.outbox.append(tx, events);
      return this.view(tx, id);
    });
  }

  async join(teamId: string, input: JoinTeamDto, principal: Principal, context: WriteContext = {}): Promise<TeamView> {
    const at = resolveOccurredAt('joinedAt', input.joinedAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { team, province } = await this.lockTeam(tx, teamId, principal);
      let memberId = input.memberId;
      let affiliation = input.affiliation;
      if (memberId) {
        const [member] = await tx.query('select affiliation, commune_code from members where id = $1', [memberId]);
        if (!member || member.commune_code !== team.commune_code) throw unprocessable('memberId', 'unknown member of this commune');
        affiliation = member.affiliation;
      } else {
        if (!input.fullName) throw unprocessable('fullName', 'a new member needs a name');
        if (!input.affiliation) throw unprocessable('affiliation', 'a new member needs an affiliation');
        memberId = randomUUID();
        await tx.query('insert into members (id, commune_code, full_name, affiliation, phone) values ($1, $2, $3, $4, $5)', [memberId, team.commune_code, input.fullName, input.affiliation, input.phone ?? null]);
        await recordAudit(tx, principal, { communeCode: team.commune_code, action: 'register', entity: 'member', entityId: memberId, fields: writtenFields({ fullName: input.fullName, affiliation: input.affiliation, phone: input.phone }) });
      }
      const [current] = await tx.query('select 1 from memberships where team_id = $1 and member_id = $2 and left_at is null', [teamId, memberId]);
      if (current) throw new ConflictException({ message: 'The member is already in this team', fields: [{ field: 'memberId', reason: 'already a member' }] });
      await tx.query('insert into memberships (team_id, member_id, joined_at, recorded_by) values ($1, $2, $3, $4)', [teamId, memberId, at, principal.subject]);
      await recordAudit(tx, principal, { communeCode: team.commune_code, action: 'member-join', entity: 'team', entityId: teamId, fields: ['memberId', 'joinedAt'] });
      await this.messaging.outbox.append(tx, [
        createEvent(TeamMemberJoinedV1, { tenant: team.commune_code, province, subject: teamId, time: at, correlationId: context.correlationId }, { teamId, memberId, affiliation: affiliation!, occurredAt: at.toISOString() }),
      ]);
      return this.view(tx, teamId);
    });
  }

  async leave(teamId: string, memberId: string, input: LeaveTeamDto, principal: Principal, context: WriteContext = {}): Promise<TeamView> {
    const at = resolveOccurredAt('leftAt', input.leftAt, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { team, province } = await this.lockTeam(tx, teamId, principal);
      const [current] = await tx.query('select id, joined_at from memberships where team_id = $1 and member_id = $2 and left_at is null', [teamId, memberId]);
      if (!current) throw new ConflictException({ message: 'The member is not in this team', fields: [{ field: 'memberId', reason: 'not a current member' }] });
      if (at < new Date(current.joined_at)) throw unprocessable('leftAt', 'must not be before the member joined');
      await tx.query('update memberships set left_at = $2 where id = $1', [current.id, at]);
      await recordAudit(tx, principal, { communeCode: team.commune_code, action: 'member-leave', entity: 'team', entityId: teamId, fields: ['memberId', 'leftAt'] });
      await this.messaging.outbox.append(tx, [createEvent(TeamMemberLeftV1, { tenant: team.commune_code, province, subject: teamId, time: at, correlationId: context.correlationId }, { teamId, memberId, occurredAt: at.toISOString() })]);
      return this.view(tx, teamId);
    });
  }

  async assignVillages(teamId: string, input: AssignVillagesDto, principal: Principal, context: WriteContext = {}): Promise<TeamView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { team, province } = await this.lockTeam(tx, teamId, principal);
      await assertVillagesOfCommune(tx, team.commune_code, input.villageIds, 'villageIds');
      await tx.query('update team_villages set unassigned_at = $2 where team_id = $1 and unassigned_at is null and not (village_id = any($3::uuid[]))', [teamId, at, input.villageIds]);
      for (const villageId of input.villageIds) {
        await tx.query('insert into team_villages (team_id, village_id, assigned_at) values ($1, $2, $3) on conflict (team_id, village_id) where unassigned_at is null do nothing', [teamId, villageId, at]);
      }
      await recordAudit(tx, principal, { communeCode: team.commune_code, action: 'assign-villages', entity: 'team', entityId: teamId, fields: ['villageIds'] });
      await this.messaging.outbox.append(tx, [
        createEvent(TeamVillagesAssignedV1, { tenant: team.commune_code, province, subject: teamId, time: at, correlationId: context.correlationId }, { teamId, villageIds: input.villageIds, occurredAt: at.toISOString() }),
      ]);
      return this.view(tx, teamId);
    });
  }

  async rename(teamId: string, input: RenameTeamDto, principal: Principal, context: WriteContext = {}): Promise<TeamView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { team, province } = await this.lockTeam(tx, teamId, principal);
      if (team.name === input.name) return this.view(tx, teamId);
      await tx.query('update teams set name = $2, version = version + 1, name_announced_at = $3 where id = $1', [teamId, input.name, at]);
      await recordAudit(tx, principal, { communeCode: team.commune_code, action: 'rename', entity: 'team', entityId: teamId, fields: ['name'] });
      await this.messaging.outbox.append(tx, [
        createEvent(TeamRenamedV1, { tenant: team.commune_code, province, subject: teamId, time: at, correlationId: context.correlationId }, { teamId, teamName: input.name, occurredAt: at.toISOString() }),
      ]);
      return this.view(tx, teamId);
    });
  }

  /**
   * Teams formed before TeamFormedV1 carried the name are announced once with TeamRenamedV1:
   * claiming them and appending their events is one transaction (skip locked), so concurrent
   * instances announce each team once. Teams of a commune not known yet wait for a later start.
   */
  async announceUnannouncedNames(): Promise<number> {
    return this.messaging.outbox.announceClaimed<{ id: string; commune_code: string; name: string; province_code: string; name_announced_at: Date }>(
      this.dataSource,
      `update teams set name_announced_at = now() from known_communes k
       where k.code = teams.commune_code
         and teams.id in (select t.id from teams t where t.name_announced_at is null order by t.id for update skip locked)
       returning teams.id, teams.commune_code, teams.name, k.province_code, teams.name_announced_at`,
      (claimed) =>
        claimed.map((row) =>
          createEvent(TeamRenamedV1, { tenant: row.commune_code, province: row.province_code, subject: row.id, time: row.name_announced_at }, { teamId: row.id, teamName: row.name, occurredAt: row.name_announced_at.toISOString() }),
        ),
    );
  }

  async get(teamId: string, principal: Principal): Promise<TeamView> {
    const [team]: TeamRow[] = await this.dataSource.query('select commune_code from teams where id = $1', [teamId]);
    if (!team) throw new NotFoundException(`Team ${teamId} not found`);
    await assertVisible(this.dataSource.manager, principal, team.commune_code, 'Team', teamId);
    return this.view(this.dataSource.manager, teamId, seesPersonalData(principal, team.commune_code));
  }

  async list(communeCode: string, principal: Principal): Promise<TeamView[]> {
    await assertCommune(this.dataSource.manager, principal, communeCode);
    const rows: Array<{ id: string }> = await this.dataSource.query('select id from teams where commune_code = $1 order by name, id', [communeCode]);
    const withNames = seesPersonalData(principal, communeCode);
    return Promise.all(rows.map((row) => this.view(this.dataSource.manager, row.id, withNames)));
  }

  /** Members of a commune with their current teams: how the console resolves member ids in reports (personal data). */
  async listMembers(communeCode: string, principal: Principal): Promise<CommuneMemberView[]> {
    await assertCommune(this.dataSource.manager, principal, communeCode);
    if (!seesPersonalData(principal, communeCode)) throw new ForbiddenException('Member names are personal data of the commune');
    const rows: Array<{ id: string; full_name: string; affiliation: string; phone: string | null; teams: Array<{ teamId: string; teamName: string; joinedAt: string }> | null }> = await this.dataSource.query(
      `select p.id, p.full_name, p.affiliation, p.phone,
              (select json_agg(json_build_object('teamId', t.id, 'teamName', t.name, 'joinedAt', m.joined_at) order by m.joined_at, t.id)
                 from memberships m join teams t on t.id = m.team_id
                where m.member_id = p.id and m.left_at is null) as teams
         from members p where p.commune_code = $1 order by p.full_name, p.id`,
      [communeCode],
    );
    return rows.map((row) => ({
      id: row.id,
      fullName: row.full_name,
      affiliation: row.affiliation,
      phone: row.phone,
      teams: (row.teams ?? []).map((t) => ({ teamId: t.teamId, teamName: t.teamName, joinedAt: new Date(t.joinedAt).toISOString() })),
    }));
  }

  private async lockTeam(tx: EntityManager, teamId: string, principal: Principal) {
    const [team]: TeamRow[] = await tx.query('select * from teams where id = $1 for update', [teamId]);
    if (!team) throw new NotFoundException(`Team ${teamId} not found`);
    const province = await assertVisible(tx, principal, team.commune_code, 'Team', teamId);
    return { team, province };
  }

  /** Writes answer their managers (the commune's admins, operations), who may see names. */
  private async view(tx: EntityManager, teamId: string, withNames = true): Promise<TeamView> {
    const [team] = await tx.query("select id, commune_code, name, kind, to_char(active_from, 'YYYY-MM-DD') as active_from, to_char(active_to, 'YYYY-MM-DD') as active_to from teams where id = $1", [teamId]);
    const villages: Array<{ village_id: string }> = await tx.query('select village_id from team_villages where team_id = $1 and unassigned_at is null order by village_id', [teamId]);
    const memberships: Array<{ member_id: string; full_name: string; phone: string | null; affiliation: string; joined_at: Date; left_at: Date | null }> = await tx.query(
      'select m.member_id, p.full_name, p.phone, p.affiliation, m.joined_at, m.left_at from memberships m join members p on p.id = m.member_id where m.team_id = $1 order by m.joined_at, m.id',
      [teamId],
    );
    return {
      id: team.id,
      communeCode: team.commune_code,
      name: team.name,
      kind: team.kind,
      activeFrom: team.active_from,
      activeTo: team.active_to,
      villageIds: villages.map((v) => v.village_id),
      memberships: memberships.map((m) => ({
        memberId: m.member_id,
        ...(withNames ? { fullName: m.full_name, phone: m.phone } : {}),
        affiliation: m.affiliation,
        joinedAt: new Date(m.joined_at).toISOString(),
        leftAt: m.left_at ? new Date(m.left_at).toISOString() : null,
      })),
    };
  }
}

/** Members' names and phones: field agents and commune admins of the commune, and operations. */
function seesPersonalData(principal: Principal, communeCode: string): boolean {
  if (principal.role === 'operations') return true;
  return (principal.role === 'field_agent' || principal.role === 'commune_admin') && principal.communes.includes(communeCode);
}
