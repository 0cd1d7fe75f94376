import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { AssignVillagesDto, CommuneQuery, FormTeamDto, JoinTeamDto, LeaveTeamDto, TeamView } from './teams.dto';
import { TeamsService } from './teams.service';

const MANAGERS = ['commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;

@ApiTags('field teams')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Form a mobile working group or community digital technology team' })
  @ApiCreatedResponse({ type: TeamView })
  form(@Body() body: FormTeamDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<TeamView> {
    return this.teams.form(body, principal, { correlationId });
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Teams of a commune with their members and villages' })
  @ApiOkResponse({ type: [TeamView] })
  list(@Query() query: CommuneQuery, @CurrentPrincipal() principal: Principal): Promise<TeamView[]> {
    return this.teams.list(query.communeCode, principal);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A team with its membership history' })
  @ApiOkResponse({ type: TeamView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<TeamView> {
    return this.teams.get(id, principal);
  }

  @Post(':id/members')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'A member joins the team (a new member, or an existing one by id)' })
  @ApiOkResponse({ type: TeamView })
  @ApiConflictResponse({ description: 'Already a current member' })
  join(@Param('id', new ParseIdPipe()) id: string, @Body() body: JoinTeamDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<TeamView> {
    return this.teams.join(id, body, principal, { correlationId });
  }

  @Post(':id/members/:memberId/leave')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'A member leaves the team (history kept)' })
  @ApiOkResponse({ type: TeamView })
  leave(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('memberId', new ParseIdPipe()) memberId: string,
    @Body() body: LeaveTeamDto,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId?: string,
  ): Promise<TeamView> {
    return this.teams.leave(id, memberId, body, principal, { correlationId });
  }

  @Put(':id/villages')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Set the villages the team covers' })
  @ApiOkResponse({ type: TeamView })
  assign(@Param('id', new ParseIdPipe()) id: string, @Body() body: AssignVillagesDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<TeamView> {
    return this.teams.assignVillages(id, body, principal, { correlationId });
  }
}
