import {
  HouseholdMovedV1,
  HouseholdRegisteredV1,
  ResidentDeceasedV1,
  ResidentMovedOutV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  VillageRegisteredV1,
  VillageRenamedV1,
  type EventData,
  type EventEnvelope,
} from '@dtc/contracts';
import { rememberCommunes } from '@dtc/messaging';
import { BatchWriter, type MergeableUpsert } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';

const KNOWN_VILLAGE: MergeableUpsert = { table: 'known_villages', columns: ['id', 'commune_code', 'code', 'name'], onConflict: 'on conflict (id) do nothing', repeatedKey: 'skip' };
const VILLAGE: MergeableUpsert = { ...KNOWN_VILLAGE, onConflict: 'on conflict (id) do update set code = excluded.code, name = excluded.name', repeatedKey: 'in-turn' };
const KNOWN_HOUSEHOLD: MergeableUpsert = { table: 'known_households', columns: ['id', 'commune_code', 'village_id'], onConflict: 'on conflict (id) do nothing', repeatedKey: 'skip' };
const HOUSEHOLD_MOVED: MergeableUpsert = { ...KNOWN_HOUSEHOLD, onConflict: 'on conflict (id) do update set village_id = excluded.village_id', repeatedKey: 'in-turn' };
const KNOWN_RESIDENT: MergeableUpsert = {
  table: 'known_residents',
  columns: ['id', 'commune_code', 'village_id'],
  onConflict: 'on conflict (id) do update set village_id = excluded.village_id',
  repeatedKey: 'in-turn',
};

/**
 * Training's own view of communes, villages, households and residents, from registry events.
 * Communes' provinces come from CommuneOnboardedV1 (rememberCommunes; mismatching events are refused).
 * A batch's rows go in with one statement per table where event order allows (BatchWriter).
 */
export async function applyRegistryEvents(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await rememberCommunes(tx, events);
  const writer = new BatchWriter(tx);
  for (const event of events) {
    if (event.type === HouseholdRegisteredV1.type) {
      const data = event.data as EventData<typeof HouseholdRegisteredV1>;
      // The village's own events carry its name; a household's copy may predate a rename delivered on another partition.
      await writer.upsert(KNOWN_VILLAGE, data.villageId, [data.villageId, event.tenant, data.villageCode, data.villageName]);
      await writer.upsert(KNOWN_HOUSEHOLD, data.householdId, [data.householdId, event.tenant, data.villageId]);
    } else if (event.type === HouseholdMovedV1.type) {
      const data = event.data as EventData<typeof HouseholdMovedV1>;
      await writer.upsert(KNOWN_VILLAGE, data.toVillageId, [data.toVillageId, event.tenant, data.toVillageCode, data.toVillageName]);
      await writer.upsert(HOUSEHOLD_MOVED, data.householdId, [data.householdId, event.tenant, data.toVillageId]);
    } else if (event.type === VillageRegisteredV1.type) {
      const data = event.data as EventData<typeof VillageRegisteredV1>;
      await writer.upsert(VILLAGE, data.villageId, [data.villageId, data.communeCode, data.villageCode, data.villageName]);
    } else if (event.type === VillageRenamedV1.type) {
      const data = event.data as EventData<typeof VillageRenamedV1>;
      // Registration is delivered first (same key: the commune); a rename of an unknown village has nothing to rename.
      await writer.query('update known_villages set name = $2 where id = $1', [data.villageId, data.villageName]);
    } else if (event.type === ResidentRegisteredV1.type || event.type === ResidentUpdatedV1.type) {
      const data = event.data as EventData<typeof ResidentRegisteredV1>;
      await writer.upsert(KNOWN_RESIDENT, data.residentId, [data.residentId, event.tenant, data.villageId]);
    } else if (event.type === ResidentMovedOutV1.type || event.type === ResidentDeceasedV1.type) {
      const data = event.data as EventData<typeof ResidentMovedOutV1>;
      await writer.query('update known_residents set status = $2 where id = $1', [data.residentId, event.type === ResidentDeceasedV1.type ? 'deceased' : 'moved_out']);
    }
  }
  await writer.flush();
}
