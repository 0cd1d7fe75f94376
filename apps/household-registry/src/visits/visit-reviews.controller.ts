import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseIdPipe, Roles, type Principal } from '@dtc/platform';
import { ApiWriteErrors } from '../common/api-errors';
import { ReturnedVisitsQuery, ReturnedVisitsView, ReviewVisitDto, VisitView } from './visits.dto';
import { VisitsService } from './visits.service';

@ApiTags('visits')
@Controller('visits')
export class VisitReviewsController {
  constructor(private readonly visits: VisitsService) {}

  @Get('returned')
  @Roles('commune_admin', 'operations')
  @ApiOperation({
    summary: 'Visits returned to their teams and not yet redone, newest first, each with who recorded it and what to fix',
    description: "Commune admins of the commune and operations: the review queue's items returned, per member. A later visit to the household, or a verification, takes it off.",
  })
  @ApiOkResponse({ type: ReturnedVisitsView })
  @ApiBadRequestResponse({ description: 'communeCode is not a 5-digit code' })
  @ApiForbiddenResponse({ description: 'Not a commune admin of this commune, nor operations' })
  @ApiNotFoundResponse({ description: 'No such commune' })
  returned(@Query() query: ReturnedVisitsQuery, @CurrentPrincipal() principal: Principal): Promise<ReturnedVisitsView> {
    return this.visits.returned(query, principal);
  }

  @Post(':visitId/review')
  @HttpCode(200)
  @Roles('commune_admin', 'operations')
  @ApiParam({ name: 'visitId', example: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f', description: 'The visit (from the household’s visit list)' })
  @ApiOperation({
    summary: 'Review a visit: verify it, or return it to the team with what to fix; publishes visit.reviewed',
    description: "Commune admins of the visit's commune and operations. A verdict may change later (a returned visit verified once fixed); every verdict is kept.",
  })
  @ApiOkResponse({ type: VisitView, description: 'The visit with its new review state' })
  @ApiWriteErrors({ byId: true })
  @ApiConflictResponse({
    description: 'The visit already has this verdict: nothing to change',
    schema: { example: { statusCode: 409, error: 'Conflict', message: 'The visit is already verified; nothing to change', fields: [{ field: 'verdict', reason: 'is the current verdict (verified)' }] } },
  })
  review(@Param('visitId', new ParseIdPipe()) visitId: string, @Body() body: ReviewVisitDto, @CurrentPrincipal() principal: Principal): Promise<VisitView> {
    return this.visits.review(visitId, body, principal);
  }
}
