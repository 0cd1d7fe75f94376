import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { ApiWriteErrors } from '../common/api-errors';
import { OrganisationPage, OrganisationQuery, OrganisationView, RegisterOrganisationDto, SetEIdStatusDto } from './organisations.dto';
import { OrganisationsService } from './organisations.service';

@ApiTags('organisations')
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({ summary: 'Register a cooperative or enterprise of the commune' })
  @ApiCreatedResponse({ type: OrganisationView })
  @ApiConflictResponse({ description: 'The tax code is already registered in the commune' })
  @ApiWriteErrors()
  register(@Body() body: RegisterOrganisationDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<OrganisationView> {
    return this.organisations.register(body, principal, { correlationId });
  }

  @Get()
  @Roles('field_agent', 'commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Organisations of a commune, optionally by e-ID status' })
  @ApiOkResponse({ type: OrganisationPage })
  list(@Query() query: OrganisationQuery, @CurrentPrincipal() principal: Principal): Promise<OrganisationPage> {
    return this.organisations.list(query, principal);
  }

  @Put(':id/e-id-status')
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({ summary: "Record progress of the organisation's electronic identification", description: 'Publishes organisation.e-identified.v1 when it becomes identified.' })
  @ApiOkResponse({ type: OrganisationView })
  @ApiWriteErrors({ versioned: true, byId: true })
  setEIdStatus(@Param('id', new ParseIdPipe()) id: string, @Body() body: SetEIdStatusDto, @CurrentPrincipal() principal: Principal, @CorrelationId() correlationId?: string): Promise<OrganisationView> {
    return this.organisations.setEIdStatus(id, body, principal, { correlationId });
  }
}
