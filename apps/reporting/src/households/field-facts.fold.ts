import {
  HouseholdDigitalCoreSetV1,
  HouseholdMovedV1,
  HouseholdRegisteredV1,
  HouseholdUpdatedV1,
  OrganisationEIdentifiedV1,
  OrganisationRegisteredV1,
  ResidentDeceasedV1,
  ResidentMovedOutV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  VisitRecordedV1,
  type EventData,
  type EventEnvelope,
} from '@dtc/contracts';
import { NO_ID, vietnamDay } from '../projections/buckets';
import { addTo } from '../projections/upsert';

/**
 * Field facts: what reports need to know about each household, resident and organisation, and
 * the village counters derived from them. Every entity contributes to counters (a living
 * resident adds one to its village's population, a household with a visit adds one to "visited");
 * an event changes the entity, and the counters move by "contribution after - contribution before".
 * Events of different aggregates may arrive in any order (a resident before its household),
 * so any event creates the entity it mentions.
 */
export interface HouseholdFact {
  householdId: string;
  communeCode: string;
  provinceCode: string;
  villageId: string;
  digitalCore: boolean;
  smartphoneOwners: number;
  visits: number;
  firstVisitAt: string | null;
  firstVisitTeamId: string | null;
  firstVisitMemberId: string | null;
  lastVisitAt: string | null;
  obstacles: string[];
}

export interface ResidentFact {
  residentId: string;
  communeCode: string;
  provinceCode: string;
  villageId: string;
  householdId: string;
  /** Months since year 0 (year * 12 + month - 1): eligibility on a date is one comparison. */
  birthMonth: number;
  sex: string;
  ownsSmartphone: boolean;
  living: boolean;
}

export interface OrganisationFact {
  organisationId: string;
  communeCode: string;
  provinceCode: string;
  villageId: string;
  eIdentified: boolean;
}

export interface PopulationDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  birthMonth: number;
  sex: string;
  residents: number;
  smartphoneOwners: number;
}

export interface VillageFactsDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  withDigitalCore: number;
  withSmartphone: number;
  visited: number;
  organisations: number;
  organisationsEIdentified: number;
}

export interface ObstacleDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  obstacle: string;
  households: number;
}

export interface FieldDailyDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  teamId: string;
  memberId: string;
  day: string;
  measure: FieldMeasure;
  value: number;
}

export const FIELD_MEASURES = ['households_registered', 'visits', 'households_visited', 'households_digital_core', 'organisations_e_identified'] as const;
export type FieldMeasure = (typeof FIELD_MEASURES)[number];

export interface FieldState {
  households: Map<string, HouseholdFact>;
  residents: Map<string, ResidentFact>;
  organisations: Map<string, OrganisationFact>;
}

export interface FieldFold {
  households: HouseholdFact[];
  residents: ResidentFact[];
  organisations: OrganisationFact[];
  population: Map<string, PopulationDelta>;
  villages: Map<string, VillageFactsDelta>;
  obstacles: Map<string, ObstacleDelta>;
  daily: Map<string, FieldDailyDelta>;
}

export function birthMonthOf(year: number, month: number): number {
  return year * 12 + month - 1;
}

/** Ids whose stored facts a batch needs before it can be folded. */
export function referencedIds(events: EventEnvelope[]): { households: string[]; residents: string[]; organisations: string[] } {
  const households = new Set<string>();
  const residents = new Set<string>();
  const organisations = new Set<string>();
  for (const event of events) {
    const data = event.data as { householdId?: string; residentId?: string | null; organisationId?: string };
    if (!event.type.startsWith('vn.dtc.registry.')) continue;
    if (data.householdId) households.add(data.householdId);
    if (data.residentId && event.type.startsWith('vn.dtc.registry.resident.')) residents.add(data.residentId);
    if (data.organisationId) organisations.add(data.organisationId);
  }
  return { households: [...households], residents: [...residents], organisations: [...organisations] };
}

type Where = { communeCode: string; provinceCode: string; villageId: string };

