import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { knownProvinceOf } from '@dtc/messaging';
import { MAX_SYNC_ITEMS, OfflineSyncEngine, SyncBatchDto, SyncBatchResult, syncHandler } from '@dtc/offline-sync';
import { CorrelationId, CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
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

  constructor(dataSource: DataSource, teams: TeamsService, sessions: SessionsService) {
    this.engine = new OfflineSyncEngine({
      dataSource,
      provinceOf: knownProvinceOf,
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
  @ApiOkResponse({ type: SyncBatchResult })
  @ApiBadRequestResponse({ description: 'The batch itself is malformed' })
  async upload(@Body() body: SyncBatchDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SyncBatchResult> {
    return { results: await this.engine.upload(body, principal, correlationId) };
  }
}
