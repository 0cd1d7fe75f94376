import {
  createEvent,
  HouseholdDigitalCoreSetV1,
  HouseholdMovedV1,
  HouseholdRegisteredV1,
  OrganisationEIdentifiedV1,
  OrganisationRegisteredV1,
  ResidentDeceasedV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  VisitRecordedV1,
} from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { birthMonthOf, foldFieldFacts, type FieldFold, type FieldState } from './field-facts.fold';

const villageA = randomUUID();
const villageB = randomUUID();
const origin = (subject: string, time: string) => ({ tenant: '16279', province: '38', subject, time });
const emptyState = (): FieldState => ({ households: new Map(), residents: new Map(), organisations: new Map() });

function household(householdId: string, villageId: string, occurredAt = '2026-07-01T02:00:00.000Z') {
  return createEvent(HouseholdRegisteredV1, origin(householdId, occurredAt), { householdId, villageId, villageCode: villageId === villageA ? 'A' : 'B', villageName: 'Thôn', occurredAt });
}
function resident(residentId: string, householdId: string, villageId: string, ownsSmartphone: boolean, birthYear = 1990, occurredAt = '2026-07-01T02:00:00.000Z') {
  return createEvent(ResidentRegisteredV1, origin(residentId, occurredAt), { residentId, householdId, villageId, sex: 'female', birthYear, birthMonth: 5, ownsSmartphone, occurredAt });
}
function visit(householdId: string, occurredAt: string, obstacles: Array<'no_smartphone' | 'elderly'>, teamId?: string) {
  return createEvent(VisitRecordedV1, origin(householdId, occurredAt), { visitId: randomUUID(), householdId, villageId: villageA, outcome: 'partly_done', obstacles, occurredAt, ...(teamId ? { teamId } : {}) });
}

/** Village counters summed over every delta of the folds (what the database would hold). */
function totals(...folds: FieldFold[]) {
  const villages = new Map<string, { core: number; phone: number; visited: number; orgs: number; identified: number }>();
  const population = new Map<string, number>();
  const daily = new Map<string, number>();
  const obstacles = new Map<string, number>();
  for (const fold of folds) {
    for (const d of fold.villages.values()) {
      const v = villages.get(d.villageId) ?? { core: 0, phone: 0, visited: 0, orgs: 0, identified: 0 };
      v.core += d.withDigitalCore;
      v.phone += d.withSmartphone;
      v.visited += d.visited;
      v.orgs += d.organisations;
      v.identified += d.organisationsEIdentified;
      villages.set(d.villageId, v);
    }
    for (const d of fold.population.values()) population.set(d.villageId, (population.get(d.villageId) ?? 0) + d.residents);
    for (const d of fold.daily.values()) daily.set(`${d.measure}|${d.day}|${d.teamId}`, (daily.get(`${d.measure}|${d.day}|${d.teamId}`) ?? 0) + d.value);
    for (const d of fold.obstacles.values()) obstacles.set(d.obstacle, (obstacles.get(d.obstacle) ?? 0) + d.households);
  }
  return { villages, population, daily, obstacles };
}

