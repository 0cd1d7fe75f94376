import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, ParseCommuneCodePipe } from '@dtc/platform';
import { FreshnessService } from '../freshness/freshness.service';
import { visibleCommuneProvince } from '../projections/commune-scope';
import { ProjectionStore } from '../projections/projection-store';
import { EnrollmentFunnel, FunnelQuery } from './enrollment-funnel.dto';

@ApiTags('reports')
@Controller('communes/:code/enrollment-funnel')
export class EnrollmentFunnelController {
  constructor(
    private readonly store: ProjectionStore,
    private readonly freshness: FreshnessService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Enrollment funnel of a service for a commune, with a per-village breakdown (by the day things happened)' })
  @ApiParam({ name: 'code', example: '16279' })
  @ApiOkResponse({ type: EnrollmentFunnel })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  async get(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: FunnelQuery, @CurrentPrincipal() principal: Principal): Promise<EnrollmentFunnel> {
    return this.store.read(async (tx) => {
      await visibleCommuneProvince(tx, principal, code);
      const dataAsOf = await this.freshness.read(tx);
      const rows: Array<{ village_id: string; state: string; reached: number; position: number | null; village_code: string | null; village_name: string | null }> = await tx.query(
        `select d.village_id, d.state, sum(d.entered)::int as reached, s.position, v.village_code, v.village_name
         from enrollment_state_daily d
         left join service_states s on s.service_code = d.service_code and s.state = d.state
         left join village_households v on v.commune_code = d.commune_code and v.village_id = d.village_id
         where d.commune_code = $1 and d.service_code = $2 and ($3::date is null or d.day >= $3) and ($4::date is null or d.day <= $4)
         group by d.village_id, d.state, s.position, v.village_code, v.village_name`,
        [code, query.serviceCode, query.from ?? null, query.to ?? null],
      );
      const order = (a: { state: string; position: number | null }, b: { state: string; position: number | null }) => (a.position ?? 50) - (b.position ?? 50) || a.state.localeCompare(b.state);
      const totals = new Map<string, { state: string; reached: number; position: number | null }>();
      const villages = new Map<string, { villageId: string; villageCode: string | null; villageName: string | null; steps: Array<{ state: string; reached: number; position: number | null }> }>();
      for (const row of rows) {
        const total = totals.get(row.state) ?? { state: row.state, reached: 0, position: row.position };
        total.reached += row.reached;
        totals.set(row.state, total);
        const village = villages.get(row.village_id) ?? { villageId: row.village_id, villageCode: row.village_code, villageName: row.village_name, steps: [] };
        village.steps.push({ state: row.state, reached: row.reached, position: row.position });
        villages.set(row.village_id, village);
      }
      const strip = (steps: Array<{ state: string; reached: number; position: number | null }>) => [...steps].sort(order).map(({ state, reached }) => ({ state, reached }));
      return {
        communeCode: code,
        serviceCode: query.serviceCode,
        from: query.from ?? null,
        to: query.to ?? null,
        steps: strip([...totals.values()]),
        villages: [...villages.values()].sort((a, b) => (a.villageCode ?? a.villageId).localeCompare(b.villageCode ?? b.villageId)).map((v) => ({ ...v, steps: strip(v.steps) })),
        dataAsOf,
      };
    });
  }
}
