import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { ApiDeviceIdHeader, DeviceId, manyAtOnce, MAX_SYNC_ITEMS, OfflineSyncEngine, readSyncHealth, SyncBatchDto, SyncBatchResult, syncGroupMetrics, syncHandler, SyncHealthQuery, SyncHealthView, type SyncItemDto } from '@dtc/offline-sync';
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
        // An application decides by its subject's open enrollment in the service, which only an
        // application or a change of that subject's enrollment alters: its run may pass over changes
        // of other subjects' enrollments opened in the same upload (subjectOf says whose).
        'enrollment.apply': manyAtOnce<ApplyDto>(
          syncHandler(ApplyDto, 201, false, async (p, _t, who, ctx) => {
            const { outcome: _outcome, ...view } = await enrollments.apply(p, who, ctx);
            return view;
          }),
          (items, who, tx) => enrollments.applyMany(items, who, tx),
          { gathersPast: ['enrollment.transition', 'enrollment.obstacle'], subjectOf: applicationSubject },
        ),
        // Transitions of different enrollments decide apart; two of one enrollment never share a run.
        'enrollment.transition': manyAtOnce<TransitionDto>(
          syncHandler(TransitionDto, 200, true, (p, t, who, ctx) => enrollments.transition(t, p, who, ctx)),
          (items, who, tx) => enrollments.transitionMany(items, who, tx),
          { subjectOf: (item) => item.refs?.['target'] ?? item.target },
        ),
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

/**
 * The service and subject an application or a change of an enrollment acts on: an application's
 * own, a change's that of the application it refers to in the same upload; unknown (undefined)
 * for a change of an enrollment stored before, and for an application with refs or naming both a
 * resident and an organisation (which one counts is the service's to say).
 */
export function applicationSubject(item: SyncItemDto, group: readonly SyncItemDto[]): string | undefined {
  const application = item.command === 'enrollment.apply' ? item : group.find((other) => other.clientId === item.refs?.['target'] && other.command === 'enrollment.apply');
  const payload = application?.payload as Partial<ApplyDto> | undefined;
  if (!payload?.serviceCode || application?.refs || (payload.residentId && payload.organisationId)) return undefined;
  const subjectId = payload.residentId ?? payload.organisationId;
  return subjectId ? `${payload.serviceCode}:${subjectId}` : undefined;
}
