import { NotFoundException } from '@nestjs/common';
import { knownProvinceOf } from '@dtc/messaging';
import { canAccessCommune, type Principal } from '@dtc/platform';
import type { EntityManager } from 'typeorm';

/**
 * The province of a commune this caller may read reports of; a commune outside the caller's
 * scope (or unknown) is answered like one that does not exist, so its existence does not leak.
 */
export async function visibleCommuneProvince(tx: EntityManager, principal: Principal, communeCode: string): Promise<string | undefined> {
  const province = await knownProvinceOf(tx, communeCode);
  if (!canAccessCommune(principal, communeCode, province)) throw new NotFoundException(`No report for commune ${communeCode}`);
  return province;
}
