import { Injectable } from '@nestjs/common';
import type { Principal } from '@dtc/platform';
import { FreshnessService } from '../freshness/freshness.service';
import { visibleCommuneProvince } from '../projections/commune-scope';
import { ProjectionStore } from '../projections/projection-store';
import { loadDone, loadPlans, loadTeamNames, loadVillages, reportWindow } from './plan-data';
import { planProgress } from './plan-progress';
import type { PlanProgressQuery, PlanProgressView } from './plan-progress.dto';

@Injectable()
export class PlanProgressService {
  constructor(
    private readonly store: ProjectionStore,
    private readonly freshness: FreshnessService,
  ) {}

  async progress(communeCode: string, query: PlanProgressQuery, principal: Principal): Promise<PlanProgressView> {
    const window = reportWindow(query.from, query.to);
    const groupBy = query.groupBy ?? 'team';
    const verifiedOnly = query.verifiedOnly ?? false;
    return this.store.read(async (tx) => {
      await visibleCommuneProvince(tx, principal, communeCode);
      const dataAsOf = await this.freshness.read(tx);
      const [plans, done, teamNames, villages] = [await loadPlans(tx, communeCode), await loadDone(tx, communeCode, window.from, window.to, verifiedOnly), await loadTeamNames(tx, communeCode), await loadVillages(tx, communeCode)];
      return { communeCode, ...window, groupBy, verifiedOnly, groups: planProgress({ ...window, groupBy, plans, done, teamNames, villages }), dataAsOf };
    });
  }
}
