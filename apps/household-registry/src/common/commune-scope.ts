import { assertCommuneAccess, canAccessCommune, notFound, unprocessable, type Principal } from '@dtc/platform';
import { cachePerDatabase, memoPerTransaction } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';
import { CommuneEntity } from '../communes/commune.entity';
import { VillageEntity } from '../communes/village.entity';

/** What a write needs of its commune: the tenant and the province its events and checks go by. */
export type CommuneScope = Pick<CommuneEntity, 'code' | 'provinceCode'>;

/**
 * Every write looks up its commune's province, and the answer never changes: a commune keeps its
 * code and province once onboarded (a rename changes only the name) and is never removed. So each
 * process keeps what it read, per database connection (schema); an unknown code is not kept.
 */
const knownScopes = cachePerDatabase<CommuneScope>();

async function scopeOf(tx: EntityManager, code: string): Promise<CommuneScope | undefined> {
  const known = knownScopes(tx);
  const cached = known.get(code);
  if (cached) return cached;
  const [row]: Array<{ code: string; province_code: string }> = await tx.query('select code, province_code from communes where code = $1', [code]);
  if (!row) return undefined;
  const scope = { code: row.code, provinceCode: row.province_code };
  known.set(code, scope);
  return scope;
}

/** The commune a write targets; 422 when unknown, 403 when outside the caller's scope. */
export async function communeForWrite(tx: EntityManager, code: string, principal: Principal, field = 'communeCode'): Promise<CommuneScope> {
  const commune = await scopeOf(tx, code);
  if (!commune) throw unprocessable(field, 'unknown commune');
  assertCommuneAccess(principal, commune.code, commune.provinceCode);
  return commune;
}

/** For reads and writes by id: outside the caller's scope the record does not exist (404). */
export async function assertVisible(tx: EntityManager, communeCode: string, principal: Principal, what: string, id: string): Promise<CommuneScope> {
  const commune = await scopeOf(tx, communeCode);
  if (!commune || !canAccessCommune(principal, commune.code, commune.provinceCode)) throw notFound(what, id);
  return commune;
}

/** For listing: a commune outside the caller's scope answers 403 (the code is the caller's input). */
export async function communeForRead(tx: EntityManager, code: string, principal: Principal): Promise<CommuneEntity> {
  const commune = await tx.getRepository(CommuneEntity).findOneBy({ code });
  if (!commune) throw notFound('Commune', code);
  assertCommuneAccess(principal, commune.code, commune.provinceCode);
  return commune;
}

/** What a write needs of its village: the id it stores, the code and name its events carry. */
export type VillageOfCommune = Pick<VillageEntity, 'id' | 'communeCode' | 'code' | 'name'>;

/**
 * Villages a transaction found, by commune and code: an upload's households are mostly in a few
 * villages. A rename is its own transaction, so one transaction never changes what it found.
 */
const villagesFound = memoPerTransaction<VillageOfCommune>('registry.villages');

export async function villageOfCommune(tx: EntityManager, communeCode: string, villageCode: string, field = 'villageCode'): Promise<VillageOfCommune> {
  const key = `${communeCode}:${villageCode}`;
  const found = villagesFound(tx);
  // Plain SQL: every household registration looks its village up, and TypeORM's findOneBy built
  // a query per call (2.5% of the registry's CPU under load, docs/benchmarks.md).
  const village =
    found.get(key) ??
    ((await tx.query('select id, commune_code as "communeCode", code, name from villages where commune_code = $1 and code = $2', [communeCode, villageCode])) as VillageOfCommune[])[0];
  if (!village) throw unprocessable(field, `no such village in commune ${communeCode}`);
  found.set(key, village);
  return village;
}
