import type { EventEnvelope } from '@dtc/contracts';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which province each commune belongs to, learned from the envelopes of consumed events. Services
 * that do not own communes use it to scope province officers' access without calling the registry.
 */
export class CreateKnownCommunes1763900000003 implements MigrationInterface {
  name = 'CreateKnownCommunes1763900000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('create table if not exists known_communes (code char(5) primary key, province_code char(2) not null)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table known_communes');
  }
}

export async function rememberCommunes(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  const communes = [...new Map(events.map((event) => [event.tenant, event.province]))].sort();
  if (communes.length === 0) return;
  // One statement per batch; communes already known with the same province are not touched
  // (no write, no row lock for concurrent batches to queue on).
  await tx.query(
    `insert into known_communes (code, province_code)
     select incoming.code, incoming.province from unnest($1::text[], $2::text[]) as incoming (code, province)
     where not exists (select 1 from known_communes k where k.code = incoming.code and k.province_code = incoming.province)
     order by incoming.code
     on conflict (code) do update set province_code = excluded.province_code`,
    [communes.map(([code]) => code), communes.map(([, province]) => province)],
  );
}

export async function knownProvinceOf(tx: EntityManager, communeCode: string): Promise<string | undefined> {
  const [row] = await tx.query('select province_code from known_communes where code = $1', [communeCode]);
  return row?.province_code;
}

export async function knownCommunesOf(tx: EntityManager, provinceCode: string): Promise<string[]> {
  const rows: Array<{ code: string }> = await tx.query('select code from known_communes where province_code = $1 order by code', [provinceCode]);
  return rows.map((row) => row.code);
}

/** Tenant lookups for GET /audit in services that learn communes from events (see AuditModule). */
export const KNOWN_COMMUNE_TENANTS = { provinceOf: knownProvinceOf, communesOf: knownCommunesOf };
