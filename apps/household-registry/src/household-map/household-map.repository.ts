import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface HouseholdMapRow {
  id: string;
  village_id: string;
  latitude: string | null;
  longitude: string | null;
  has_digital_core: boolean;
  visited: boolean;
  latest_obstacles: string[] | null;
  mobile_signal: string | null;
}

export interface VillageRow {
  id: string;
  code: string;
  name: string;
}

/** The coverage map's SQL: a commune's villages and its households with their latest visit. */
@Injectable()
export class HouseholdMapRepository {
  constructor(private readonly dataSource: DataSource) {}

  villages(communeCode: string): Promise<VillageRow[]> {
    return this.dataSource.query('select id, code, name from villages where commune_code = $1 order by code', [communeCode]);
  }

  households(communeCode: string): Promise<HouseholdMapRow[]> {
    return this.dataSource.query(
      `select h.id, h.village_id, h.latitude, h.longitude, h.digital_core_resident_id is not null as has_digital_core,
              latest.visited_at is not null as visited, latest.obstacles as latest_obstacles, h.mobile_signal
         from households h
         left join lateral (
           select v.visited_at, v.obstacles from visits v where v.household_id = h.id order by v.visited_at desc, v.created_at desc limit 1
         ) latest on true
        where h.commune_code = $1`,
      [communeCode],
    );
  }
}
