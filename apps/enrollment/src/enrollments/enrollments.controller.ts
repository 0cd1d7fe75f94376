import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import type { Response } from 'express';
import { ENROLLMENT_SETTINGS, type EnrollmentSettings } from '../enrollment-settings';
import { ApplyDto, EnrollmentPage, EnrollmentQuery, EnrollmentView, ObstacleDto, PendingQuery, ReturnedStepsQuery, ReturnedStepsView, TransitionDto } from './enrollments.dto';
import { EnrollmentsService } from './enrollments.service';

const WRITERS = ['field_agent', 'commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;
const STATUS = { created: 201, existing: 200, pending: 202 } as const;

@ApiTags('enrollments')
@Controller()
export class EnrollmentsController {
  constructor(
    private readonly enrollments: EnrollmentsService,
    @Inject(ENROLLMENT_SETTINGS) private readonly settings: EnrollmentSettings,
  ) {}

  @Post('enrollments')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Enroll a resident (or organisation) in a service',
    description:
      '201 opens it in the first state of the service lifecycle; 200 returns the open enrollment for the same subject and service; ' +
      '202 holds it as pending when the resident is not yet known from registry events (validated when the event arrives).',
  })
  @ApiCreatedResponse({ type: EnrollmentView })
  @ApiOkResponse({ type: EnrollmentView, description: 'Already enrolled: the open enrollment' })
  @ApiAcceptedResponse({ type: EnrollmentView, description: 'Held until the resident is known' })
  @ApiUnprocessableEntityResponse({ description: 'Not eligible (age, commune, status), unknown service or missing detail' })
  async apply(@Body() body: ApplyDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response, @CorrelationId() correlationId?: string): Promise<EnrollmentView> {
    const { outcome, ...view } = await this.enrollments.apply(body, principal, { correlationId });
    response.status(STATUS[outcome]);
    return view;
  }

  @Get('enrollments')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Enrollments of a commune by village, service and state' })
  @ApiOkResponse({ type: EnrollmentPage })
  list(@Query() query: EnrollmentQuery, @CurrentPrincipal() principal: Principal): Promise<EnrollmentPage> {
    return this.enrollments.list(query, principal);
  }

  @Get('enrollments/pending')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Enrollments still waiting for their resident after ENROLLMENT_PENDING_REPORT_MINUTES' })
  @ApiOkResponse({ type: EnrollmentPage })
  pending(@Query() query: PendingQuery, @CurrentPrincipal() principal: Principal): Promise<EnrollmentPage> {
    return this.enrollments.overduePending(query, this.settings.pendingReportMinutes, principal);
  }

  @Get('enrollments/returned')
  @Roles('commune_admin', 'operations')
  @ApiOperation({
    summary: 'Steps returned on review and not yet redone, newest first, each with who recorded it and what to fix',
    description: "Commune admins of the commune and operations: the review queue's items returned, per member. A later step of the enrollment, or a verification, takes it off.",
  })
  @ApiOkResponse({ type: ReturnedStepsView })
  returned(@Query() query: ReturnedStepsQuery, @CurrentPrincipal() principal: Principal): Promise<ReturnedStepsView> {
    return this.enrollments.returned(query, principal);
  }

  @Get('enrollments/:id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'An enrollment with its history' })
  @ApiOkResponse({ type: EnrollmentView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<EnrollmentView> {
    return this.enrollments.get(id, principal);
  }

  @Post('enrollments/:id/transitions')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Move an enrollment to its next state, or reject (with a reason) or cancel it' })
  @ApiOkResponse({ type: EnrollmentView })
  @ApiConflictResponse({ description: 'Not allowed from the current state (the answer lists the allowed ones), or a stale version', schema: { example: { statusCode: 409, error: 'Conflict', message: 'Cannot go from registered to activated', currentState: 'registered', allowedTransitions: ['issued', 'rejected', 'cancelled'] } } })
  transition(@Param('id', new ParseIdPipe()) id: string, @Body() body: TransitionDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<EnrollmentView> {
    return this.enrollments.transition(id, body, principal, { correlationId });
  }

  @Post('enrollments/:id/obstacles')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Record why a step could not be done (no smartphone, no signal, ...)' })
  @ApiOkResponse({ type: EnrollmentView })
  obstacle(@Param('id', new ParseIdPipe()) id: string, @Body() body: ObstacleDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<EnrollmentView> {
    return this.enrollments.recordObstacle(id, body, principal, { correlationId });
  }

  @Get('residents/:id/enrollments')
  @Roles(...READERS)
  @ApiOperation({ summary: "A resident's enrollments with their histories" })
  @ApiOkResponse({ type: [EnrollmentView] })
  forResident(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<EnrollmentView[]> {
    return this.enrollments.forSubject(id, principal);
  }
}
