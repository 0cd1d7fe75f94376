import { HouseholdMovedV1, HouseholdRegisteredV1, VillageRegisteredV1, VillageRenamedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { upsertRows } from '../projections/upsert';

export interface VillageName {
  villageId: string;
  communeCode: string;
  provinceCode: string;
  villageCode: string | null;
  villageName: string;
  namedAt: string;
}

/**
 * The name households last carried for each village, per batch: the latest by when it happened
 * (then by name), so the answer does not depend on the order partitions are read in.
 */
export function householdVillageNames(events: EventEnvelope[]): VillageName[] {
  const names = new Map<string, VillageName>();
  const offer = (event: EventEnvelope, villageId: string, villageCode: string, villageName: string, at: string) => {
    const current = names.get(villageId);
    if (current && (current.namedAt > at || (current.namedAt === at && current.villageName >= villageName))) return;
    names.set(villageId, { villageId, communeCode: event.tenant, provinceCode: event.province, villageCode, villageName, namedAt: at });
  };
  for (const event of events) {
    if (event.type === HouseholdRegisteredV1.type) {
      const data = event.data as EventData<typeof HouseholdRegisteredV1>;
      offer(event, data.villageId, data.villageCode, data.villageName, new Date(data.occurredAt).toISOString());
    } else if (event.type === HouseholdMovedV1.type) {
      const data = event.data as EventData<typeof HouseholdMovedV1>;
      offer(event, data.toVillageId, data.toVillageCode, data.toVillageName, new Date(data.occurredAt).toISOString());
    }
  }
  return [...names.values()].sort((a, b) => (a.villageId < b.villageId ? -1 : a.villageId > b.villageId ? 1 : 0));
}

/**
 * Village names: the registry's village events are the truth (registered, then renamed, in order
 * on the commune's partition); until one is seen, the name households carried stands in.
 */
export async function applyVillages(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await upsertRows(
    tx,
    {
      table: 'villages',
      columns: [['village_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['village_code', 'text'], ['village_name', 'text'], ['named_by', 'text'], ['named_at', 'timestamptz']],
      conflict: ['village_id'],
      update: `village_code = coalesce(villages.village_code, excluded.village_code), village_name = excluded.village_name, named_at = excluded.named_at
               where villages.named_by = 'household' and (excluded.named_at, excluded.village_name) > (villages.named_at, villages.village_name)`,
    },
    householdVillageNames(events).map((v) => [v.villageId, v.communeCode, v.provinceCode, v.villageCode, v.villageName, 'household', v.namedAt]),
  );
  for (const event of events) {
    if (event.type !== VillageRegisteredV1.type && event.type !== VillageRenamedV1.type) continue;
    const data = event.data as EventData<typeof VillageRenamedV1> & { villageCode?: string };
    await tx.query(
      `insert into villages (village_id, commune_code, province_code, village_code, village_name, named_by, named_at) values ($1, $2, $3, $4, $5, 'village', $6)
       on conflict (village_id) do update set village_code = coalesce(excluded.village_code, villages.village_code), village_name = excluded.village_name,
         named_by = 'village', named_at = excluded.named_at
       where villages.named_by = 'household' or excluded.named_at >= villages.named_at`,
      [data.villageId, event.tenant, event.province, data.villageCode ?? null, data.villageName, data.occurredAt],
    );
  }
}
