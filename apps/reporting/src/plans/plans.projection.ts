import { PlanPublishedV1, PlanWithdrawnV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Every accepted version of every micro-plan, in full; the per-day targets are derived when read
 * (plan-days.ts). A version no newer than one already applied is ignored (a late or repeated
 * publication never rolls a plan back). A withdrawal is kept as a version of its own kind.
 */
export async function applyPlans(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  for (const event of events) {
    if (event.type === PlanPublishedV1.type) {
      const data = event.data as EventData<typeof PlanPublishedV1>;
      await tx.query(
        `insert into plan_versions (plan_id, version, kind, commune_code, province_code, team_id, starts_on, ends_on, households_per_day, enrollments_per_day, village_ids, household_ids, occurred_at)
         select $1, $2, 'published', $3, $4, $5, $6, $7, $8, $9::jsonb, $10::uuid[], $11::uuid[], $12
         where not exists (select 1 from plan_versions where plan_id = $1 and version >= $2)
         on conflict do nothing`,
        [data.planId, data.version, event.tenant, event.province, data.teamId, data.startsOn, data.endsOn, data.householdsPerDay, JSON.stringify(data.enrollmentsPerDay), data.villageIds, data.householdIds, data.occurredAt],
      );
    } else if (event.type === PlanWithdrawnV1.type) {
      const data = event.data as EventData<typeof PlanWithdrawnV1>;
      // A withdrawal may carry the number of the version it withdraws, or the next one.
      await tx.query(
        `insert into plan_versions (plan_id, version, kind, commune_code, province_code, team_id, occurred_at)
         select $1, $2, 'withdrawn', $3, $4, $5, $6
         where not exists (select 1 from plan_versions where plan_id = $1 and (version > $2 or (kind = 'withdrawn' and version = $2)))
         on conflict do nothing`,
        [data.planId, data.version, event.tenant, event.province, data.teamId, data.occurredAt],
      );
    }
  }
}
