import { Injectable, NotFoundException } from '@nestjs/common';
import { canAccessCommune, type Principal } from '@dtc/platform';
import { FreshnessService } from '../freshness/freshness.service';
import { ProjectionStore } from '../projections/projection-store';
import type { CommuneHouseholdsReport } from './households-report.dto';

@Injectable()
export class HouseholdsReportService {
  constructor(
    private readonly store: ProjectionStore,
    private readonly freshness: FreshnessService,
  ) {}

  async communeReport(communeCode: string, principal: Principal): Promise<CommuneHouseholdsReport> {
    const { rows, dataAsOf } = await this.store.read(async (tx) => ({
      rows: (await tx.query(
        // Names from the village projection (renames included), else as households carried them.
        `select h.village_id, h.village_code, coalesce(v.village_name, h.village_name) as village_name, h.households, h.province_code, h.last_event_at as updated_at
         from village_households h left join villages v on v.village_id = h.village_id where h.commune_code = $1 order by h.village_code`,
        [communeCode],
      )) as Array<{ village_id: string; village_code: string; village_name: string; households: number; province_code: string; updated_at: Date }>,
      dataAsOf: await this.freshness.read(tx),
    }));
    const provinceCode = rows[0]?.province_code;
    // A commune outside the caller's scope looks like one with no data: never leak it.
    if (!canAccessCommune(principal, communeCode, provinceCode)) throw new NotFoundException(`No report for commune ${communeCode}`);
    return {
      communeCode,
      provinceCode: provinceCode ?? '',
      totalHouseholds: rows.reduce((sum, row) => sum + row.households, 0),
      villages: rows.map((row) => ({ villageId: row.village_id, villageCode: row.village_code, villageName: row.village_name, households: row.households })),
      updatedAt: rows.length ? new Date(Math.max(...rows.map((row) => new Date(row.updated_at).getTime()))).toISOString() : null,
      dataAsOf,
    };
  }
}
