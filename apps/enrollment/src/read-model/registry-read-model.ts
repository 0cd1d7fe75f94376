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
import { BatchWriter, type MergeableUpsert } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';

const KNOWN_RESIDENT: MergeableUpsert = {
  table: 'known_residents',
  columns: ['id', 'commune_code', 'household_id', 'village_id', 'sex', 'birth_year', 'birth_month'],
  onConflict: `on conflict (id) do update set household_id = excluded.household_id, village_id = excluded.village_id, sex = excluded.sex,
    birth_year = excluded.birth_year, birth_month = excluded.birth_month, updated_at = now()`,
  repeatedKey: 'in-turn',
};

const KNOWN_ORGANISATION: MergeableUpsert = { table: 'known_organisations', columns: ['id', 'commune_code', 'village_id'], onConflict: 'on conflict (id) do nothing', repeatedKey: 'skip' };

/**
 * Applies registry events to enrollment's own read model (communes, residents, organisations)
 * and returns the ids of subjects that became known or changed. A batch's new residents go in
 * with one statement (BatchWriter), not one per event.
 */
export async function applyRegistryEvents(tx: EntityManager, events: EventEnvelope[]): Promise<string[]> {
  await lockSubjects(tx, subjectsOf(events));
  const touched: string[] = [];
  await rememberCommunes(tx, events);
  const writer = new BatchWriter(tx);
  for (const event of events) {
    switch (event.type) {
      case ResidentRegisteredV1.type:
      case ResidentUpdatedV1.type: {
        const data = event.data as EventData<typeof ResidentRegisteredV1>;
        await writer.upsert(KNOWN_RESIDENT, data.residentId, [data.residentId, event.tenant, data.householdId, data.villageId, data.sex, data.birthYear, data.birthMonth]);
        touched.push(data.residentId);
        break;
      }
      case ResidentMovedOutV1.type:
      case ResidentDeceasedV1.type: {
        const data = event.data as EventData<typeof ResidentMovedOutV1>;
        await writer.query('update known_residents set status = $2, updated_at = now() where id = $1', [data.residentId, event.type === ResidentDeceasedV1.type ? 'deceased' : 'moved_out']);
        break;
      }
      case HouseholdMovedV1.type: {
        const data = event.data as EventData<typeof HouseholdMovedV1>;
        await writer.query('update known_residents set village_id = $2, updated_at = now() where household_id = $1', [data.householdId, data.toVillageId]);
        break;
      }
      case OrganisationRegisteredV1.type: {
        const data = event.data as EventData<typeof OrganisationRegisteredV1>;
        await writer.upsert(KNOWN_ORGANISATION, data.organisationId, [data.organisationId, event.tenant, data.villageId]);
        touched.push(data.organisationId);
        break;
      }
      default:
        break;
    }
  }
  await writer.flush();
  return touched;
}

/** Residents and organisations that the events make known or change. */
function subjectsOf(events: EventEnvelope[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const data = event.data as { residentId?: string; organisationId?: string };
    if (event.type === ResidentRegisteredV1.type || event.type === ResidentUpdatedV1.type) ids.add(data.residentId!);
    if (event.type === OrganisationRegisteredV1.type) ids.add(data.organisationId!);
  }
  return [...ids];
}

/**
 * The per-subject lock that an apply takes before it looks the subject up: either the apply sees
 * the subject, or the transaction applying its registration sees the pending enrollment. Several
 * are taken with one statement, in sorted order (unnest keeps the array's order).
 */
export async function lockSubjects(tx: EntityManager, subjectIds: readonly string[]): Promise<void> {
  if (subjectIds.length === 0) return;
  await tx.query("select pg_advisory_xact_lock(hashtext('enrollment-subject:' || id)) from unnest($1::text[]) as id", [[...subjectIds].sort()]);
}
