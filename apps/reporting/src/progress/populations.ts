import type { EntityManager } from 'typeorm';
import type { Scope } from './achievements';
import { ADULT_AGE, ELIGIBLE_AGE, lastBirthMonthForAge, type Population } from './indicator';

export type PopulationCounts = Record<Population, number>;
export type PopulationRow = { commune: string; village: string } & PopulationCounts;

/**
 * The populations targets are shares of, per village, on a report day: living residents, those
 * aged 14+ and 18+ on that day, households, and organisations.
 */
export async function populations(tx: EntityManager, scope: Scope, day: string): Promise<PopulationRow[]> {
  const rows: Array<{ commune: string; village: string; residents: number; eligible_residents: number; adults: number; households: number; organisations: number }> = await tx.query(
    `with people as (
       select commune_code, village_id, sum(residents)::int as residents,
              coalesce(sum(residents) filter (where birth_month <= $3), 0)::int as eligible_residents,
              coalesce(sum(residents) filter (where birth_month <= $4), 0)::int as adults
       from village_population
       where ($1::text is null or commune_code = $1) and ($2::text is null or province_code = $2)
       group by commune_code, village_id),
     homes as (
       select commune_code, village_id, households from village_households
       where ($1::text is null or commune_code = $1) and ($2::text is null or province_code = $2)),
     orgs as (
       select commune_code, village_id, organisations from village_facts
       where ($1::text is null or commune_code = $1) and ($2::text is null or province_code = $2))
     select coalesce(p.commune_code, h.commune_code, o.commune_code) as commune, coalesce(p.village_id, h.village_id, o.village_id)::text as village,
            coalesce(p.residents, 0) as residents, coalesce(p.eligible_residents, 0) as eligible_residents, coalesce(p.adults, 0) as adults,
            coalesce(h.households, 0) as households, coalesce(o.organisations, 0) as organisations
     from people p
     full join homes h on h.commune_code = p.commune_code and h.village_id = p.village_id
     full join orgs o on o.commune_code = coalesce(p.commune_code, h.commune_code) and o.village_id = coalesce(p.village_id, h.village_id)`,
    [scope.communeCode ?? null, scope.provinceCode ?? null, lastBirthMonthForAge(day, ELIGIBLE_AGE), lastBirthMonthForAge(day, ADULT_AGE)],
  );
  return rows;
}

export function sumPopulations(rows: PopulationCounts[]): PopulationCounts {
  const total: PopulationCounts = { eligible_residents: 0, adults: 0, residents: 0, households: 0, organisations: 0 };
  for (const row of rows) for (const key of Object.keys(total) as Population[]) total[key] += row[key];
  return total;
}
