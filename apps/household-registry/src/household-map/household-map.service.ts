import { Injectable } from '@nestjs/common';
import type { Principal } from '@dtc/platform';
import { CommunesService } from '../communes/communes.service';
import type { HouseholdMapStatus, HouseholdMapView, VillageCoverage } from './household-map.dto';
import { HouseholdMapRepository, type HouseholdMapRow, type VillageRow } from './household-map.repository';

/** What a household shows on the map: the digital core first, then what its latest visit found. */
export function householdStatus(row: Pick<HouseholdMapRow, 'has_digital_core' | 'visited' | 'latest_obstacles'>): HouseholdMapStatus {
  if (row.has_digital_core) return 'digital_core';
  if (!row.visited) return 'not_visited';
  return (row.latest_obstacles ?? []).length > 0 ? 'obstacle' : 'visited';
}

/** No mobile signal at home: registered as such, or the latest visit could not go online there. */
export function withoutSignal(row: Pick<HouseholdMapRow, 'mobile_signal' | 'latest_obstacles'>): boolean {
  return row.mobile_signal === 'none' || (row.latest_obstacles ?? []).includes('no_signal');
}

/** Villages with their households counted by status and the mean position of the located ones. */
export function villageCoverage(
  villages: VillageRow[],
  households: Array<{ villageId: string; status: HouseholdMapStatus; visited: boolean; noSignal: boolean; latitude: number | null; longitude: number | null }>,
): VillageCoverage[] {
  return villages.map((village) => {
    const own = households.filter((household) => household.villageId === village.id);
    const located = own.filter((household) => household.latitude !== null && household.longitude !== null);
    const mean = (pick: (h: (typeof located)[number]) => number) => Math.round((located.reduce((sum, h) => sum + pick(h), 0) / located.length) * 1e6) / 1e6;
    const count = (status: HouseholdMapStatus) => own.filter((household) => household.status === status).length;
    return {
      id: village.id,
      code: village.code,
      name: village.name,
      households: own.length,
      located: located.length,
      visited: own.filter((household) => household.visited).length,
      withDigitalCore: count('digital_core'),
      withObstacle: count('obstacle'),
      noSignal: own.filter((household) => household.noSignal).length,
      ...(located.length > 0 ? { centre: { latitude: mean((h) => h.latitude!), longitude: mean((h) => h.longitude!) } } : {}),
    };
  });
}

@Injectable()
export class HouseholdMapService {
  constructor(
    private readonly communes: CommunesService,
    private readonly repository: HouseholdMapRepository,
  ) {}

  /** The commune's households on a map, without names or addresses; 404 outside the caller's scope. */
  async householdMap(communeCode: string, principal: Principal): Promise<HouseholdMapView> {
    await this.communes.findVisible(communeCode, principal);
    const [villages, rows] = await Promise.all([this.repository.villages(communeCode), this.repository.households(communeCode)]);
    const households = rows.map((row) => ({
      id: row.id,
      villageId: row.village_id,
      latitude: row.latitude === null ? null : Number(row.latitude),
      longitude: row.longitude === null ? null : Number(row.longitude),
      status: householdStatus(row),
      visited: row.visited,
      noSignal: withoutSignal(row),
    }));
    return {
      communeCode,
      households: households
        .filter((h): h is typeof h & { latitude: number; longitude: number } => h.latitude !== null && h.longitude !== null)
        .map(({ id, villageId, latitude, longitude, status }) => ({ id, villageId, latitude, longitude, status })),
      villages: villageCoverage(villages, households),
    };
  }
}
