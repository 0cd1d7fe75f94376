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
import type { EntityManager } from 'typeorm';

/**
 * Training's own view of communes, villages, households and residents, from registry events.
 * Communes' provinces come from CommuneOnboardedV1 (rememberCommunes; mismatching events are refused).
 */
export async function applyRegistryEvents(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await rememberCommunes(tx, events);
  for (const event of events) {
    if (event.type === HouseholdRegisteredV1.type) {
      const data = event.data as EventData<typeof HouseholdRegisteredV1>;
      // The village's own events carry its name; a household's copy may predate a rename delivered on another partition.
      await tx.query('insert into known_villages (id, commune_code, code, name) values ($1, $2, $3, $4) on conflict (id) do nothing', [
        data.villageId,
        event.tenant,
        data.villageCode,
        data.villageName,
      ]);
      await tx.query('insert into known_households (id, commune_code, village_id) values ($1, $2, $3) on conflict (id) do nothing', [data.householdId, event.tenant, data.villageId]);
    } else if (event.type === HouseholdMovedV1.type) {
      const data = event.data as EventData<typeof HouseholdMovedV1>;
      await tx.query('insert into known_villages (id, commune_code, code, name) values ($1, $2, $3, $4) on conflict (id) do nothing', [data.toVillageId, event.tenant, data.toVillageCode, data.toVillageName]);
      await tx.query('insert into known_households (id, commune_code, village_id) values ($1, $2, $3) on conflict (id) do update set village_id = excluded.village_id', [data.householdId, event.tenant, data.toVillageId]);
    } else if (event.type === VillageRegisteredV1.type) {
      const data = event.data as EventData<typeof VillageRegisteredV1>;
      await tx.query('insert into known_villages (id, commune_code, code, name) values ($1, $2, $3, $4) on conflict (id) do update set code = excluded.code, name = excluded.name', [
        data.villageId,
        data.communeCode,
        data.villageCode,
        data.villageName,
      ]);
    } else if (event.type === VillageRenamedV1.type) {
      const data = event.data as EventData<typeof VillageRenamedV1>;
      // Registration is delivered first (same key: the commune); a rename of an unknown village has nothing to rename.
      await tx.query('update known_villages set name = $2 where id = $1', [data.villageId, data.villageName]);
    } else if (event.type === ResidentRegisteredV1.type || event.type === ResidentUpdatedV1.type) {
      const data = event.data as EventData<typeof ResidentRegisteredV1>;
      await tx.query('insert into known_residents (id, commune_code, village_id) values ($1, $2, $3) on conflict (id) do update set village_id = excluded.village_id', [data.residentId, event.tenant, data.villageId]);
    } else if (event.type === ResidentMovedOutV1.type || event.type === ResidentDeceasedV1.type) {
      const data = event.data as EventData<typeof ResidentMovedOutV1>;
      await tx.query('update known_residents set status = $2 where id = $1', [data.residentId, event.type === ResidentDeceasedV1.type ? 'deceased' : 'moved_out']);
    }
  }
}
