import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { ApiWriteErrors } from '../common/api-errors';
import { DuplicateFlagsService } from './duplicate-flags.service';
import {
  DuplicateFlagQuery,
  DuplicateFlagPage,
  DuplicateFlagView,
  EligibleQuery,
  EligibleReport,
  RegisterResidentDto,
  ResidentPage,
  ResidentSearchQuery,
  ResidentStatusChangeDto,
  ResidentView,
  ResolveDuplicateDto,
  UpdateResidentDto,
} from './residents.dto';
import { ResidentsService } from './residents.service';

const WRITERS = ['field_agent', 'commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;

@ApiTags('residents')
@Controller()
export class ResidentsController {
  constructor(
    private readonly residents: ResidentsService,
    private readonly flags: DuplicateFlagsService,
  ) {}

  @Post('residents')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Register a resident in a household',
    description: 'Validates the 12-digit ID number against date of birth and sex; one resident per ID number in a commune (409). Same normalised name and date of birth as a living resident is flagged for review, not merged.',
  })
  @ApiCreatedResponse({ type: ResidentView })
  @ApiConflictResponse({ description: 'The ID number is already registered in the commune' })
  @ApiWriteErrors()
  register(@Body() body: RegisterResidentDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<ResidentView> {
    return this.residents.register(body, principal, { correlationId });
  }

  @Get('residents')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Search residents of a commune by name (diacritics ignored), ID number or village' })
  @ApiOkResponse({ type: ResidentPage })
  search(@Query() query: ResidentSearchQuery, @CurrentPrincipal() principal: Principal): Promise<ResidentPage> {
    return this.residents.search(query, principal);
  }

  @Get('residents/eligible')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Living residents aged minAge (default 14) or more on a date, per village' })
  @ApiOkResponse({ type: EligibleReport })
  eligible(@Query() query: EligibleQuery, @CurrentPrincipal() principal: Principal): Promise<EligibleReport> {
    return this.residents.eligible(query, principal);
  }

  @Get('residents/:id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A resident (personal data: only within the commune and its province)' })
  @ApiOkResponse({ type: ResidentView })
  @ApiNotFoundResponse({ description: "No such resident in the caller's scope" })
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<ResidentView> {
    return this.residents.get(id, principal);
  }

  @Patch('residents/:id')
  @Roles(...WRITERS)
  @ApiOperation({ summary: "Correct a resident's details", description: 'Send the version you read; a stale version gets 409 with the current one.' })
  @ApiOkResponse({ type: ResidentView })
  @ApiWriteErrors({ versioned: true, byId: true })
  update(@Param('id', new ParseIdPipe()) id: string, @Body() body: UpdateResidentDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<ResidentView> {
    return this.residents.update(id, body, principal, { correlationId });
  }

  @Post('residents/:id/move-out')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Record that a resident moved out of the commune' })
  @ApiOkResponse({ type: ResidentView })
  @ApiWriteErrors({ versioned: true, byId: true })
  moveOut(@Param('id', new ParseIdPipe()) id: string, @Body() body: ResidentStatusChangeDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<ResidentView> {
    return this.residents.changeStatus(id, 'moved_out', body, principal, { correlationId });
  }

  @Post('residents/:id/deceased')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Record that a resident died' })
  @ApiOkResponse({ type: ResidentView })
  @ApiWriteErrors({ versioned: true, byId: true })
  deceased(@Param('id', new ParseIdPipe()) id: string, @Body() body: ResidentStatusChangeDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<ResidentView> {
    return this.residents.changeStatus(id, 'deceased', body, principal, { correlationId });
  }

  @Get('duplicate-flags')
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Likely duplicate residents waiting for review' })
  @ApiOkResponse({ type: DuplicateFlagPage })
  listFlags(@Query() query: DuplicateFlagQuery, @CurrentPrincipal() principal: Principal) {
    return this.flags.list(query, principal);
  }

  @Post('duplicate-flags/:id/resolve')
  @HttpCode(200)
  @Roles('commune_admin', 'operations')
  @ApiOperation({ summary: 'Decide a duplicate flag (duplicate or not); nothing is merged automatically' })
  @ApiOkResponse({ type: DuplicateFlagView })
  @ApiWriteErrors({ byId: true })
  resolveFlag(@Param('id', new ParseIdPipe()) id: string, @Body() body: ResolveDuplicateDto, @CurrentPrincipal() principal: Principal): Promise<DuplicateFlagView> {
    return this.flags.resolve(id, body, principal);
  }
}
