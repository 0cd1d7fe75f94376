import { HouseholdMovedV1, HouseholdRegisteredV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { upsertRows } from '../projections/upsert';

interface VillageDelta {
  communeCode: string;
  villageId: string;
  provinceCode: string;
  /** Unknown when the batch only moves households out of the village (the row exists then). */
  villageCode?: string;
  villageName?: string;
  added: number;
  lastEventAt: string;
}

/**
 * Folds a batch of events into per-village deltas in memory, then applies them with one
 * multi-row upsert in a stable key order (fewer round trips, no lock-order deadlocks).
 */
export function villageHouseholdDeltas(events: EventEnvelope[]): VillageDelta[] {
  const deltas = new Map<string, VillageDelta>();
  const change = (event: EventEnvelope, villageId: string, added: number, occurredAt: string, village?: { code: string; name: string }) => {
    const key = `${event.tenant}/${villageId}`;
    const delta = deltas.get(key) ?? { communeCode: event.tenant, villageId, provinceCode: event.province, added: 0, lastEventAt: occurredAt };
    delta.added += added;
    if (village) Object.assign(delta, { villageCode: village.code, villageName: village.name });
    if (occurredAt > delta.lastEventAt) delta.lastEventAt = occurredAt;
    deltas.set(key, delta);
  };
  for (const event of events) {
    if (event.type === HouseholdRegisteredV1.type) {
      const data = event.data as EventData<typeof HouseholdRegisteredV1>;
      change(event, data.villageId, 1, data.occurredAt, { code: data.villageCode, name: data.villageName });
    } else if (event.type === HouseholdMovedV1.type) {
      const data = event.data as EventData<typeof HouseholdMovedV1>;
      change(event, data.fromVillageId, -1, data.occurredAt);
      change(event, data.toVillageId, 1, data.occurredAt, { code: data.toVillageCode, name: data.toVillageName });
    }
  }
  return [...deltas.values()].sort((a, b) => (a.communeCode + a.villageId).localeCompare(b.communeCode + b.villageId));
}

export async function applyVillageHouseholds(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const all = villageHouseholdDeltas(events);
  // Villages only left by moving households already have a row: adjust it in place.
  for (const d of all.filter((delta) => delta.villageCode === undefined)) {
    await tx.query(
      'update village_households set households = households + $3, last_event_at = greatest(last_event_at, $4), updated_at = now() where commune_code = $1 and village_id = $2',
      [d.communeCode, d.villageId, d.added, d.lastEventAt],
    );
  }
  await upsertRows(
    tx,
    {
      table: 'village_households',
      columns: [['commune_code', 'text'], ['village_id', 'uuid'], ['province_code', 'text'], ['village_code', 'text'], ['village_name', 'text'], ['households', 'int'], ['last_event_at', 'timestamptz']],
      conflict: ['commune_code', 'village_id'],
      update: `households = village_households.households + excluded.households,
               village_code = excluded.village_code,
               village_name = excluded.village_name,
               last_event_at = greatest(village_households.last_event_at, excluded.last_event_at),
               updated_at = now()`,
    },
    all.filter((delta) => delta.villageCode !== undefined).map((d) => [d.communeCode, d.villageId, d.provinceCode, d.villageCode, d.villageName, d.added, d.lastEventAt]),
  );
}
