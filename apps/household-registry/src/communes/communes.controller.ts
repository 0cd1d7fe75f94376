import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, ParseCommuneCodePipe } from '@dtc/platform';
import { CommuneView, CreateCommuneDto, CreateVillageDto, VillageView } from './communes.dto';
import { CommunesService } from './communes.service';

const communeCode = () => ApiParam({ name: 'code', example: '09955', description: '5-digit commune code' });

@ApiTags('communes')
@Controller('communes')
export class CommunesController {
  constructor(private readonly communes: CommunesService) {}

  @Post()
  @Roles('operations')
  @ApiOperation({ summary: 'Onboard a commune (tenant)', description: 'Operations only.' })
  @ApiCreatedResponse({ type: CommuneView })
  @ApiBadRequestResponse({ description: 'Invalid codes or names, with the failing fields' })
  @ApiConflictResponse({ description: 'The commune code already exists' })
  onboard(@Body() body: CreateCommuneDto, @CurrentPrincipal() principal: Principal): Promise<CommuneView> {
    return this.communes.onboard(body, principal);
  }

  @Get(':code')
  @ApiOperation({ summary: 'A commune (tenant) with its province' })
  @communeCode()
  @ApiOkResponse({ type: CommuneView })
  @ApiNotFoundResponse()
  @ApiForbiddenResponse({ description: 'The token is scoped to another commune' })
  get(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<CommuneView> {
    return this.communes.get(code, principal);
  }

  @Post(':code/villages')
  @Roles('commune_admin', 'operations')
  @communeCode()
  @ApiOperation({ summary: 'Add a village, hamlet or residential group to the commune' })
  @ApiCreatedResponse({ type: VillageView })
  @ApiConflictResponse({ description: 'The village code already exists in the commune' })
  @ApiForbiddenResponse({ description: 'The token is scoped to another commune' })
  addVillage(@Param('code', new ParseCommuneCodePipe()) code: string, @Body() body: CreateVillageDto, @CurrentPrincipal() principal: Principal): Promise<VillageView> {
    return this.communes.addVillage(code, body, principal);
  }

  @Get(':code/villages')
  @ApiOperation({ summary: 'Villages, hamlets and residential groups of the commune' })
  @communeCode()
  @ApiOkResponse({ type: [VillageView] })
  listVillages(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<VillageView[]> {
    return this.communes.listVillages(code, principal);
  }
}
