import {
  HouseholdMovedV1,
  OrganisationRegisteredV1,
  ResidentDeceasedV1,
  ResidentMovedOutV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  type EventData,
  type EventEnvelope,
} from '@dtc/contracts';
import { rememberCommunes } from '@dtc/messaging';
import type { EntityManager } from 'typeorm';

/**
 * Applies registry events to enrollment's own read model (communes, residents, organisations)
 * and returns the ids of subjects that became known or changed.
 */
export async function applyRegistryEvents(tx: EntityManager, events: EventEnvelope[]): Promise<string[]> {
  await lockSubjects(tx, events);
  const touched: string[] = [];
  await rememberCommunes(tx, events);
  for (const event of events) {
    switch (event.type) {
      case ResidentRegisteredV1.type:
      case ResidentUpdatedV1.type: {
        const data = event.data as EventData<typeof ResidentRegisteredV1>;
        await tx.query(
          `insert into known_residents (id, commune_code, household_id, village_id, sex, birth_year, birth_month)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (id) do update set household_id = excluded.household_id, village_id = excluded.village_id, sex = excluded.sex,
             birth_year = excluded.birth_year, birth_month = excluded.birth_month, updated_at = now()`,
          [data.residentId, event.tenant, data.householdId, data.villageId, data.sex, data.birthYear, data.birthMonth],
        );
        touched.push(data.residentId);
        break;
      }
      case ResidentMovedOutV1.type:
      case ResidentDeceasedV1.type: {
        const data = event.data as EventData<typeof ResidentMovedOutV1>;
        await tx.query('update known_residents set status = $2, updated_at = now() where id = $1', [data.residentId, event.type === ResidentDeceasedV1.type ? 'deceased' : 'moved_out']);
        break;
      }
      case HouseholdMovedV1.type: {
        const data = event.data as EventData<typeof HouseholdMovedV1>;
        await tx.query('update known_residents set village_id = $2, updated_at = now() where household_id = $1', [data.householdId, data.toVillageId]);
        break;
      }
      case OrganisationRegisteredV1.type: {
        const data = event.data as EventData<typeof OrganisationRegisteredV1>;
        await tx.query('insert into known_organisations (id, commune_code, village_id) values ($1, $2, $3) on conflict (id) do nothing', [data.organisationId, event.tenant, data.villageId]);
        touched.push(data.organisationId);
        break;
      }
      default:
        break;
    }
  }
  return touched;
}

/**
 * The same per-subject lock that an apply takes before it looks the subject up: either the apply
 * sees the subject, or this transaction sees the pending enrollment. Taken in sorted order.
 */
async function lockSubjects(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const ids = new Set<string>();
  for (const event of events) {
    const data = event.data as { residentId?: string; organisationId?: string };
    if (event.type === ResidentRegisteredV1.type || event.type === ResidentUpdatedV1.type) ids.add(data.residentId!);
    if (event.type === OrganisationRegisteredV1.type) ids.add(data.organisationId!);
  }
  for (const id of [...ids].sort()) await lockSubject(tx, id);
}

export async function lockSubject(tx: EntityManager, subjectId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('enrollment-subject:' || $1))", [subjectId]);
}
