import { randomUUID } from 'node:crypto';
import { addDays, vietnamToday } from '@dtc/platform';
import { eventually, query, testToken } from '@dtc/testkit';
import { request } from '../../../tests/support/http';
import { family, seededRandom, type Family } from './families';

export interface ServiceUrls {
  registry: string;
  training: string;
  registrySchema: string;
}

/** A commune with one village, and one mobile team assigned to it with one member (who signs in with the dev picker). */
export interface BenchCommune {
  code: string;
  villageCode: string;
  villageName: string;
  villageId: string;
  teamId: string;
  memberName: string;
}

export const PROVINCE = '38';

export function adminToken(communeCode: string): string {
  return testToken({ sub: `bench-admin-${communeCode}`, role: 'commune_admin', communes: [communeCode] });
}

export interface CommuneSpec {
  code: string;
  name: string;
  villageCode: string;
  villageName: string;
  memberName: string;
}

/** Onboards the commune and its village (as operations), forms the team, and waits until the registry knows the team's village (work list scope). */
export async function setUpCommune(urls: ServiceUrls, spec: CommuneSpec): Promise<BenchCommune> {
  const { code, villageCode, memberName } = spec;
  const admin = adminToken(code);
  const ops = testToken({ sub: 'bench-operations', role: 'operations' });
  const created = await request('POST', `${urls.registry}/communes`, ops, { code, name: spec.name, provinceCode: PROVINCE, provinceName: 'Thanh Hóa' });
  if (created.status !== 201) throw new Error(`onboarding ${code} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const added = await request('POST', `${urls.registry}/communes/${code}/villages`, ops, { code: villageCode, name: spec.villageName });
  if (added.status !== 201) throw new Error(`adding village ${villageCode} answered ${added.status}: ${JSON.stringify(added.body)}`);
  const villages = await request<Array<{ id: string; code: string; name: string }>>('GET', `${urls.registry}/communes/${code}/villages`, admin);
  const village = villages.body.find((entry) => entry.code === villageCode)!;
  // Training learns the commune and the village from the registry's events: retry until it has.
  let teamId = '';
  await eventually(
    async () => {
      const team = await request<{ id: string }>('POST', `${urls.training}/teams`, admin, { communeCode: code, name: `Tổ công tác ${village.name}`, kind: 'mobile_working_group', activeFrom: addDays(vietnamToday(), -30) });
      if (team.status !== 201) throw new Error(`forming the team answered ${team.status}: ${JSON.stringify(team.body)}`);
      teamId = team.body.id;
    },
    { timeoutMs: 60000 },
  );
  const joined = await request('POST', `${urls.training}/teams/${teamId}/members`, admin, { fullName: memberName, affiliation: 'youth_union' });
  if (joined.status >= 300) throw new Error(`adding the member answered ${joined.status}: ${JSON.stringify(joined.body)}`);
  await eventually(
    async () => {
      const assigned = await request('PUT', `${urls.training}/teams/${teamId}/villages`, admin, { villageIds: [village.id] });
      if (assigned.status !== 200) throw new Error(`assigning the village answered ${assigned.status}`);
    },
    { timeoutMs: 60000 },
  );
  await eventually(
    async () => {
      const [row] = await query<{ n: number }>(`select count(*)::int as n from "${urls.registrySchema}".field_team_villages where team_id = $1`, [teamId]);
      if (row.n !== 1) throw new Error('the registry does not know the team village yet');
    },
    { timeoutMs: 60000 },
  );
  return { code, villageCode, villageName: village.name, villageId: village.id, teamId, memberName };
}

export interface SyncItem {
  clientId: string;
  command: string;
  occurredAt: string;
  refs?: Record<string, string>;
  payload: Record<string, unknown>;
}

/** A family as sync items: the household, then its residents referring to it by its client id. */
export function familyItems(commune: BenchCommune, entry: Family, occurredAt: string): SyncItem[] {
  const household: SyncItem = { clientId: randomUUID(), command: 'household.register', occurredAt, payload: { communeCode: commune.code, villageCode: commune.villageCode, ...entry.household } };
  return [household, ...entry.residents.map((resident) => ({ clientId: randomUUID(), command: 'resident.register', occurredAt, refs: { householdId: household.clientId }, payload: { ...resident } }))];
}

/**
 * Registers `count` households of 2-4 residents through the registry's POST /sync, whole families
 * per upload of up to 500 items (as a phone uploads). Returns the families with the ids the registry gave them.
 */
export async function seedHouseholds(urls: ServiceUrls, commune: BenchCommune, count: number, seed: number, onProgress: (households: number) => void = () => undefined): Promise<SeededFamily[]> {
  const random = seededRandom(seed);
  const token = adminToken(commune.code);
  const start = Date.now() - 8 * 3600 * 1000;
  let batch: SyncItem[] = [];
  let households = 0;
  const seeded: SeededFamily[] = [];
  const created = new Map<string, string>();
  const upload = async () => {
    if (batch.length === 0) return;
    const response = await fetch(`${urls.registry}/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-device-id': 'bench-seed' }, body: JSON.stringify({ items: batch }) });
    if (response.status !== 200) throw new Error(`seeding: POST /sync answered ${response.status}: ${await response.text()}`);
    const { results } = (await response.json()) as { results: Array<{ clientId: string; status: number; body: unknown }> };
    const refused = results.find((result) => result.status >= 300);
    if (refused) throw new Error(`seeding: an item was answered ${refused.status}: ${JSON.stringify(refused.body)}`);
    for (const result of results) created.set(result.clientId, (result.body as { id: string }).id);
    households += batch.filter((item) => item.command === 'household.register').length;
    batch = [];
    onProgress(households);
  };
  for (let number = 0; number < count; number += 1) {
    const entry = family(random, number);
    const items = familyItems(commune, entry, new Date(start + number * 20000).toISOString());
    if (batch.length + items.length > 500) await upload();
    batch.push(...items);
    seeded.push({ ...entry, clientIds: items.map((item) => item.clientId), householdId: '', residentIds: [] });
  }
  await upload();
  for (const entry of seeded) {
    entry.householdId = created.get(entry.clientIds[0])!;
    entry.residentIds = entry.clientIds.slice(1).map((clientId) => created.get(clientId)!);
  }
  return seeded;
}

export interface SeededFamily extends Family {
  clientIds: string[];
  householdId: string;
  residentIds: string[];
}

export async function countStored(registrySchema: string, communeCode: string): Promise<{ households: number; residents: number }> {
  const [row] = await query<{ households: number; residents: number }>(
    `select (select count(*)::int from "${registrySchema}".households where commune_code = $1) as households,
            (select count(*)::int from "${registrySchema}".residents where commune_code = $1) as residents`,
    [communeCode],
  );
  return row;
}
