import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { ApiDeviceIdHeader, DeviceId, MAX_SYNC_ITEMS, OfflineSyncEngine, readSyncHealth, SyncBatchDto, SyncBatchResult, syncGroupMetrics, syncHandler, SyncHealthQuery, SyncHealthView } from '@dtc/offline-sync';
import { CorrelationId, CurrentPrincipal, MetricsService, Roles, type Principal } from '@dtc/platform';
import { IsUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { CancelSessionDto, HoldSessionDto, RecordAttendanceDto, ScheduleSessionDto } from '../sessions/sessions.dto';
import { SessionsService } from '../sessions/sessions.service';
import { AssignVillagesDto, FormTeamDto, JoinTeamDto, LeaveTeamDto } from '../teams/teams.dto';
import { TeamsService } from '../teams/teams.service';

const MANAGERS = ['commune_admin', 'operations'] as const;

class LeaveItemDto extends LeaveTeamDto {
  @IsUUID('4')
  memberId!: string;
}

@ApiTags('offline sync')
@Controller('sync')
export class SyncController {
  private readonly engine: OfflineSyncEngine;

  constructor(
    private readonly dataSource: DataSource,
    teams: TeamsService,
    sessions: SessionsService,
    metrics: MetricsService,
  ) {
    this.engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: knownProvinceOf,
      onGroup: syncGroupMetrics(metrics),
      handlers: {
        'team.form': syncHandler(FormTeamDto, 201, false, (p, _t, who, ctx) => teams.form(p, who, ctx), MANAGERS),
        'team.member-join': syncHandler(JoinTeamDto, 200, true, (p, t, who, ctx) => teams.join(t, p, who, ctx), MANAGERS),
        'team.member-leave': syncHandler(LeaveItemDto, 200, true, (p, t, who, ctx) => teams.leave(t, p.memberId, p, who, ctx), MANAGERS),
        'team.assign-villages': syncHandler(AssignVillagesDto, 200, true, (p, t, who, ctx) => teams.assignVillages(t, p, who, ctx), MANAGERS),
        'session.schedule': syncHandler(ScheduleSessionDto, 201, false, (p, _t, who, ctx) => sessions.schedule(p, who, ctx)),
        'session.hold': syncHandler(HoldSessionDto, 200, true, (p, t, who, ctx) => sessions.hold(t, p, who, ctx)),
        'session.cancel': syncHandler(CancelSessionDto, 200, true, (p, t, who, ctx) => sessions.cancel(t, p, who, ctx)),
        'attendance.record': syncHandler(RecordAttendanceDto, 200, true, (p, t, who, ctx) => sessions.recordAttendance(t, p, who, ctx)),
      },
    });
  }

  @Post()
  @HttpCode(200)
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({
    summary: 'Upload training commands recorded offline',
    description: `Same contract as the other services' /sync: up to ${MAX_SYNC_ITEMS} items with client ids, per-item results, retry-safe. Commands: team.form, team.member-join, team.member-leave, team.assign-villages, session.schedule, session.hold, session.cancel, attendance.record (target = session).`,
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
    description: 'Per member (token subject) and phone (x-device-id): latest upload, items stored and items refused (409/422) in the last `days` Vietnam days. The longest silent first.',
  })
  @ApiOkResponse({ type: SyncHealthView })
  @ApiForbiddenResponse({ description: 'Not a commune admin of the commune, nor operations' })
  health(@Query() query: SyncHealthQuery, @CurrentPrincipal() principal: Principal): Promise<SyncHealthView> {
    return readSyncHealth(this.dataSource.manager, principal, query);
  }
}
