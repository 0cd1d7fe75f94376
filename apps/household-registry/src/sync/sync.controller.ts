import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDeviceIdHeader, DeviceId, MAX_SYNC_ITEMS, SyncBatchDto, SyncBatchResult, SyncHealthQuery, SyncHealthView } from '@dtc/offline-sync';
import { CorrelationId, CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { SyncService } from './sync.service';

@ApiTags('offline sync')
@Controller('sync')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Post()
  @HttpCode(200)
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({
    summary: 'Upload commands recorded offline',
    description:
      `Up to ${MAX_SYNC_ITEMS} items, applied in order, each with its own result. Retrying a batch returns the same results and creates nothing twice. ` +
      'Items may refer to records created by earlier items through refs (field -> clientId). Commands: household.register, household.update, household.move, ' +
      'household.set-digital-core, resident.register, resident.update, resident.move-out, resident.deceased, visit.record, organisation.register, organisation.set-e-id-status.',
  })
  @ApiDeviceIdHeader()
  @ApiOkResponse({ type: SyncBatchResult })
  @ApiBadRequestResponse({ description: 'The batch itself is malformed (not the items: those get per-item results), or x-device-id is' })
  async upload(@Body() body: SyncBatchDto, @CurrentPrincipal() principal: Principal, @DeviceId() deviceId: string | undefined, @CorrelationId() correlationId?: string): Promise<SyncBatchResult> {
    return { results: await this.sync.upload(body, principal, correlationId, deviceId) };
  }

  @Get('health')
  @Roles('commune_admin', 'operations')
  @ApiOperation({
    summary: 'Sync health: whose phone has not synced',
    description: 'Per member (token subject) and phone (x-device-id): latest upload, items stored and items refused (409/422) in the last `days` Vietnam days. The longest silent first.',
  })
  @ApiOkResponse({ type: SyncHealthView })
  @ApiForbiddenResponse({ description: 'Not a commune admin of the commune, nor operations' })
  health(@Query() query: SyncHealthQuery, @CurrentPrincipal() principal: Principal): Promise<SyncHealthView> {
    return this.sync.health(principal, query);
  }
}
