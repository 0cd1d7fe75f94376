import { createEvent, HouseholdMovedV1, HouseholdRegisteredV1 } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { villageHouseholdDeltas } from './village-households.projection';

const villageA = randomUUID();
const villageB = randomUUID();

function registered(communeCode: string, villageId: string, occurredAt: string) {
  const householdId = randomUUID();
  return createEvent(
    HouseholdRegisteredV1,
    { tenant: communeCode, province: '38', subject: householdId, time: occurredAt },
    { householdId, villageId, villageCode: villageId === villageA ? 'A' : 'B', villageName: 'Thôn', occurredAt },
  );
}

describe('households-per-village projection folding', () => {
  it('adds up a batch per commune and village, keeping the latest occurrence', () => {
    const deltas = villageHouseholdDeltas([
      registered('16279', villageA, '2026-07-21T08:00:00.000Z'),
      registered('16279', villageA, '2026-07-23T08:00:00.000Z'),
      registered('16279', villageB, '2026-07-22T08:00:00.000Z'),
      registered('16280', villageA, '2026-07-20T08:00:00.000Z'),
      registered('16279', villageA, '2026-07-19T08:00:00.000Z'),
    ]);
    expect(deltas.map((d) => [d.communeCode, d.villageId, d.added, d.lastEventAt])).toEqual(
      expect.arrayContaining([
        ['16279', villageA, 3, '2026-07-23T08:00:00.000Z'],
        ['16279', villageB, 1, '2026-07-22T08:00:00.000Z'],
        ['16280', villageA, 1, '2026-07-20T08:00:00.000Z'],
      ]),
    );
    expect(deltas).toHaveLength(3);
  });

  it('returns the upsert rows in a stable key order (no lock-order deadlocks between batches)', () => {
    const events = [registered('16280', villageB, '2026-07-21T08:00:00.000Z'), registered('16279', villageB, '2026-07-21T08:00:00.000Z'), registered('16279', villageA, '2026-07-21T08:00:00.000Z')];
    const keys = villageHouseholdDeltas(events).map((d) => d.communeCode + d.villageId);
    expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
    expect(villageHouseholdDeltas([...events].reverse()).map((d) => d.communeCode + d.villageId)).toEqual(keys);
  });

  it('ignores event types it does not project', () => {
    const other = { ...registered('16279', villageA, '2026-07-21T08:00:00.000Z'), type: 'vn.dtc.enrollment.case.opened.v1' };
    expect(villageHouseholdDeltas([other])).toEqual([]);
  });
});

describe('households moving between villages', () => {
  it('moves the count from the old village to the new one', () => {
    const householdId = randomUUID();
    const moved = createEvent(
      HouseholdMovedV1,
      { tenant: '16279', province: '38', subject: householdId, time: '2026-07-24T08:00:00.000Z' },
      { householdId, fromVillageId: villageA, toVillageId: villageB, toVillageCode: 'B', toVillageName: 'Thôn B', occurredAt: '2026-07-24T08:00:00.000Z', version: 2 },
    );
    const deltas = villageHouseholdDeltas([registered('16279', villageA, '2026-07-21T08:00:00.000Z'), moved]);
    const byVillage = Object.fromEntries(deltas.map((d) => [d.villageId, d]));
    expect(byVillage[villageA].added).toBe(0);
    expect(byVillage[villageB]).toMatchObject({ added: 1, villageCode: 'B', villageName: 'Thôn B' });
  });
});
