import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { AttendanceResult, CancelSessionDto, HoldSessionDto, LinkWalkInDto, RecordAttendanceDto, ScheduleSessionDto, SessionPage, SessionQuery, SessionView } from './sessions.dto';
import { SessionsService } from './sessions.service';

const WRITERS = ['field_agent', 'commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;

@ApiTags('training sessions')
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post('sessions')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Schedule a digital-skills training session' })
  @ApiCreatedResponse({ type: SessionView })
  schedule(@Body() body: ScheduleSessionDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SessionView> {
    return this.sessions.schedule(body, principal, { correlationId });
  }

  @Get('sessions')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Sessions of a commune, newest first' })
  @ApiOkResponse({ type: SessionPage })
  list(@Query() query: SessionQuery, @CurrentPrincipal() principal: Principal): Promise<SessionPage> {
    return this.sessions.list(query, principal);
  }

  @Get('sessions/:id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A session with its attendance count' })
  @ApiOkResponse({ type: SessionView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<SessionView> {
    return this.sessions.get(id, principal);
  }

  @Post('sessions/:id/held')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Mark a scheduled session as held (not before it starts)' })
  @ApiOkResponse({ type: SessionView })
  @ApiConflictResponse({ description: 'Not scheduled any more, or not started yet' })
  hold(@Param('id', new ParseIdPipe()) id: string, @Body() body: HoldSessionDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SessionView> {
    return this.sessions.hold(id, body, principal, { correlationId });
  }

  @Post('sessions/:id/cancel')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Cancel a scheduled session' })
  @ApiOkResponse({ type: SessionView })
  @ApiConflictResponse({ description: 'Not scheduled any more, or attendance already recorded' })
  cancel(@Param('id', new ParseIdPipe()) id: string, @Body() body: CancelSessionDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<SessionView> {
    return this.sessions.cancel(id, body, principal, { correlationId });
  }

  @Post('sessions/:id/attendance')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Record attendance in bulk: registered residents and walk-ins, each with an outcome',
    description: 'Refused as a whole (409) for a cancelled or future session; per attendee 409 when the session is full or already has them.',
  })
  @ApiOkResponse({ type: AttendanceResult })
  @ApiConflictResponse({ description: 'Cancelled or not yet started' })
  attendance(@Param('id', new ParseIdPipe()) id: string, @Body() body: RecordAttendanceDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<AttendanceResult> {
    return this.sessions.recordAttendance(id, body, principal, { correlationId });
  }

  @Post('walk-ins/:id/link')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Link a walk-in to the resident record registered later' })
  @ApiOkResponse({ description: 'Linked', schema: { example: { walkInId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', residentId: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34' } } })
  link(@Param('id', new ParseIdPipe()) id: string, @Body() body: LinkWalkInDto, @CurrentPrincipal() principal: Principal) {
    return this.sessions.linkWalkIn(id, body, principal);
  }
}
