import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { createEvent, PlanPublishedV1, PlanWithdrawnV1 } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { inTransaction, type WriteContext } from '@dtc/offline-sync';
import { recordAudit } from '@dtc/persistence';
import { assertVersion, type Principal, resolveOccurredAt, unprocessable } from '@dtc/platform';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { assertCommune, assertHouseholdsOfCommune, assertKnownCommune, assertVillagesOfCommune, assertVisible } from '../common/scope';
import { decidePlanUpdate, decidePlanWithdrawal, normalisePlanState, planStateProblem, teamCoverProblem, type PlanState, type PlanStatus } from './plan-rules';
import type { CreatePlanDto, PlanDetailView, PlanQuery, PlanView, PlanVersionView, UpdatePlanDto, WithdrawPlanDto } from './plans.dto';

interface PlanRow {
  id: string;
  commune_code: string;
  team_id: string;
  starts_on: string;
  ends_on: string;
  village_ids: string[];
  household_ids: string[];
  households_per_day: number;
  enrollments_per_day: Array<{ serviceCode: string; perDay: number }>;
  status: PlanStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const PLAN_COLUMNS = `id, commune_code, team_id, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(ends_on, 'YYYY-MM-DD') as ends_on, village_ids, household_ids,
  households_per_day, enrollments_per_day, status, version, created_at, updated_at`;

const ALL_FIELDS: Array<keyof PlanState> = ['teamId', 'startsOn', 'endsOn', 'villageIds', 'householdIds', 'householdsPerDay', 'enrollmentsPerDay'];

/**
 * Micro-plans: which team covers which villages (or listed households) between two Vietnam days,
 * with daily targets. Every change is a new version, kept in plan_versions and published in full.
 */
@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messaging: MessagingService,
  ) {}

  async create(input: CreatePlanDto, principal: Principal, context: WriteContext = {}): Promise<PlanView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    const state = stateOf(input);
    assertNoProblem(state);
    return inTransaction(this.dataSource, context, async (tx) => {
      const province = await assertKnownCommune(tx, principal, input.communeCode);
      await this.assertCoverable(tx, input.communeCode, state);
      const id = randomUUID();
      await tx.query(
        `insert into plans (id, commune_code, team_id, starts_on, ends_on, village_ids, household_ids, households_per_day, enrollments_per_day, created_at, created_by, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)`,
        [id, input.communeCode, state.teamId, state.startsOn, state.endsOn, state.villageIds, state.householdIds, state.householdsPerDay, JSON.stringify(state.enrollmentsPerDay), at, principal.subject],
      );
      await this.recordVersion(tx, id, 1, 'published', ALL_FIELDS, state, principal, at);
      await recordAudit(tx, principal, { communeCode: input.communeCode, action: 'publish', entity: 'plan', entityId: id, fields: ALL_FIELDS });
      await this.messaging.outbox.append(tx, [
        createEvent(PlanPublishedV1, { tenant: input.communeCode, province, subject: id, time: at, correlationId: context.correlationId }, { planId: id, version: 1, ...state, occurredAt: at.toISOString() }),
      ]);
      return this.view(tx, id);
    });
  }

  async update(id: string, input: UpdatePlanDto, principal: Principal, context: WriteContext = {}): Promise<PlanView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    const next = stateOf(input);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, province } = await this.lockPlan(tx, id, principal);
      const decision = decidePlanUpdate({ version: row.version, status: row.status, state: stateOfRow(row) }, input.version, next);
      if (decision.kind === 'stale') assertVersion('The plan', input.version, decision.currentVersion);
      if (decision.kind === 'withdrawn') throw withdrawnConflict(row.version);
      if (decision.kind !== 'changed') return this.view(tx, id);
      assertNoProblem(next);
      await this.assertCoverable(tx, row.commune_code, next);
      await tx.query(
        `update plans set team_id = $2, starts_on = $3, ends_on = $4, village_ids = $5, household_ids = $6, households_per_day = $7, enrollments_per_day = $8, version = $9, updated_at = $10
         where id = $1`,
        [id, next.teamId, next.startsOn, next.endsOn, next.villageIds, next.householdIds, next.householdsPerDay, JSON.stringify(next.enrollmentsPerDay), decision.version, at],
      );
      await this.recordVersion(tx, id, decision.version, decision.change, decision.fields, next, principal, at, { previousTeamId: decision.previousTeamId });
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: decision.change === 'reassigned' ? 'reassign' : 'change', entity: 'plan', entityId: id, fields: decision.fields });
      await this.messaging.outbox.append(tx, [
        createEvent(
          PlanPublishedV1,
          { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId },
          { planId: id, version: decision.version, ...next, ...(decision.previousTeamId ? { previousTeamId: decision.previousTeamId } : {}), occurredAt: at.toISOString() },
        ),
      ]);
      return this.view(tx, id);
    });
  }

  async withdraw(id: string, input: WithdrawPlanDto, principal: Principal, context: WriteContext = {}): Promise<PlanView> {
    const at = resolveOccurredAt('occurredAt', undefined, context.occurredAt);
    return inTransaction(this.dataSource, context, async (tx) => {
      const { row, province } = await this.lockPlan(tx, id, principal);
      const decision = decidePlanWithdrawal({ version: row.version, status: row.status }, input.version);
      if (decision.kind === 'stale') assertVersion('The plan', input.version, decision.currentVersion);
      if (decision.kind !== 'withdraw') throw withdrawnConflict(row.version);
      await tx.query("update plans set status = 'withdrawn', version = $2, updated_at = $3 where id = $1", [id, decision.version, at]);
      await this.recordVersion(tx, id, decision.version, 'withdrawn', ['status'], stateOfRow(row), principal, at, { reason: input.reason });
      await recordAudit(tx, principal, { communeCode: row.commune_code, action: 'withdraw', entity: 'plan', entityId: id, fields: input.reason ? ['version', 'reason'] : ['version'] });
      await this.messaging.outbox.append(tx, [
        createEvent(
          PlanWithdrawnV1,
          { tenant: row.commune_code, province, subject: id, time: at, correlationId: context.correlationId },
          { planId: id, version: decision.version, teamId: row.team_id, ...(input.reason ? { reason: input.reason } : {}), occurredAt: at.toISOString() },
        ),
      ]);
      return this.view(tx, id);
    });
  }

  async get(id: string, principal: Principal): Promise<PlanDetailView> {
    const tx = this.dataSource.manager;
    const [row]: PlanRow[] = await tx.query('select commune_code, team_id from plans where id = $1', [id]);
    if (!row) throw new NotFoundException(`Plan ${id} not found`);
    await assertVisible(tx, principal, row.commune_code, 'Plan', id);
    // A field agent (token subject = member id) sees the plans of the teams they are in now.
    if (principal.role === 'field_agent' && !(await isActiveMember(tx, row.team_id, principal.subject))) throw new NotFoundException(`Plan ${id} not found`);
    const versions: Array<{ version: number; change: string; changed_fields: string[]; changed_by: string; changed_at: Date; previous_team_id: string | null; reason: string | null; state: PlanState }> = await tx.query(
      'select version, change, changed_fields, changed_by, changed_at, previous_team_id, reason, state from plan_versions where plan_id = $1 order by version',
      [id],
    );
    const history: PlanVersionView[] = versions.map((v) => ({
      version: v.version,
      change: v.change,
      changedFields: v.changed_fields,
      changedBy: v.changed_by,
      changedAt: new Date(v.changed_at).toISOString(),
      previousTeamId: v.previous_team_id,
      reason: v.reason,
      state: v.state,
    }));
    return { ...(await this.view(tx, id)), history };
  }

  async list(query: PlanQuery, principal: Principal): Promise<PlanView[]> {
    await assertCommune(this.dataSource.manager, principal, query.communeCode);
    const memberFilter = principal.role === 'field_agent' ? principal.subject : null;
    const rows: PlanRow[] = await this.dataSource.query(
      `select ${PLAN_COLUMNS} from plans p
       where p.commune_code = $1
         and ($2::uuid is null or p.team_id = $2::uuid)
         and ($3::date is null or (p.status = 'active' and p.starts_on <= $3::date and p.ends_on >= $3::date))
         and ($4::text is null or exists (select 1 from memberships m where m.team_id = p.team_id and m.member_id::text = $4 and m.left_at is null))
       order by p.starts_on desc, p.created_at desc, p.id
       limit $5`,
      [query.communeCode, query.teamId ?? null, query.activeOn ?? null, memberFilter, query.limit ?? 100],
    );
    return rows.map(toView);
  }

  /** The team is the commune's and active over the plan; villages and households are the commune's, known from the registry. */
  private async assertCoverable(tx: EntityManager, communeCode: string, state: PlanState): Promise<void> {
    const [team]: Array<{ commune_code: string; active_from: string; active_to: string | null }> = await tx.query(
      "select commune_code, to_char(active_from, 'YYYY-MM-DD') as active_from, to_char(active_to, 'YYYY-MM-DD') as active_to from teams where id = $1 for share",
      [state.teamId],
    );
    if (!team || team.commune_code !== communeCode) throw unprocessable('teamId', 'unknown team of this commune');
    const problem = teamCoverProblem({ activeFrom: team.active_from, activeTo: team.active_to }, state);
    if (problem) throw unprocessable(problem.field, problem.reason);
    await assertVillagesOfCommune(tx, communeCode, state.villageIds, 'villageIds');
    await assertHouseholdsOfCommune(tx, communeCode, state.householdIds, 'householdIds');
  }

  private async lockPlan(tx: EntityManager, id: string, principal: Principal): Promise<{ row: PlanRow; province: string }> {
    const [row]: PlanRow[] = await tx.query(`select ${PLAN_COLUMNS} from plans where id = $1 for update`, [id]);
    if (!row) throw new NotFoundException(`Plan ${id} not found`);
    const province = await assertVisible(tx, principal, row.commune_code, 'Plan', id);
    return { row, province };
  }

  private async recordVersion(
    tx: EntityManager,
    id: string,
    version: number,
    change: string,
    fields: readonly string[],
    state: PlanState,
    principal: Principal,
    at: Date,
    extra: { previousTeamId?: string; reason?: string } = {},
  ): Promise<void> {
    await tx.query(
      'insert into plan_versions (plan_id, version, change, changed_fields, state, previous_team_id, reason, changed_by, changed_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [id, version, change, fields, JSON.stringify(state), extra.previousTeamId ?? null, extra.reason ?? null, principal.subject, at],
    );
  }

  private async view(tx: EntityManager, id: string): Promise<PlanView> {
    const [row]: PlanRow[] = await tx.query(`select ${PLAN_COLUMNS} from plans where id = $1`, [id]);
    return toView(row);
  }
}

