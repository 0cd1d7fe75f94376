import { CommuneOnboardedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import { Logger } from '@nestjs/common';
import { cachePerDatabase } from '@dtc/persistence';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { RejectedEventsError } from '../consumer/rejected-events';

/**
 * Which province each commune belongs to, learned from consumed events (see rememberCommunes). Services
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

/**
 * Marks which communes' provinces come from the registry's CommuneOnboardedV1 (onboarded) rather
 * than from whatever envelope arrived first (provisional). Rows learned before this migration stay
 * provisional until their commune's onboarded event is consumed (a reporting rebuild sees them all).
 */
export class KnownCommunesOnboarded1764600000003 implements MigrationInterface {
  name = 'KnownCommunesOnboarded1764600000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table known_communes add column if not exists onboarded boolean not null default false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table known_communes drop column onboarded');
  }
}

/** Every migration of known_communes, in order (services list them with their own). */
export const KNOWN_COMMUNES_MIGRATIONS = [CreateKnownCommunes1763900000003, KnownCommunesOnboarded1764600000003];

const logger = new Logger('known-communes');

/**
 * The events whose envelope names another province than the one their commune was onboarded in
 * (event id -> why). `onboarded` maps commune code to the registry's province; communes missing
 * from it are not judged (their province is provisional).
 */
export function provinceMismatches(events: EventEnvelope[], onboarded: ReadonlyMap<string, string>): Map<string, string> {
  const refused = new Map<string, string>();
  for (const event of events) {
    const province = onboarded.get(event.tenant);
    if (province !== undefined && province !== event.province) {
      refused.set(event.id, `commune ${event.tenant} was onboarded in province ${province}, but ${event.type} ${event.id} claims province ${event.province}`);
    }
  }
  return refused;
}

/**
 * Learns communes' provinces from a batch, trusting only the registry's onboarding:
 * - CommuneOnboardedV1 (the runner has checked it came from the registry's topic) sets its
 *   commune's province for good; a provisional province that disagreed is corrected and logged.
 * - Any other event of an onboarded commune must name that province: a mismatch is refused
 *   (RejectedEventsError 'province_mismatch': the runner dead-letters it, the rest applies).
 * - An event of a commune not onboarded yet (other aggregates' partitions can overtake the
 *   onboarding) sets the province provisionally, as before, until the onboarding arrives.
 * Judged against onboardings already committed plus those in the batch, so a batch's order does
 * not matter. Call it first in the handler, before any other write.
 */
export async function rememberCommunes(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  const refused = new Map<string, string>();
  const onboardings = new Map<string, string>();
  for (const event of events) {
    if (event.type !== CommuneOnboardedV1.type) continue;
    const data = event.data as EventData<typeof CommuneOnboardedV1>;
    if (event.tenant !== data.communeCode || event.province !== data.provinceCode) {
      refused.set(event.id, `${event.type} ${event.id} onboards ${data.communeCode} in province ${data.provinceCode} under envelope ${event.tenant}/${event.province}`);
    } else {
      onboardings.set(data.communeCode, data.provinceCode);
    }
  }
  const tenants = [...new Set(events.map((event) => event.tenant))].sort();
  const rows: Array<{ code: string; province_code: string; onboarded: boolean }> = await tx.query(
    'select code, province_code, onboarded from known_communes where code = any($1::text[])',
    [tenants],
  );
  const onboarded = new Map(rows.filter((row) => row.onboarded).map((row) => [row.code, row.province_code]));
  for (const [code, province] of onboardings) onboarded.set(code, province);
  const others = events.filter((event) => event.type !== CommuneOnboardedV1.type);
  for (const [id, why] of provinceMismatches(others, onboarded)) refused.set(id, why);
  if (refused.size > 0) throw new RejectedEventsError('province_mismatch', refused);

  const stored = new Map(rows.map((row) => [row.code, row]));
  const confirm = [...onboardings].filter(([code, province]) => !(stored.get(code)?.onboarded && stored.get(code)?.province_code === province)).sort();
  for (const [code, province] of confirm) {
    const before = stored.get(code);
    if (before && before.province_code !== province) {
      logger.warn({ commune: code, provisionalProvince: before.province_code, onboardedProvince: province, wasOnboarded: before.onboarded }, "the registry's onboarding corrects a commune's province");
    }
  }
  if (confirm.length > 0) {
    await tx.query(
      `insert into known_communes (code, province_code, onboarded)
       select incoming.code, incoming.province, true from unnest($1::text[], $2::text[]) as incoming (code, province) order by incoming.code
       on conflict (code) do update set province_code = excluded.province_code, onboarded = true`,
      [confirm.map(([code]) => code), confirm.map(([, province]) => province)],
    );
  }

  const provisional = [...new Map(others.filter((event) => !onboarded.has(event.tenant)).map((event) => [event.tenant, event.province]))].sort();
  if (provisional.length === 0) return;
  // One statement per batch; communes already known with the same province, or onboarded, are
  // not touched (no write, no row lock for concurrent batches to queue on).
  await tx.query(
    `insert into known_communes (code, province_code)
     select incoming.code, incoming.province from unnest($1::text[], $2::text[]) as incoming (code, province)
     where not exists (select 1 from known_communes k where k.code = incoming.code and (k.province_code = incoming.province or k.onboarded))
     order by incoming.code
     on conflict (code) do update set province_code = excluded.province_code where not known_communes.onboarded`,
    [provisional.map(([code]) => code), provisional.map(([, province]) => province)],
  );
}

/**
 * Provinces of onboarded communes, per process and database connection: the registry onboards a
 * commune once, in its province for good, so every write of the service need not read it again.
 * A provisional province (learned from another event first) may still change and is not kept.
 */
const onboardedProvinces = cachePerDatabase<string>();

export async function knownProvinceOf(tx: EntityManager, communeCode: string): Promise<string | undefined> {
  const known = onboardedProvinces(tx);
  const cached = known.get(communeCode);
  if (cached) return cached;
  const [row]: Array<{ province_code: string; onboarded: boolean }> = await tx.query('select province_code, onboarded from known_communes where code = $1', [communeCode]);
  if (row?.onboarded) known.set(communeCode, row.province_code);
  return row?.province_code;
}

export async function knownCommunesOf(tx: EntityManager, provinceCode: string): Promise<string[]> {
  const rows: Array<{ code: string }> = await tx.query('select code from known_communes where province_code = $1 order by code', [provinceCode]);
  return rows.map((row) => row.code);
}

/** Tenant lookups for GET /audit in services that learn communes from events (see AuditModule). */
export const KNOWN_COMMUNE_TENANTS = { provinceOf: knownProvinceOf, communesOf: knownCommunesOf };
