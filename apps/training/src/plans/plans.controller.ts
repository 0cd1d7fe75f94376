import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, ParseIdPipe, Roles, type Principal } from '@dtc/platform';
import { CreatePlanDto, PlanDetailView, PlanQuery, PlanView, UpdatePlanDto, WithdrawPlanDto } from './plans.dto';
import { PlansService } from './plans.service';

const MANAGERS = ['commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;

@ApiTags('micro-plans')
@Controller('plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Publish a micro-plan: a team, its villages or listed households, a date range and daily targets',
    description: 'Version 1, status active; PlanPublishedV1 with the full state. The team must be of the commune and active over the whole plan; villages and households must be known from the registry.',
  })
  @ApiCreatedResponse({ type: PlanView })
  @ApiUnprocessableEntityResponse({ description: 'Team not of the commune or not active over the dates, unknown village or household, endsOn before startsOn or more than 366 days' })
  create(@Body() body: CreatePlanDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<PlanView> {
    return this.plans.create(body, principal, { correlationId });
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Plans of a commune, the latest starting first',
    description: 'Field agents (token subject = their member id) get only the plans of teams they are a current member of. activeOn keeps the plans that count on that Vietnam day.',
  })
  @ApiOkResponse({ type: [PlanView] })
  list(@Query() query: PlanQuery, @CurrentPrincipal() principal: Principal): Promise<PlanView[]> {
    return this.plans.list(query, principal);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A plan with its history: every version, who made it, when and what changed' })
  @ApiOkResponse({ type: PlanDetailView })
  @ApiNotFoundResponse({ description: 'No such plan in the caller’s scope (for a field agent: not a plan of a team they are in)' })
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<PlanDetailView> {
    return this.plans.get(id, principal);
  }

  @Put(':id')
  @Roles(...MANAGERS)
  @ApiOperation({
    summary: 'Change a plan (full state): targets, dates, villages, households, or reassign it to another team',
    description: 'The next version, published in full (previousTeamId when the team changed). Sending what the plan already says changes nothing.',
  })
  @ApiOkResponse({ type: PlanView })
  @ApiConflictResponse({ description: 'Stale version (the answer carries currentVersion), or the plan was withdrawn' })
  @ApiUnprocessableEntityResponse({ description: 'As for publishing' })
  update(@Param('id', new ParseIdPipe()) id: string, @Body() body: UpdatePlanDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<PlanView> {
    return this.plans.update(id, body, principal, { correlationId });
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Withdraw a plan: its villages and households are no longer assigned (PlanWithdrawnV1)' })
  @ApiOkResponse({ type: PlanView })
  @ApiConflictResponse({ description: 'Stale version, or already withdrawn' })
  withdraw(@Param('id', new ParseIdPipe()) id: string, @Body() body: WithdrawPlanDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<PlanView> {
    return this.plans.withdraw(id, body, principal, { correlationId });
  }
}
