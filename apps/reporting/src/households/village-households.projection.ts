import { HouseholdRegisteredV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

interface VillageDelta {
  communeCode: string;
  villageId: string;
  provinceCode: string;
  villageCode: string;
  villageName: string;
  added: number;
  lastEventAt: string;
}

/**
 * Folds a batch of events into per-village deltas in memory, then applies them with one
 * multi-row upsert in a stable key order (fewer round trips, no lock-order deadlocks).
 */
export function villageHouseholdDeltas(events: EventEnvelope[]): VillageDelta[] {
  const deltas = new Map<string, VillageDelta>();
  for (const event of events) {
    if (event.type !== HouseholdRegisteredV1.type) continue;
    const data = event.data as EventData<typeof HouseholdRegisteredV1>;
    const key = `${event.tenant}/${data.villageId}`;
    const delta = deltas.get(key) ?? {
      communeCode: event.tenant,
      villageId: data.villageId,
      provinceCode: event.province,
      villageCode: data.villageCode,
      villageName: data.villageName,
      added: 0,
      lastEventAt: data.occurredAt,
    };
    delta.added += 1;
    if (data.occurredAt > delta.lastEventAt) delta.lastEventAt = data.occurredAt;
    deltas.set(key, delta);
  }
  return [...deltas.values()].sort((a, b) => (a.communeCode + a.villageId).localeCompare(b.communeCode + b.villageId));
}

export async function applyVillageHouseholds(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const deltas = villageHouseholdDeltas(events);
  if (deltas.length === 0) return;
  const values: unknown[] = [];
  const rows = deltas.map((d, i) => {
    values.push(d.communeCode, d.villageId, d.provinceCode, d.villageCode, d.villageName, d.added, d.lastEventAt);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}::uuid, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::int, $${b + 7}::timestamptz)`;
  });
  await tx.query(
    `insert into village_households (commune_code, village_id, province_code, village_code, village_name, households, last_event_at)
     values ${rows.join(', ')}
     on conflict (commune_code, village_id) do update set
       households = village_households.households + excluded.households,
       village_code = excluded.village_code,
       village_name = excluded.village_name,
       last_event_at = greatest(village_households.last_event_at, excluded.last_event_at),
       updated_at = now()`,
    values,
  );
}
