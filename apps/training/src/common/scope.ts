import { NotFoundException } from '@nestjs/common';
import { assertCommuneAccess, canAccessCommune, type Principal, unprocessable } from '@dtc/platform';
import { knownProvinceOf } from '@dtc/messaging';
import { cachePerDatabase } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';

/** A commune code given by the caller: 403 outside the token's scope. */
export async function assertCommune(tx: EntityManager, principal: Principal, communeCode: string): Promise<string> {
  const province = await knownProvinceOf(tx, communeCode);
  assertCommuneAccess(principal, communeCode, province);
  return province ?? '';
}

/**
 * A commune a write publishes events for: besides the scope check, it must be known from the
 * registry's events. Before, an unknown one went on with an empty province and the event failed
 * the catalogue's validation: a 500 (and for /sync an item the phone retried forever).
 */
export async function assertKnownCommune(tx: EntityManager, principal: Principal, communeCode: string): Promise<string> {
  const province = await assertCommune(tx, principal, communeCode);
  if (!province) throw unprocessable('communeCode', 'unknown commune: not registered in the household registry');
  return province;
}

/** A record found by id: outside the caller's scope it does not exist (404). */
export async function assertVisible(tx: EntityManager, principal: Principal, communeCode: string, what: string, id: string): Promise<string> {
  const province = await knownProvinceOf(tx, communeCode);
  if (!canAccessCommune(principal, communeCode, province)) throw new NotFoundException(`${what} ${id} not found`);
  return province ?? '';
}

/**
 * Villages must be known from the registry's events and belong to the commune. An unknown id is
 * refused, no longer taken on trust: the registry announces every village it adds.
 */
/** Communes of the villages this process found: a village never moves to another commune and is never removed. */
const villageCommunes = cachePerDatabase<string>();

export async function assertVillagesOfCommune(tx: EntityManager, communeCode: string, villageIds: string[], field: string): Promise<void> {
  if (villageIds.length === 0) return;
  const cached = villageCommunes(tx);
  const toRead = villageIds.filter((id) => !cached.has(id));
  const read: Array<{ id: string; commune_code: string }> = toRead.length ? await tx.query('select id, commune_code from known_villages where id = any($1::uuid[])', [toRead]) : [];
  for (const village of read) cached.set(village.id, village.commune_code);
  const foreign = villageIds.find((id) => cached.has(id) && cached.get(id) !== communeCode);
  if (foreign) throw unprocessable(field, `village ${foreign} belongs to another commune`);
  const unknown = villageIds.find((id) => !cached.has(id));
  if (unknown) throw unprocessable(field, 'unknown village: not registered in the household registry');
}

/** Households listed in a plan: known from the registry's events and of the commune. */
export async function assertHouseholdsOfCommune(tx: EntityManager, communeCode: string, householdIds: string[], field: string): Promise<void> {
  if (householdIds.length === 0) return;
  const known: Array<{ id: string; commune_code: string }> = await tx.query('select id, commune_code from known_households where id = any($1::uuid[])', [householdIds]);
  const foreign = known.find((household) => household.commune_code !== communeCode);
  if (foreign) throw unprocessable(field, `household ${foreign.id} belongs to another commune`);
  const unknown = householdIds.find((id) => !known.some((household) => household.id === id));
  if (unknown) throw unprocessable(field, 'unknown household: not registered in the household registry');
}
