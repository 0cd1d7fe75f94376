import { assertCommuneAccess, canAccessCommune, notFound, unprocessable, type Principal } from '@dtc/platform';
import type { EntityManager } from 'typeorm';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';

/** The commune a write targets; 422 when unknown, 403 when outside the caller's scope. */
export async function communeForWrite(tx: EntityManager, code: string, principal: Principal, field = 'communeCode'): Promise<CommuneEntity> {
  const commune = await tx.getRepository(CommuneEntity).findOneBy({ code });
  if (!commune) throw unprocessable(field, 'unknown commune');
  assertCommuneAccess(principal, commune.code, commune.provinceCode);
  return commune;
}

/** For reads and writes by id: outside the caller's scope the record does not exist (404). */
export async function assertVisible(tx: EntityManager, communeCode: string, principal: Principal, what: string, id: string): Promise<CommuneEntity> {
  const commune = await tx.getRepository(CommuneEntity).findOneByOrFail({ code: communeCode });
  if (!canAccessCommune(principal, commune.code, commune.provinceCode)) throw notFound(what, id);
  return commune;
}

/** For listing: a commune outside the caller's scope answers 403 (the code is the caller's input). */
export async function communeForRead(tx: EntityManager, code: string, principal: Principal): Promise<CommuneEntity> {
  const commune = await tx.getRepository(CommuneEntity).findOneBy({ code });
  if (!commune) throw notFound('Commune', code);
  assertCommuneAccess(principal, commune.code, commune.provinceCode);
  return commune;
}

export async function villageOfCommune(tx: EntityManager, communeCode: string, villageCode: string, field = 'villageCode'): Promise<VillageEntity> {
  const village = await tx.getRepository(VillageEntity).findOneBy({ communeCode, code: villageCode });
  if (!village) throw unprocessable(field, `no such village in commune ${communeCode}`);
  return village;
}
