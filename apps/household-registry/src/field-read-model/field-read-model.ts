import {
  EnrollmentStepReviewedV1,
  PlanPublishedV1,
  PlanWithdrawnV1,
  TeamFormedV1,
  TeamMemberJoinedV1,
  TeamMemberLeftV1,
  TeamVillagesAssignedV1,
  type EventData,
  type EventEnvelope,
} from '@dtc/contracts';
import { provinceMismatches, RejectedEventsError } from '@dtc/messaging';
import { vietnamDay } from '@dtc/platform';
import type { EntityManager } from 'typeorm';
import { applyEnrollmentStates, enrollmentStateOf, type EnrollmentState } from './field-enrollments';

/** Households whose work-list items an applied batch changed: by id, by village or by resident. */
interface Touched {
  householdIds: Set<string>;
  villageIds: Set<string>;
  residentIds: Set<string>;
}

/**
 * Applies training and enrollment events to the registry's field read model (teams, members,
 * villages, plans, residents' enrollments) and marks the work-list items they change. Every apply
 * is order-tolerant: memberships and villages keep the latest occurredAt, plans the highest
 * version, enrollments the latest state, so a redelivered or late event never undoes a newer one.
 */
export async function applyFieldEvents(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await refuseForeignProvinces(tx, events);
  const touched: Touched = { householdIds: new Set(), villageIds: new Set(), residentIds: new Set() };
  // Openings and transitions are applied together, up to the next review (which reads their rows).
  let states: EnrollmentState[] = [];
  for (const event of events) {
    const state = enrollmentStateOf(event);
    if (state) {
      states.push(state);
      touched.residentIds.add(state.residentId);
      continue;
    }
    if (event.type === EnrollmentStepReviewedV1.type) {
      await applyEnrollmentStates(tx, states);
      states = [];
    }
    await applyOne(tx, event, touched);
  }
  await applyEnrollmentStates(tx, states);
  await markHouseholdsChanged(tx, touched);
}

/**
 * The registry is the authority on its communes: a training or enrollment event whose envelope
 * names another province than the commune's is refused (the runner dead-letters it). Events of a
 * commune the registry does not have are applied as before; nothing here is scoped by province.
 */
async function refuseForeignProvinces(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const tenants = [...new Set(events.map((event) => event.tenant))];
  const communes: Array<{ code: string; province_code: string }> = await tx.query('select code, province_code from communes where code = any($1::text[])', [tenants]);
  const refused = provinceMismatches(events, new Map(communes.map((commune) => [commune.code, commune.province_code])));
  if (refused.size > 0) throw new RejectedEventsError('province_mismatch', refused);
}

async function applyOne(tx: EntityManager, event: EventEnvelope, touched: Touched): Promise<void> {
  const commune = event.tenant;
  switch (event.type) {
    case TeamFormedV1.type:
      await knowTeam(tx, (event.data as EventData<typeof TeamFormedV1>).teamId, commune);
      return;
    case TeamMemberJoinedV1.type:
    case TeamMemberLeftV1.type: {
      const data = event.data as EventData<typeof TeamMemberLeftV1>;
      await knowTeam(tx, data.teamId, commune);
      // Membership changes no item: a caller whose teams changed gets a full list (the cursor names the teams).
      await tx.query(
        `insert into field_team_members (team_id, member_id, active, changed_at) values ($1, $2, $3, $4)
         on conflict (team_id, member_id) do update set active = excluded.active, changed_at = excluded.changed_at
         where field_team_members.changed_at <= excluded.changed_at`,
        [data.teamId, data.memberId, event.type === TeamMemberJoinedV1.type, data.occurredAt],
      );
      return;
    }
    case TeamVillagesAssignedV1.type: {
      const data = event.data as EventData<typeof TeamVillagesAssignedV1>;
      await knowTeam(tx, data.teamId, commune);
      const [team] = await tx.query('select villages_at from field_teams where team_id = $1 for update', [data.teamId]);
      if (team.villages_at && new Date(team.villages_at).getTime() > Date.parse(data.occurredAt)) return;
      const before: Array<{ village_id: string }> = await tx.query('select village_id from field_team_villages where team_id = $1', [data.teamId]);
      await tx.query('delete from field_team_villages where team_id = $1', [data.teamId]);
      await tx.query('insert into field_team_villages (team_id, village_id) select $1::uuid, unnest($2::uuid[]) on conflict do nothing', [data.teamId, data.villageIds]);
      await tx.query('update field_teams set villages_at = $2 where team_id = $1', [data.teamId, data.occurredAt]);
      await rememberScope(tx, data.teamId, commune, data.villageIds, []);
      for (const id of [...before.map((row) => row.village_id), ...data.villageIds]) touched.villageIds.add(id);
      return;
    }
    case PlanPublishedV1.type: {
      const data = event.data as EventData<typeof PlanPublishedV1>;
      await knowTeam(tx, data.teamId, commune);
      const before = await currentPlan(tx, data.planId);
      if (before && before.version >= data.version) return;
      await tx.query(
        `insert into field_plans (plan_id, commune_code, version, team_id, starts_on, ends_on, village_ids, household_ids, withdrawn)
         values ($1, $2, $3, $4, $5, $6, $7, $8, false)
         on conflict (plan_id) do update set version = excluded.version, team_id = excluded.team_id, starts_on = excluded.starts_on, ends_on = excluded.ends_on,
           village_ids = excluded.village_ids, household_ids = excluded.household_ids, withdrawn = false`,
        [data.planId, commune, data.version, data.teamId, data.startsOn, data.endsOn, data.villageIds, data.householdIds],
      );
      await rememberScope(tx, data.teamId, commune, data.villageIds, data.householdIds);
      touchPlan(touched, before);
      touchPlan(touched, { village_ids: data.villageIds, household_ids: data.householdIds });
      return;
    }
    case PlanWithdrawnV1.type: {
      const data = event.data as EventData<typeof PlanWithdrawnV1>;
      const before = await currentPlan(tx, data.planId);
      if (before && before.version >= data.version) return;
      // A withdrawal seen before its plan is kept (empty, withdrawn) so the late versions stay ignored.
      const day = vietnamDay(data.occurredAt);
      await tx.query(
        `insert into field_plans (plan_id, commune_code, version, team_id, starts_on, ends_on, village_ids, household_ids, withdrawn)
         values ($1, $2, $3, $4, $5, $5, '{}', '{}', true)
         on conflict (plan_id) do update set version = excluded.version, withdrawn = true`,
        [data.planId, commune, data.version, data.teamId, day],
      );
      touchPlan(touched, before);
      return;
    }
    case EnrollmentStepReviewedV1.type:
      await applyReview(tx, event, touched);
      return;
    default:
      return;
  }
}

