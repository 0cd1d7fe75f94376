import { createEvent, HouseholdDigitalCoreSetV1, HouseholdRegisteredV1, ResidentDeceasedV1, ResidentMovedOutV1, ResidentRegisteredV1, type EventEnvelope } from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { NO_ID } from '../projections/buckets';
import { foldFieldFacts, type FieldFold, type FieldState } from './field-facts.fold';

// When a household's digital core dies or moves out, the registry publishes, in one transaction,
// the resident's event (keyed by the resident) and the household's digital core cleared
// (digital-core-set with residentId null, keyed by the household). The two keys may land on
// different partitions, so the fold must reach the same figures in any arrival order and batching.
const village = randomUUID();
const origin = (subject: string, time: string) => ({ tenant: '16279', province: '38', subject, time });
const emptyState = (): FieldState => ({ households: new Map(), residents: new Map(), organisations: new Map() });
const SET_DAY = '2026-07-21';
const LOST_DAY = '2026-07-25';
const at = (day: string) => `${day}T02:00:00.000Z`;

/** The events of a household whose core (and only member) is set, then dies or moves out. */
function story(loss: 'deceased' | 'moved_out') {
  const h = randomUUID();
  const r = randomUUID();
  const registered = createEvent(HouseholdRegisteredV1, origin(h, at('2026-07-01')), { householdId: h, villageId: village, villageCode: 'THON-1', villageName: 'Thôn 1', occurredAt: at('2026-07-01') });
  const member = createEvent(ResidentRegisteredV1, origin(r, at('2026-07-01')), { residentId: r, householdId: h, villageId: village, sex: 'female', birthYear: 1990, birthMonth: 5, ownsSmartphone: true, occurredAt: at('2026-07-01') });
  const set = createEvent(HouseholdDigitalCoreSetV1, origin(h, at(SET_DAY)), { householdId: h, villageId: village, residentId: r, occurredAt: at(SET_DAY), version: 2 });
  const status = { residentId: r, householdId: h, villageId: village, occurredAt: at(LOST_DAY), version: 2 };
  const gone = loss === 'deceased' ? createEvent(ResidentDeceasedV1, origin(r, at(LOST_DAY)), status) : createEvent(ResidentMovedOutV1, origin(r, at(LOST_DAY)), status);
  const cleared = createEvent(HouseholdDigitalCoreSetV1, origin(h, at(LOST_DAY)), { householdId: h, villageId: village, residentId: null, occurredAt: at(LOST_DAY), version: 3 });
  return { h, registered, member, set, gone, cleared };
}

/** Counters summed over every delta of the folds (what the database would hold). */
function totals(folds: FieldFold[]) {
  let core = 0;
  let population = 0;
  const daily = new Map<string, number>();
  for (const fold of folds) {
    for (const d of fold.villages.values()) core += d.withDigitalCore;
    for (const d of fold.population.values()) population += d.residents;
    for (const d of fold.daily.values()) if (d.measure === 'households_digital_core' && d.teamId === NO_ID) daily.set(d.day, (daily.get(d.day) ?? 0) + d.value);
  }
  return { core, population, daily: Object.fromEntries([...daily].filter(([, n]) => n !== 0)) };
}

describe('field facts: a household losing its digital core', () => {
  it.each(['deceased', 'moved_out'] as const)('no longer counts the household once its core is %s, and takes the core back on that day', (loss) => {
    const state = emptyState();
    const s = story(loss);
    const before = foldFieldFacts([s.registered, s.member, s.set], state);
    expect(totals([before])).toEqual({ core: 1, population: 1, daily: { [SET_DAY]: 1 } });

    const after = foldFieldFacts([s.gone, s.cleared], state);
    expect(state.households.get(s.h)?.digitalCore).toBe(false);
    expect(totals([before, after])).toEqual({ core: 0, population: 0, daily: { [SET_DAY]: 1, [LOST_DAY]: -1 } });
  });

  it('reaches the same figures whatever the order of the resident’s and the household’s partitions, one batch or one event at a time', () => {
    const s = story('deceased');
    const household: EventEnvelope[] = [s.registered, s.set, s.cleared];
    const resident: EventEnvelope[] = [s.member, s.gone];
    const expected = { core: 0, population: 0, daily: { [SET_DAY]: 1, [LOST_DAY]: -1 } };
    for (const order of [
      [...household, ...resident],
      [...resident, ...household],
      [s.registered, s.member, s.set, s.gone, s.cleared],
      [s.registered, s.member, s.set, s.cleared, s.gone],
    ]) {
      expect(totals([foldFieldFacts(order, emptyState())])).toEqual(expected);
      const state = emptyState();
      expect(totals(order.map((event) => foldFieldFacts([event], state)))).toEqual(expected);
    }
  });

  it('counts a redelivered clear once (the inbox drops true duplicates; a second clear of an already cleared core moves nothing)', () => {
    const state = emptyState();
    const s = story('moved_out');
    const folds = [foldFieldFacts([s.registered, s.member, s.set, s.gone, s.cleared], state), foldFieldFacts([{ ...s.cleared, id: randomUUID() }], state)];
    expect(totals(folds)).toEqual({ core: 0, population: 0, daily: { [SET_DAY]: 1, [LOST_DAY]: -1 } });
  });
});
