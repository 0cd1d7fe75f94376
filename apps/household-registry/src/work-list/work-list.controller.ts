import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { WorkListPage, WorkListQuery } from './work-list.dto';
import { WorkListService } from './work-list.service';

@ApiTags('work-list')
@Controller('work-list')
export class WorkListController {
  constructor(private readonly workList: WorkListService) {}

  @Get()
  // Names, birth dates and ID numbers: the commune's field agents and admins, and operations only.
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({
    summary: "A team's work list for today: households to visit with their residents, enrollments and to-dos",
    description:
      "Households of the team's plans active on today's Vietnam day (whole villages and listed households) and of its assigned villages. " +
      'Page with `after` = `next`; keep `cursor` and pass it later as `since` to receive only changed households and those that left the list (`removed`). ' +
      'An answer with `reset: true` is the full list: replace what the phone holds.',
  })
  @ApiOkResponse({ type: WorkListPage })
  @ApiBadRequestResponse({ description: 'A malformed query: commune code, ids, status, limit or a cursor not returned by GET /work-list (the problem names the field)' })
  @ApiUnprocessableEntityResponse({ description: 'since and after together, or after from another list (commune, teams or filters)' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: "Not a field agent, commune admin or operations token, a commune outside the token's scope, or a field agent asking for a team they are not an active member of" })
  @ApiNotFoundResponse({ description: 'No such commune' })
  list(@Query() query: WorkListQuery, @CurrentPrincipal() principal: Principal): Promise<WorkListPage> {
    return this.workList.list(query, principal);
  }
}