describe('field facts folding', () => {
  it('counts a household with a smartphone owner once, however many owners it has', () => {
    const h = randomUUID();
    const fold = foldFieldFacts([household(h, villageA), resident(randomUUID(), h, villageA, true), resident(randomUUID(), h, villageA, true), resident(randomUUID(), h, villageA, false)], emptyState());
    const t = totals(fold);
    expect(t.villages.get(villageA)).toMatchObject({ phone: 1 });
    expect(t.population.get(villageA)).toBe(3);
    expect(fold.households[0].smartphoneOwners).toBe(2);
  });

  it('accepts a resident before its household and ends in the same state as in order', () => {
    const h = randomUUID();
    const r = randomUUID();
    const inOrder = totals(foldFieldFacts([household(h, villageA), resident(r, h, villageA, true)], emptyState()));
    const reversed = totals(foldFieldFacts([resident(r, h, villageA, true), household(h, villageA)], emptyState()));
    expect(reversed).toEqual(inOrder);
  });

  it('takes a resident who died out of the population and the household’s smartphone count, across batches', () => {
    const state = emptyState();
    const h = randomUUID();
    const r = randomUUID();
    const first = foldFieldFacts([household(h, villageA), resident(r, h, villageA, true)], state);
    const died = createEvent(ResidentDeceasedV1, origin(r, '2026-07-20T02:00:00.000Z'), { residentId: r, householdId: h, villageId: villageA, occurredAt: '2026-07-20T02:00:00.000Z', version: 2 });
    const second = foldFieldFacts([died], state);
    const t = totals(first, second);
    expect(t.population.get(villageA)).toBe(0);
    expect(t.villages.get(villageA)).toMatchObject({ phone: 0 });
  });

  it('moves a household’s counters and its members to the new village', () => {
    const state = emptyState();
    const h = randomUUID();
    const first = foldFieldFacts([household(h, villageA), resident(randomUUID(), h, villageA, true), visit(h, '2026-07-21T02:00:00.000Z', ['elderly'])], state);
    const moved = createEvent(HouseholdMovedV1, origin(h, '2026-07-25T02:00:00.000Z'), { householdId: h, fromVillageId: villageA, toVillageId: villageB, toVillageCode: 'B', toVillageName: 'Thôn B', occurredAt: '2026-07-25T02:00:00.000Z', version: 2 });
    const t = totals(first, foldFieldFacts([moved], state));
    expect(t.villages.get(villageA)).toMatchObject({ phone: 0, visited: 0 });
    expect(t.villages.get(villageB)).toMatchObject({ phone: 1, visited: 1 });
    expect(t.population.get(villageA)).toBe(0);
    expect(t.population.get(villageB)).toBe(1);
  });

  it('keeps the obstacles of the latest visit and counts a household visited on its earliest visit day, even when an older visit syncs late', () => {
    const state = emptyState();
    const h = randomUUID();
    const team = randomUUID();
    const first = foldFieldFacts([household(h, villageA), visit(h, '2026-07-25T02:00:00.000Z', ['no_smartphone'])], state);
    const lateOlder = foldFieldFacts([visit(h, '2026-07-22T02:00:00.000Z', ['elderly'], team)], state);
    const t = totals(first, lateOlder);
    expect(t.obstacles.get('no_smartphone')).toBe(1);
    expect(t.obstacles.get('elderly') ?? 0).toBe(0);
    expect(t.daily.get(`households_visited|2026-07-25|00000000-0000-0000-0000-000000000000`)).toBe(0);
    expect(t.daily.get(`households_visited|2026-07-22|${team}`)).toBe(1);
    expect(t.villages.get(villageA)).toMatchObject({ visited: 1 });
    expect([...t.daily].filter(([key]) => key.startsWith('visits|')).reduce((sum, [, n]) => sum + n, 0)).toBe(2);
  });

  it('counts a digital core on the day it was set and takes it back on the day it was cleared', () => {
    const state = emptyState();
    const h = randomUUID();
    const r = randomUUID();
    const set = (residentId: string | null, day: string) => createEvent(HouseholdDigitalCoreSetV1, origin(h, `${day}T02:00:00.000Z`), { householdId: h, villageId: villageA, residentId, occurredAt: `${day}T02:00:00.000Z`, version: 2 });
    const t = totals(foldFieldFacts([household(h, villageA), set(r, '2026-07-21'), set(r, '2026-07-22'), set(null, '2026-07-23')], state));
    expect(t.daily.get('households_digital_core|2026-07-21|00000000-0000-0000-0000-000000000000')).toBe(1);
    expect(t.daily.get('households_digital_core|2026-07-22|00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(t.daily.get('households_digital_core|2026-07-23|00000000-0000-0000-0000-000000000000')).toBe(-1);
    expect(t.villages.get(villageA)).toMatchObject({ core: 0 });
  });

  it('counts organisations and their e-identification once', () => {
    const o = randomUUID();
    const at = '2026-07-24T02:00:00.000Z';
    const registered = createEvent(OrganisationRegisteredV1, origin(o, at), { organisationId: o, villageId: villageA, kind: 'cooperative', eIdStatus: 'none', occurredAt: at });
    const identified = createEvent(OrganisationEIdentifiedV1, origin(o, at), { organisationId: o, villageId: villageA, occurredAt: at, version: 2 });
    const t = totals(foldFieldFacts([registered, identified, { ...identified, id: randomUUID() }], emptyState()));
    expect(t.villages.get(villageA)).toMatchObject({ orgs: 1, identified: 1 });
    expect(t.daily.get('organisations_e_identified|2026-07-24|00000000-0000-0000-0000-000000000000')).toBe(1);
  });

  it('moves a resident between birth-month buckets when a correction changes the birth year', () => {
    const state = emptyState();
    const h = randomUUID();
    const r = randomUUID();
    const first = foldFieldFacts([resident(r, h, villageA, false, 2013)], state);
    const corrected = createEvent(ResidentUpdatedV1, origin(r, '2026-07-22T02:00:00.000Z'), { residentId: r, householdId: h, villageId: villageA, sex: 'female', birthYear: 2010, birthMonth: 5, ownsSmartphone: false, occurredAt: '2026-07-22T02:00:00.000Z', version: 2 });
    const second = foldFieldFacts([corrected], state);
    const buckets = new Map<number, number>();
    for (const fold of [first, second]) for (const d of fold.population.values()) buckets.set(d.birthMonth, (buckets.get(d.birthMonth) ?? 0) + d.residents);
    expect(buckets.get(birthMonthOf(2013, 5))).toBe(0);
    expect(buckets.get(birthMonthOf(2010, 5))).toBe(1);
  });
});
