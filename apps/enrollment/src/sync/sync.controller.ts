import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { MAX_SYNC_ITEMS, OfflineSyncEngine, SyncBatchDto, SyncBatchResult, syncHandler } from '@dtc/offline-sync';
import { CorrelationId, CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { DataSource } from 'typeorm';
import { ApplyDto, ObstacleDto, TransitionDto } from '../enrollments/enrollments.dto';
import { EnrollmentsService } from '../enrollments/enrollments.service';

@ApiTags('offline sync')
@Controller('sync')
export class SyncController {
  private readonly engine: OfflineSyncEngine;

  constructor(dataSource: DataSource, enrollments: EnrollmentsService) {
    this.engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: knownProvinceOf,
      handlers: {
        'enrollment.apply': syncHandler(ApplyDto, 201, false, async (p, _t, who, ctx) => {
          const { outcome: _outcome, ...view } = await enrollments.apply(p, who, ctx);
          return view;
        }),
        'enrollment.transition': syncHandler(TransitionDto, 200, true, (p, t, who, ctx) => enrollments.transition(t, p, who, ctx)),
        'enrollment.obstacle': syncHandler(ObstacleDto, 200, true, (p, t, who, ctx) => enrollments.recordObstacle(t, p, who, ctx)),
      },
    });
  }

  @Post()
  @HttpCode(200)
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({
    summary: 'Upload enrollment commands recorded offline',
    description: `Same contract as the registry's /sync: up to ${MAX_SYNC_ITEMS} items with client ids, per-item results, retry-safe. Commands: enrollment.apply, enrollment.transition (target or refs.target), enrollment.obstacle.`,
  })
  @ApiOkResponse({ type: SyncBatchResult })
  @ApiBadRequestResponse({ description: 'The batch itself is malformed' })
  async upload(@Body() body: SyncBatchDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SyncBatchResult> {
    return { results: await this.engine.upload(body, principal, correlationId) };
  }
}