function stateOf(input: CreatePlanDto | UpdatePlanDto): PlanState {
  return normalisePlanState({
    teamId: input.teamId,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    villageIds: input.villageIds,
    householdIds: input.householdIds ?? [],
    householdsPerDay: input.householdsPerDay,
    enrollmentsPerDay: input.enrollmentsPerDay ?? [],
  });
}

function stateOfRow(row: PlanRow): PlanState {
  return normalisePlanState({
    teamId: row.team_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    villageIds: row.village_ids,
    householdIds: row.household_ids,
    householdsPerDay: row.households_per_day,
    enrollmentsPerDay: row.enrollments_per_day,
  });
}

function toView(row: PlanRow): PlanView {
  return {
    id: row.id,
    communeCode: row.commune_code,
    ...stateOfRow(row),
    version: row.version,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function assertNoProblem(state: PlanState): void {
  const problem = planStateProblem(state);
  if (problem) throw unprocessable(problem.field, problem.reason);
}

function withdrawnConflict(version: number): ConflictException {
  return new ConflictException({ message: 'The plan was withdrawn; publish a new plan instead', currentVersion: version, currentStatus: 'withdrawn' });
}

async function isActiveMember(tx: EntityManager, teamId: string, subject: string): Promise<boolean> {
  const rows = await tx.query('select 1 from memberships where team_id = $1 and member_id::text = $2 and left_at is null', [teamId, subject]);
  return rows.length > 0;
}
