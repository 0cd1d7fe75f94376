import {
  createEvent,
  HouseholdMovedV1,
  HouseholdRegisteredV1,
  OrganisationRegisteredV1,
  ResidentDeceasedV1,
  ResidentMovedOutV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  VillageRegisteredV1,
  VillageRenamedV1,
  type EventEnvelope,
} from '@dtc/contracts';
import { randomUUID } from 'node:crypto';

/** One new household's registration (the example's data with a fresh id), as the registry publishes it. */
export function householdRegistered(communeCode = '09955', provinceCode = '38'): EventEnvelope {
  const householdId = randomUUID();
  return createEvent(
    HouseholdRegisteredV1,
    { tenant: communeCode, province: provinceCode, subject: householdId, time: new Date() },
    { ...HouseholdRegisteredV1.example, householdId, occurredAt: new Date().toISOString() },
  );
}

/**
 * A commune's registry events in the order the registry publishes them, with every kind a read
 * model of the registry applies, and the awkward cases of one batch: a key written twice
 * (registered then updated, a household delivered again), a rename and a move after rows
 * that name the old village, residents leaving after they were registered.
 */
export function registryChanges(communeCode: string, provinceCode: string, households = 10): EventEnvelope[] {
  const time = '2026-07-01T02:00:00.000Z';
  const origin = (subject: string) => ({ tenant: communeCode, province: provinceCode, subject, time });
  const villages = [0, 1].map((n) => ({ id: randomUUID(), code: `THON-${n + 1}`, name: `Thôn ${n + 1}` }));
  const events: EventEnvelope[] = [
    createEvent(VillageRegisteredV1, origin(communeCode), { villageId: villages[0].id, communeCode, villageCode: villages[0].code, villageName: villages[0].name, occurredAt: time }),
  ];
  const residents: Array<{ id: string; householdId: string; villageId: string }> = [];
  const registered: EventEnvelope[] = [];
  for (let h = 0; h < households; h += 1) {
    // The second village is known only from its households' copies of its name.
    const village = villages[h % 2];
    const householdId = randomUUID();
    const household = createEvent(HouseholdRegisteredV1, origin(householdId), { householdId, villageId: village.id, villageCode: village.code, villageName: village.name, occurredAt: time });
    registered.push(household);
    events.push(household);
    for (let r = 0; r < 3; r += 1) {
      const resident = { id: randomUUID(), householdId, villageId: village.id };
      residents.push(resident);
      events.push(
        createEvent(ResidentRegisteredV1, origin(resident.id), { residentId: resident.id, householdId, villageId: village.id, sex: r % 2 ? 'female' : 'male', birthYear: 1960 + 10 * r, birthMonth: 1 + h, ownsSmartphone: r < 2, occurredAt: time }),
      );
    }
  }
  const [first, second, third] = residents;
  const moved = residents[3];
  events.push(
    createEvent(ResidentUpdatedV1, origin(first.id), { residentId: first.id, householdId: first.householdId, villageId: first.villageId, sex: 'female', birthYear: 1961, birthMonth: 2, ownsSmartphone: true, occurredAt: time, version: 2 }),
    createEvent(VillageRenamedV1, origin(communeCode), { villageId: villages[0].id, communeCode, villageName: 'Thôn Đông', occurredAt: time }),
    createEvent(HouseholdMovedV1, origin(moved.householdId), {
      householdId: moved.householdId,
      fromVillageId: moved.villageId,
      toVillageId: villages[0].id,
      toVillageCode: villages[0].code,
      toVillageName: 'Thôn Đông',
      occurredAt: time,
      version: 2,
    }),
    createEvent(ResidentMovedOutV1, origin(second.id), { residentId: second.id, householdId: second.householdId, villageId: second.villageId, occurredAt: time, version: 2 }),
    createEvent(ResidentDeceasedV1, origin(third.id), { residentId: third.id, householdId: third.householdId, villageId: third.villageId, occurredAt: time, version: 2 }),
    createEvent(OrganisationRegisteredV1, origin(communeCode), { organisationId: randomUUID(), villageId: villages[1].id, kind: 'cooperative', eIdStatus: 'none', occurredAt: time }),
    // Delivered again (a relay retry); and a resident updated after being moved out of the way.
    registered[0],
    createEvent(ResidentUpdatedV1, origin(second.id), { residentId: second.id, householdId: second.householdId, villageId: villages[1].id, sex: 'male', birthYear: 1971, birthMonth: 3, ownsSmartphone: false, occurredAt: time, version: 3 }),
  );
  return events;
}
