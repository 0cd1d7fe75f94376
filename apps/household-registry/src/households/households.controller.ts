import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { ApiWriteErrors } from '../common/api-errors';
import { HouseholdListQuery, HouseholdPage, HouseholdView, MoveHouseholdDto, RegisterHouseholdDto, SetDigitalCoreDto, UpdateHouseholdDto } from './households.dto';
import { HouseholdsService } from './households.service';

const WRITERS = ['field_agent', 'commune_admin', 'operations'] as const;
const READERS = ['field_agent', 'commune_admin', 'province_officer', 'operations'] as const;

@ApiTags('households')
@Controller('households')
export class HouseholdsController {
  constructor(private readonly households: HouseholdsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Register a household in a village', description: 'Publishes vn.dtc.registry.household.registered.v1 through the outbox.' })
  @ApiCreatedResponse({ type: HouseholdView })
  @ApiWriteErrors()
  register(@Body() body: RegisterHouseholdDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<HouseholdView> {
    return this.households.register(body, principal, { correlationId });
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'List households of a commune', description: 'Filter by village; `withoutDigitalCore=true` lists households with no member who can use a smartphone.' })
  @ApiOkResponse({ type: HouseholdPage })
  list(@Query() query: HouseholdListQuery, @CurrentPrincipal() principal: Principal): Promise<HouseholdPage> {
    return this.households.list(query, principal);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'A household with its village history' })
  @ApiOkResponse({ type: HouseholdView })
  @ApiNotFoundResponse({ description: "No such household in the caller's scope" })
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<HouseholdView> {
    return this.households.get(id, principal);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({ summary: "Update a household's address, head, GPS point or living conditions", description: 'Send the version you read. Publishes household.updated.v1 when a reportable fact changes.' })
  @ApiOkResponse({ type: HouseholdView })
  @ApiWriteErrors({ versioned: true, byId: true })
  update(@Param('id', new ParseIdPipe()) id: string, @Body() body: UpdateHouseholdDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<HouseholdView> {
    return this.households.update(id, body, principal, { correlationId });
  }

  @Post(':id/move')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Move a household to another village of the commune (history kept)' })
  @ApiOkResponse({ type: HouseholdView })
  @ApiWriteErrors({ versioned: true, byId: true })
  move(@Param('id', new ParseIdPipe()) id: string, @Body() body: MoveHouseholdDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<HouseholdView> {
    return this.households.move(id, body, principal, { correlationId });
  }

  @Put(':id/digital-core')
  @Roles(...WRITERS)
  @ApiOperation({ summary: "Set (or clear) the household's digital core member" })
  @ApiOkResponse({ type: HouseholdView })
  @ApiWriteErrors({ versioned: true, byId: true })
  setDigitalCore(@Param('id', new ParseIdPipe()) id: string, @Body() body: SetDigitalCoreDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<HouseholdView> {
    return this.households.setDigitalCore(id, body, principal, { correlationId });
  }
}
