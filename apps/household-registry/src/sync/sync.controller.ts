import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAX_SYNC_ITEMS, SyncBatchDto, SyncBatchResult } from '@dtc/offline-sync';
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
  @ApiOkResponse({ type: SyncBatchResult })
  @ApiBadRequestResponse({ description: 'The batch itself is malformed (not the items: those get per-item results)' })
  async upload(@Body() body: SyncBatchDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SyncBatchResult> {
    return { results: await this.sync.upload(body, principal, correlationId) };
  }
}
