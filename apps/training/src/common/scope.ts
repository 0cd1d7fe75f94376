import { NotFoundException } from '@nestjs/common';
import { assertCommuneAccess, canAccessCommune, type Principal, unprocessable } from '@dtc/platform';
import { knownProvinceOf } from '@dtc/messaging';
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

/** Villages known from registry events must belong to the commune; unknown ones are taken on trust. */
export async function assertVillagesOfCommune(tx: EntityManager, communeCode: string, villageIds: string[], field: string): Promise<void> {
  if (villageIds.length === 0) return;
  const foreign = await tx.query('select id from known_villages where id = any($1::uuid[]) and commune_code <> $2', [villageIds, communeCode]);
  if (foreign.length > 0) throw unprocessable(field, `village ${foreign[0].id} belongs to another commune`);
}
