import { HouseholdMovedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { sortedByKey, upsertRows } from '../projections/upsert';
import { foldFieldFacts, referencedIds, type FieldState, type HouseholdFact, type OrganisationFact, type ResidentFact } from './field-facts.fold';

const REGISTRY_PREFIX = 'vn.dtc.registry.';

/**
 * Facts are read, changed in memory and written back, and a household's facts change from
 * events on several partitions (its own, its residents'), which other instances or concurrent
 * batches may be applying at the same moment. Batches therefore take a transaction lock per
 * household they touch, in one sorted order (no deadlocks), before reading.
 */
async function lockHouseholds(tx: EntityManager, householdIds: string[]): Promise<void> {
  if (householdIds.length === 0) return;
  await tx.query(
    `select pg_advisory_xact_lock(k) from (select distinct hashtextextended('household:' || id, 0) as k from unnest($1::text[]) as id order by k) as sorted`,
    [householdIds],
  );
}

async function loadState(tx: EntityManager, events: EventEnvelope[]): Promise<FieldState> {
  const ids = referencedIds(events);
  await lockHouseholds(tx, ids.households);
  const movedHouseholds = events.filter((e) => e.type === HouseholdMovedV1.type).map((e) => (e.data as EventData<typeof HouseholdMovedV1>).householdId);
  const residents: ResidentFact[] = await tx.query(
    `select resident_id as "residentId", commune_code as "communeCode", province_code as "provinceCode", village_id as "villageId",
            household_id as "householdId", birth_month as "birthMonth", sex, owns_smartphone as "ownsSmartphone", living
     from resident_facts where resident_id = any($1::uuid[]) or household_id = any($2::uuid[])`,
    [ids.residents, movedHouseholds],
  );
  // A resident changing household moves its smartphone to another household: load both.
  const householdIds = [...new Set([...ids.households, ...residents.map((r) => r.householdId)])];
  const households: HouseholdFact[] = await tx.query(
    `select household_id as "householdId", commune_code as "communeCode", province_code as "provinceCode", village_id as "villageId",
            digital_core as "digitalCore", smartphone_owners as "smartphoneOwners", visits,
            to_char(first_visit_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "firstVisitAt",
            first_visit_team_id as "firstVisitTeamId", first_visit_member_id as "firstVisitMemberId",
            to_char(last_visit_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastVisitAt", obstacles
     from household_facts where household_id = any($1::uuid[])`,
    [householdIds],
  );
  const organisations: OrganisationFact[] = await tx.query(
    `select organisation_id as "organisationId", commune_code as "communeCode", province_code as "provinceCode", village_id as "villageId", e_identified as "eIdentified"
     from organisation_facts where organisation_id = any($1::uuid[])`,
    [ids.organisations],
  );
  return {
    households: new Map(households.map((h) => [h.householdId, h])),
    residents: new Map(residents.map((r) => [r.residentId, r])),
    organisations: new Map(organisations.map((o) => [o.organisationId, o])),
  };
}

/** Household, resident and organisation facts and the village counters built from them. */
export async function applyFieldFacts(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const relevant = events.filter((event) => event.type.startsWith(REGISTRY_PREFIX));
  if (relevant.length === 0) return;
  const fold = foldFieldFacts(relevant, await loadState(tx, relevant));

  await upsertRows(
    tx,
    {
      table: 'household_facts',
      columns: [
        ['household_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['digital_core', 'boolean'], ['smartphone_owners', 'int'],
        ['visits', 'int'], ['first_visit_at', 'timestamptz'], ['first_visit_team_id', 'uuid'], ['first_visit_member_id', 'uuid'], ['last_visit_at', 'timestamptz'], ['obstacles', 'text[]'],
      ],
      conflict: ['household_id'],
      update: `village_id = excluded.village_id, digital_core = excluded.digital_core, smartphone_owners = excluded.smartphone_owners, visits = excluded.visits,
               first_visit_at = excluded.first_visit_at, first_visit_team_id = excluded.first_visit_team_id, first_visit_member_id = excluded.first_visit_member_id,
               last_visit_at = excluded.last_visit_at, obstacles = excluded.obstacles`,
    },
    fold.households.map((h) => [h.householdId, h.communeCode, h.provinceCode, h.villageId, h.digitalCore, h.smartphoneOwners, h.visits, h.firstVisitAt, h.firstVisitTeamId, h.firstVisitMemberId, h.lastVisitAt, h.obstacles]),
  );
  await upsertRows(
    tx,
    {
      table: 'resident_facts',
      columns: [['resident_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['household_id', 'uuid'], ['birth_month', 'int'], ['sex', 'text'], ['owns_smartphone', 'boolean'], ['living', 'boolean']],
      conflict: ['resident_id'],
      update: 'village_id = excluded.village_id, household_id = excluded.household_id, birth_month = excluded.birth_month, sex = excluded.sex, owns_smartphone = excluded.owns_smartphone, living = excluded.living',
    },
    fold.residents.map((r) => [r.residentId, r.communeCode, r.provinceCode, r.villageId, r.householdId, r.birthMonth, r.sex, r.ownsSmartphone, r.living]),
  );
  await upsertRows(
    tx,
    {
      table: 'organisation_facts',
      columns: [['organisation_id', 'uuid'], ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['e_identified', 'boolean']],
      conflict: ['organisation_id'],
      update: 'village_id = excluded.village_id, e_identified = excluded.e_identified',
    },
    fold.organisations.map((o) => [o.organisationId, o.communeCode, o.provinceCode, o.villageId, o.eIdentified]),
  );
  await upsertRows(
    tx,
    {
      table: 'village_population',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['birth_month', 'int'], ['sex', 'text'], ['residents', 'int'], ['smartphone_owners', 'int']],
      conflict: ['commune_code', 'village_id', 'birth_month', 'sex'],
      update: 'residents = village_population.residents + excluded.residents, smartphone_owners = village_population.smartphone_owners + excluded.smartphone_owners',
    },
    sortedByKey(fold.population)
      .filter((d) => d.residents !== 0 || d.smartphoneOwners !== 0)
      .map((d) => [d.communeCode, d.provinceCode, d.villageId, d.birthMonth, d.sex, d.residents, d.smartphoneOwners]),
  );
  await upsertRows(
    tx,
    {
      table: 'village_facts',
      columns: [
        ['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['households_with_digital_core', 'int'], ['households_with_smartphone', 'int'],
        ['households_visited', 'int'], ['organisations', 'int'], ['organisations_e_identified', 'int'],
      ],
      conflict: ['commune_code', 'village_id'],
      update: `households_with_digital_core = village_facts.households_with_digital_core + excluded.households_with_digital_core,
               households_with_smartphone = village_facts.households_with_smartphone + excluded.households_with_smartphone,
               households_visited = village_facts.households_visited + excluded.households_visited,
               organisations = village_facts.organisations + excluded.organisations,
               organisations_e_identified = village_facts.organisations_e_identified + excluded.organisations_e_identified`,
    },
    sortedByKey(fold.villages).map((d) => [d.communeCode, d.provinceCode, d.villageId, d.withDigitalCore, d.withSmartphone, d.visited, d.organisations, d.organisationsEIdentified]),
  );
  await upsertRows(
    tx,
    {
      table: 'village_obstacles',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['obstacle', 'text'], ['households', 'int']],
      conflict: ['commune_code', 'village_id', 'obstacle'],
      update: 'households = village_obstacles.households + excluded.households',
    },
    sortedByKey(fold.obstacles)
      .filter((d) => d.households !== 0)
      .map((d) => [d.communeCode, d.provinceCode, d.villageId, d.obstacle, d.households]),
  );
  await upsertRows(
    tx,
    {
      table: 'field_daily',
      columns: [['commune_code', 'text'], ['province_code', 'text'], ['village_id', 'uuid'], ['team_id', 'uuid'], ['member_id', 'uuid'], ['day', 'date'], ['measure', 'text'], ['value', 'int']],
      conflict: ['commune_code', 'village_id', 'team_id', 'member_id', 'day', 'measure'],
      update: 'value = field_daily.value + excluded.value',
    },
    sortedByKey(fold.daily)
      .filter((d) => d.value !== 0)
      .map((d) => [d.communeCode, d.provinceCode, d.villageId, d.teamId, d.memberId, d.day, d.measure, d.value]),
  );
}
