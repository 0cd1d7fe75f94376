import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { ApiDeviceIdHeader, DeviceId, MAX_SYNC_ITEMS, OfflineSyncEngine, readSyncHealth, SyncBatchDto, SyncBatchResult, syncGroupMetrics, syncHandler, SyncHealthQuery, SyncHealthView } from '@dtc/offline-sync';
import { CorrelationId, CurrentPrincipal, MetricsService, Roles, type Principal } from '@dtc/platform';
import { DataSource } from 'typeorm';
import { ApplyDto, ObstacleDto, TransitionDto } from '../enrollments/enrollments.dto';
import { EnrollmentsService } from '../enrollments/enrollments.service';

@ApiTags('offline sync')
@Controller('sync')
export class SyncController {
  private readonly engine: OfflineSyncEngine;

  constructor(
    private readonly dataSource: DataSource,
    private readonly enrollments: EnrollmentsService,
    metrics: MetricsService,
  ) {
    this.engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: knownProvinceOf,
      onGroup: syncGroupMetrics(metrics),
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
  @ApiDeviceIdHeader()
  @ApiOkResponse({ type: SyncBatchResult })
  @ApiBadRequestResponse({ description: 'The batch itself is malformed, or x-device-id is' })
  async upload(@Body() body: SyncBatchDto, @CurrentPrincipal() principal: Principal, @DeviceId() deviceId: string | undefined, @CorrelationId() correlationId?: string): Promise<SyncBatchResult> {
    return { results: await this.engine.upload(body, principal, correlationId, deviceId) };
  }

  @Get('health')
  @Roles('commune_admin', 'operations')
  @ApiOperation({
    summary: 'Sync health: whose phone has not synced',
    description:
      'Per member (token subject) and phone (x-device-id): latest upload, items stored and items refused (409/422) in the last `days` Vietnam days, ' +
      'and the enrollments each member opened that are still held because their resident is not yet known (pendingEnrollments). The longest silent first.',
  })
  @ApiOkResponse({ type: SyncHealthView })
  @ApiForbiddenResponse({ description: 'Not a commune admin of the commune, nor operations' })
  async health(@Query() query: SyncHealthQuery, @CurrentPrincipal() principal: Principal): Promise<SyncHealthView> {
    return readSyncHealth(this.dataSource.manager, principal, query, await this.enrollments.pendingByMember(principal, query.communeCode));
  }
}
