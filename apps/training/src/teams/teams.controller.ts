import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseCommuneCodePipe, ParseIdPipe } from '@dtc/platform';
import { AssignVillagesDto, CommuneMemberView, CommuneQuery, FormTeamDto, JoinTeamDto, LeaveTeamDto, RenameTeamDto, TeamView } from './teams.dto';
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
  @ApiOperation({ summary: 'Teams of a commune with their members and villages', description: 'Members’ names and phones only for field agents and commune admins of the commune and operations; province officers get the memberships without them.' })
  @ApiOkResponse({ type: [TeamView] })
  list(@Query() query: CommuneQuery, @CurrentPrincipal() principal: Principal): Promise<TeamView[]> {
    return this.teams.list(query.communeCode, principal);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A team with its membership history', description: 'Members’ names and phones as for GET /teams.' })
  @ApiOkResponse({ type: TeamView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<TeamView> {
    return this.teams.get(id, principal);
  }

  @Patch(':id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Rename a team (TeamRenamedV1: the name shown on leaderboards)' })
  @ApiOkResponse({ type: TeamView })
  @ApiNotFoundResponse()
  rename(@Param('id', new ParseIdPipe()) id: string, @Body() body: RenameTeamDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<TeamView> {
    return this.teams.rename(id, body, principal, { correlationId });
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

@ApiTags('field teams')
@Controller('communes/:code/members')
export class CommuneMembersController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({ summary: 'Members of a commune with their current teams (personal data: the commune’s field agents and admins, operations)', description: 'How the console resolves the member ids in reports to names.' })
  @ApiOkResponse({ type: [CommuneMemberView] })
  @ApiForbiddenResponse({ description: 'Outside the commune, or a province-wide role' })
  list(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<CommuneMemberView[]> {
    return this.teams.listMembers(code, principal);
  }
}
