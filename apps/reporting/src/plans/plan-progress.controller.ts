import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, ParseCommuneCodePipe, Roles, type Principal } from '@dtc/platform';
import { PlanProgressQuery, PlanProgressView } from './plan-progress.dto';
import { PlanProgressService } from './plan-progress.service';

@ApiTags('reports')
@Controller('communes/:code/plan-progress')
export class PlanProgressController {
  constructor(private readonly plans: PlanProgressService) {}

  @Get()
  @Roles('field_agent', 'commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Micro-plans against what was done, per team, member, village or day: planned and done households and enrollments, behind-plan flags, run rate and required rate (ids and public names only)' })
  @ApiParam({ name: 'code', example: '16279' })
  @ApiOkResponse({ type: PlanProgressView })
  @ApiBadRequestResponse({ description: 'A malformed day, groupBy or verifiedOnly' })
  @ApiUnprocessableEntityResponse({ description: 'from after to, or a window longer than 366 days' })
  @ApiForbiddenResponse({ description: 'Integrators' })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  get(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: PlanProgressQuery, @CurrentPrincipal() principal: Principal): Promise<PlanProgressView> {
    return this.plans.progress(code, query, principal);
  }
}
