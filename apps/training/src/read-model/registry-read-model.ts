import { HouseholdMovedV1, HouseholdRegisteredV1, ResidentDeceasedV1, ResidentMovedOutV1, ResidentRegisteredV1, ResidentUpdatedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import { rememberCommunes } from '@dtc/messaging';
import type { EntityManager } from 'typeorm';

/** Training's own view of communes, villages and residents, from registry events. */
export async function applyRegistryEvents(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await rememberCommunes(tx, events);
  for (const event of events) {
    if (event.type === HouseholdRegisteredV1.type) {
      const data = event.data as EventData<typeof HouseholdRegisteredV1>;
      await tx.query('insert into known_villages (id, commune_code, code, name) values ($1, $2, $3, $4) on conflict (id) do update set code = excluded.code, name = excluded.name', [
        data.villageId,
        event.tenant,
        data.villageCode,
        data.villageName,
      ]);
    } else if (event.type === HouseholdMovedV1.type) {
      const data = event.data as EventData<typeof HouseholdMovedV1>;
      await tx.query('insert into known_villages (id, commune_code, code, name) values ($1, $2, $3, $4) on conflict (id) do nothing', [data.toVillageId, event.tenant, data.toVillageCode, data.toVillageName]);
    } else if (event.type === ResidentRegisteredV1.type || event.type === ResidentUpdatedV1.type) {
      const data = event.data as EventData<typeof ResidentRegisteredV1>;
      await tx.query('insert into known_residents (id, commune_code, village_id) values ($1, $2, $3) on conflict (id) do update set village_id = excluded.village_id', [data.residentId, event.tenant, data.villageId]);
    } else if (event.type === ResidentMovedOutV1.type || event.type === ResidentDeceasedV1.type) {
      const data = event.data as EventData<typeof ResidentMovedOutV1>;
      await tx.query('update known_residents set status = $2 where id = $1', [data.residentId, event.type === ResidentDeceasedV1.type ? 'deceased' : 'moved_out']);
    }
  }
}
