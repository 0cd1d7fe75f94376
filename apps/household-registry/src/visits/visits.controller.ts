import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { ApiWriteErrors } from '../common/api-errors';
import { RecordVisitDto, VisitListQuery, VisitView } from './visits.dto';
import { VISITS_LISTED, VisitsService } from './visits.service';

@ApiTags('visits')
@Controller('households/:householdId/visits')
export class VisitsController {
  constructor(private readonly visits: VisitsService) {}

  @Post()
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({ summary: 'Record a door-to-door visit: outcome, obstacles, follow-up date' })
  @ApiCreatedResponse({ type: VisitView })
  @ApiWriteErrors({ byId: true })
  record(
    @Param('householdId', new ParseIdPipe()) householdId: string,
    @Body() body: RecordVisitDto,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId?: string,
  ): Promise<VisitView> {
    return this.visits.record(householdId, body, principal, { correlationId });
  }

  @Get()
  @Roles('field_agent', 'commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: `Visits made to a household, oldest first (its latest ${VISITS_LISTED} at most), with their review state; optionally only unreviewed, verified or returned ones` })
  @ApiOkResponse({ type: [VisitView] })
  @ApiBadRequestResponse({ description: 'reviewStatus is not one of the values, or an unknown query parameter' })
  list(@Param('householdId', new ParseIdPipe()) householdId: string, @Query() query: VisitListQuery, @CurrentPrincipal() principal: Principal): Promise<VisitView[]> {
    return this.visits.list(householdId, query, principal);
  }
}
