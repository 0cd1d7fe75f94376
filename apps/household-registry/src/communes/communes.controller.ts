import { applyDecorators, Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, ParseCommuneCodePipe, ParseIdPipe } from '@dtc/platform';
import { CommuneView, CreateCommuneDto, CreateVillageDto, RenameCommuneDto, RenameVillageDto, VillageView } from './communes.dto';
import { CommunesService } from './communes.service';

const communeCode = () => ApiParam({ name: 'code', example: '09955', description: '5-digit commune code' });
/** The answers a rename can give besides 200 (it has no 422: every bad name is a 400). */
const renameErrors = () =>
  applyDecorators(
    ApiBadRequestResponse({ description: 'Name missing, blank, longer than 200 characters or not a string; unknown fields', schema: { example: { statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'name', reason: 'name must not be blank' }] } } }),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: "The token's role may not rename" }),
    ApiNotFoundResponse({ description: "No such commune or village in the caller's scope" }),
    ApiConflictResponse({ description: 'The name is already the current one: nothing to change', schema: { example: { statusCode: 409, error: 'Conflict', message: 'The village already has this name; nothing to change', fields: [{ field: 'name', reason: 'is the current name' }] } } }),
  );

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

  @Patch(':code')
  @Roles('operations')
  @communeCode()
  @ApiOperation({ summary: "Rename a commune (e.g. after an administrative merger); publishes commune.renamed", description: 'Operations only. The code and province stay.' })
  @ApiOkResponse({ type: CommuneView })
  @renameErrors()
  rename(@Param('code', new ParseCommuneCodePipe()) code: string, @Body() body: RenameCommuneDto, @CurrentPrincipal() principal: Principal): Promise<CommuneView> {
    return this.communes.rename(code, body, principal);
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

  @Patch(':code/villages/:villageId')
  @Roles('commune_admin', 'operations')
  @communeCode()
  @ApiParam({ name: 'villageId', example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e', description: 'Village id (from the commune’s village list)' })
  @ApiOperation({ summary: "Rename a village, hamlet or residential group; publishes village.renamed", description: 'Commune admins of the commune and operations. The id and code stay.' })
  @ApiOkResponse({ type: VillageView })
  @renameErrors()
  renameVillage(
    @Param('code', new ParseCommuneCodePipe()) code: string,
    @Param('villageId', new ParseIdPipe()) villageId: string,
    @Body() body: RenameVillageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<VillageView> {
    return this.communes.renameVillage(code, villageId, body, principal);
  }

  @Get(':code/villages')
  @ApiOperation({ summary: 'Villages, hamlets and residential groups of the commune' })
  @communeCode()
  @ApiOkResponse({ type: [VillageView] })
  listVillages(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<VillageView[]> {
    return this.communes.listVillages(code, principal);
  }
}