/** Applies a batch to the loaded facts (mutated in place) and returns the changed entities and counter deltas. */
export function foldFieldFacts(events: EventEnvelope[], state: FieldState): FieldFold {
  const changedHouseholds = new Set<string>();
  const changedResidents = new Set<string>();
  const changedOrganisations = new Set<string>();
  const population = new Map<string, PopulationDelta>();
  const villages = new Map<string, VillageFactsDelta>();
  const obstacles = new Map<string, ObstacleDelta>();
  const daily = new Map<string, FieldDailyDelta>();

  const villageDelta = (where: Where, apply: (delta: VillageFactsDelta) => void) =>
    addTo(villages, `${where.communeCode}|${where.villageId}`, () => ({ ...pick(where), withDigitalCore: 0, withSmartphone: 0, visited: 0, organisations: 0, organisationsEIdentified: 0 }), apply);

  const count = (where: Where, measure: FieldMeasure, occurredAt: string, value: number, teamId?: string | null, memberId?: string | null) => {
    const day = vietnamDay(occurredAt);
    const team = teamId ?? NO_ID;
    const member = memberId ?? NO_ID;
    addTo(daily, [where.communeCode, where.villageId, team, member, day, measure].join('|'), () => ({ ...pick(where), teamId: team, memberId: member, day, measure, value: 0 }), (d) => (d.value += value));
  };

  const householdContribution = (h: HouseholdFact, sign: number) => {
    villageDelta(h, (d) => {
      d.withDigitalCore += sign * (h.digitalCore ? 1 : 0);
      d.withSmartphone += sign * (h.smartphoneOwners > 0 ? 1 : 0);
      d.visited += sign * (h.visits > 0 ? 1 : 0);
    });
    for (const obstacle of h.obstacles) {
      addTo(obstacles, `${h.communeCode}|${h.villageId}|${obstacle}`, () => ({ ...pick(h), obstacle, households: 0 }), (d) => (d.households += sign));
    }
  };

  const changeHousehold = (householdId: string, where: Where, change: (h: HouseholdFact) => void) => {
    const h = state.households.get(householdId) ?? {
      householdId,
      ...pick(where),
      digitalCore: false,
      smartphoneOwners: 0,
      visits: 0,
      firstVisitAt: null,
      firstVisitTeamId: null,
      firstVisitMemberId: null,
      lastVisitAt: null,
      obstacles: [],
    };
    householdContribution(h, -1);
    change(h);
    householdContribution(h, +1);
    state.households.set(householdId, h);
    changedHouseholds.add(householdId);
  };

  const residentContribution = (r: ResidentFact, sign: number) => {
    if (!r.living) return;
    addTo(population, `${r.communeCode}|${r.villageId}|${r.birthMonth}|${r.sex}`, () => ({ ...pick(r), birthMonth: r.birthMonth, sex: r.sex, residents: 0, smartphoneOwners: 0 }), (d) => {
      d.residents += sign;
      d.smartphoneOwners += sign * (r.ownsSmartphone ? 1 : 0);
    });
    if (r.ownsSmartphone) changeHousehold(r.householdId, r, (h) => (h.smartphoneOwners += sign));
  };

  const changeResident = (residentId: string, initial: () => ResidentFact, change: (r: ResidentFact) => void) => {
    const existing = state.residents.get(residentId);
    const r = existing ?? initial();
    if (existing) residentContribution(r, -1);
    change(r);
    residentContribution(r, +1);
    state.residents.set(residentId, r);
    changedResidents.add(residentId);
  };

  const organisationContribution = (o: OrganisationFact, sign: number) =>
    villageDelta(o, (d) => {
      d.organisations += sign;
      d.organisationsEIdentified += sign * (o.eIdentified ? 1 : 0);
    });

  const changeOrganisation = (organisationId: string, where: Where, change: (o: OrganisationFact) => void) => {
    const existing = state.organisations.get(organisationId);
    const o = existing ?? { organisationId, ...pick(where), eIdentified: false };
    if (existing) organisationContribution(o, -1);
    change(o);
    organisationContribution(o, +1);
    state.organisations.set(organisationId, o);
    changedOrganisations.add(organisationId);
  };

  for (const event of events) {
    const where = (villageId: string): Where => ({ communeCode: event.tenant, provinceCode: event.province, villageId });
    switch (event.type) {
      case HouseholdRegisteredV1.type: {
        const data = event.data as EventData<typeof HouseholdRegisteredV1>;
        changeHousehold(data.householdId, where(data.villageId), (h) => (h.villageId = data.villageId));
        count(where(data.villageId), 'households_registered', data.occurredAt, 1);
        break;
      }
      case HouseholdUpdatedV1.type: {
        const data = event.data as EventData<typeof HouseholdUpdatedV1>;
        changeHousehold(data.householdId, where(data.villageId), (h) => (h.villageId = data.villageId));
        break;
      }
      case HouseholdMovedV1.type: {
        const data = event.data as EventData<typeof HouseholdMovedV1>;
        changeHousehold(data.householdId, where(data.toVillageId), (h) => (h.villageId = data.toVillageId));
        // Its members move with it (their population counts follow the household's village).
        for (const resident of [...state.residents.values()].filter((r) => r.householdId === data.householdId)) {
          changeResident(resident.residentId, () => resident, (r) => (r.villageId = data.toVillageId));
        }
        break;
      }
      case HouseholdDigitalCoreSetV1.type: {
        const data = event.data as EventData<typeof HouseholdDigitalCoreSetV1>;
        const hasCore = data.residentId !== null;
        const before = state.households.get(data.householdId)?.digitalCore ?? false;
        changeHousehold(data.householdId, where(data.villageId), (h) => (h.digitalCore = hasCore));
        if (before !== hasCore) count(where(data.villageId), 'households_digital_core', data.occurredAt, hasCore ? 1 : -1);
        break;
      }
      case ResidentRegisteredV1.type:
      case ResidentUpdatedV1.type: {
        const data = event.data as EventData<typeof ResidentRegisteredV1>;
        const attributes = {
          ...where(data.villageId),
          householdId: data.householdId,
          birthMonth: birthMonthOf(data.birthYear, data.birthMonth),
          sex: data.sex,
          ownsSmartphone: data.ownsSmartphone,
        };
        changeResident(
          data.residentId,
          () => ({ residentId: data.residentId, ...attributes, living: true }),
          (r) => {
            Object.assign(r, attributes);
            if (event.type === ResidentRegisteredV1.type) r.living = true;
          },
        );
        break;
      }
      case ResidentMovedOutV1.type:
      case ResidentDeceasedV1.type: {
        const data = event.data as EventData<typeof ResidentMovedOutV1>;
        // Unknown so far (its registration is still on the way): remember it as not living.
        changeResident(
          data.residentId,
          () => ({ residentId: data.residentId, ...where(data.villageId), householdId: data.householdId, birthMonth: 0, sex: 'unknown', ownsSmartphone: false, living: false }),
          (r) => (r.living = false),
        );
        break;
      }
      case VisitRecordedV1.type: {
        const data = event.data as EventData<typeof VisitRecordedV1>;
        const at = data.occurredAt;
        count(where(data.villageId), 'visits', at, 1, data.teamId, data.memberId);
        const before = state.households.get(data.householdId);
        const previousFirst = before?.firstVisitAt ? { at: before.firstVisitAt, team: before.firstVisitTeamId, member: before.firstVisitMemberId, village: before.villageId } : null;
        changeHousehold(data.householdId, where(data.villageId), (h) => {
          h.visits += 1;
          // A visit synced late may be older than the latest one: obstacles follow the latest visit.
          if (!h.lastVisitAt || Date.parse(at) >= Date.parse(h.lastVisitAt)) {
            h.lastVisitAt = at;
            h.obstacles = [...data.obstacles].sort();
          }
          if (!h.firstVisitAt || Date.parse(at) < Date.parse(h.firstVisitAt)) {
            h.firstVisitAt = at;
            h.firstVisitTeamId = data.teamId ?? null;
            h.firstVisitMemberId = data.memberId ?? null;
          }
        });
        // "Households visited" counts each household once, on the day of its earliest visit.
        if (!previousFirst || Date.parse(at) < Date.parse(previousFirst.at)) {
          if (previousFirst) count(where(previousFirst.village), 'households_visited', previousFirst.at, -1, previousFirst.team, previousFirst.member);
          count(where(data.villageId), 'households_visited', at, 1, data.teamId, data.memberId);
        }
        break;
      }
      case OrganisationRegisteredV1.type: {
        const data = event.data as EventData<typeof OrganisationRegisteredV1>;
        const identified = data.eIdStatus === 'identified';
        const before = state.organisations.get(data.organisationId)?.eIdentified ?? false;
        changeOrganisation(data.organisationId, where(data.villageId), (o) => {
          o.villageId = data.villageId;
          o.eIdentified = o.eIdentified || identified;
        });
        if (!before && identified) count(where(data.villageId), 'organisations_e_identified', data.occurredAt, 1);
        break;
      }
      case OrganisationEIdentifiedV1.type: {
        const data = event.data as EventData<typeof OrganisationEIdentifiedV1>;
        const before = state.organisations.get(data.organisationId)?.eIdentified ?? false;
        changeOrganisation(data.organisationId, where(data.villageId), (o) => (o.eIdentified = true));
        if (!before) count(where(data.villageId), 'organisations_e_identified', data.occurredAt, 1);
        break;
      }
      default:
        break;
    }
  }
  return {
    households: [...changedHouseholds].sort().map((id) => state.households.get(id)!),
    residents: [...changedResidents].sort().map((id) => state.residents.get(id)!),
    organisations: [...changedOrganisations].sort().map((id) => state.organisations.get(id)!),
    population,
    villages,
    obstacles,
    daily,
  };
}

function pick(where: Where): Where {
  return { communeCode: where.communeCode, provinceCode: where.provinceCode, villageId: where.villageId };
}