async function applyReview(tx: EntityManager, event: EventEnvelope, touched: Touched): Promise<void> {
  const review = event.data as EventData<typeof EnrollmentStepReviewedV1>;
  if (review.subjectType !== 'resident' || !review.residentId) return;
  await tx.query(
    'insert into field_enrollments (enrollment_id, commune_code, resident_id, service_code, state, state_at) values ($1, $2, $3, $4, $5, $6) on conflict (enrollment_id) do nothing',
    [review.enrollmentId, event.tenant, review.residentId, review.serviceCode, review.stepState, review.stepOccurredAt],
  );
  // The latest review decides; a return older than the enrollment's latest step is already answered.
  await tx.query(
    `update field_enrollments set reviewed_at = $2,
       returned_reason = case when $3::text = 'returned' and state_at <= $2 then $4 else null end
     where enrollment_id = $1 and (reviewed_at is null or reviewed_at <= $2)`,
    [review.enrollmentId, review.occurredAt, review.verdict, review.reason ?? 'returned on review'],
  );
  touched.residentIds.add(review.residentId);
}

async function knowTeam(tx: EntityManager, teamId: string, commune: string): Promise<void> {
  await tx.query('insert into field_teams (team_id, commune_code) values ($1, $2) on conflict (team_id) do nothing', [teamId, commune]);
}

async function currentPlan(tx: EntityManager, planId: string): Promise<{ version: number; village_ids: string[]; household_ids: string[] } | undefined> {
  const [plan] = await tx.query('select version, village_ids, household_ids from field_plans where plan_id = $1 for update', [planId]);
  return plan;
}

async function rememberScope(tx: EntityManager, teamId: string, commune: string, villageIds: string[], householdIds: string[]): Promise<void> {
  await tx.query(
    `insert into field_team_scope_history (team_id, commune_code, kind, target_id)
     select $1::uuid, $2::char(5), 'village', unnest($3::uuid[]) union all select $1::uuid, $2::char(5), 'household', unnest($4::uuid[])
     on conflict do nothing`,
    [teamId, commune, villageIds, householdIds],
  );
}

function touchPlan(touched: Touched, plan: { village_ids: string[]; household_ids: string[] } | undefined): void {
  for (const id of plan?.village_ids ?? []) touched.villageIds.add(id);
  for (const id of plan?.household_ids ?? []) touched.householdIds.add(id);
}

/** One statement per batch, in household order (concurrent batches lock the same rows in the same order). */
async function markHouseholdsChanged(tx: EntityManager, touched: Touched): Promise<void> {
  if (touched.householdIds.size + touched.villageIds.size + touched.residentIds.size === 0) return;
  await tx.query(
    `insert into work_list_changes (household_id, commune_code, changed_xid)
     select h.id, h.commune_code, pg_current_xact_id() from households h
     where h.id = any($1::uuid[]) or h.village_id = any($2::uuid[]) or h.id in (select household_id from residents where id = any($3::uuid[]))
     order by h.id
     on conflict (household_id) do update set changed_xid = excluded.changed_xid where work_list_changes.changed_xid <> excluded.changed_xid`,
    [[...touched.householdIds], [...touched.villageIds], [...touched.residentIds]],
  );
}
