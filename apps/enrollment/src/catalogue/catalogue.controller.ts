import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { CreateServiceDto, ServiceListQuery, ServiceView } from './catalogue.dto';
import { CatalogueService } from './catalogue.service';

@ApiTags('service catalogue')
@Controller('services')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'Services a commune can enroll people in: national ones and its province’s own' })
  @ApiOkResponse({ type: [ServiceView] })
  list(@Query() query: ServiceListQuery, @CurrentPrincipal() principal: Principal): Promise<ServiceView[]> {
    return this.catalogue.list(query.provinceCode ?? principal.province);
  }

  @Post()
  @Roles('province_officer', 'operations')
  @ApiOperation({ summary: 'Add a service to the catalogue', description: 'A province officer adds services for their province; operations may add national ones.' })
  @ApiCreatedResponse({ type: ServiceView })
  @ApiConflictResponse({ description: 'The code already exists' })
  @ApiForbiddenResponse({ description: 'Another province, or a national service by a province officer' })
  create(@Body() body: CreateServiceDto, @CurrentPrincipal() principal: Principal): Promise<ServiceView> {
    return this.catalogue.create(body, principal);
  }
}
