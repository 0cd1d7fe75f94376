import { Controller, Get, Param } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ParseCommuneCodePipe, Roles, type Principal } from '@dtc/platform';
import { HouseholdMapView } from './household-map.dto';
import { HouseholdMapService } from './household-map.service';

@ApiTags('communes')
@Controller('communes')
export class HouseholdMapController {
  constructor(private readonly coverage: HouseholdMapService) {}

  @Get(':code/household-map')
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiParam({ name: 'code', example: '09955', description: '5-digit commune code' })
  @ApiOperation({
    summary: "The commune's coverage map: located households by status (digital core, obstacle, visited, not visited) and villages with their counts and centres",
    description: 'For the console. No names, addresses or residents: a position, a village and a status per household. Commune admins of the commune, province officers of its province, operations.',
  })
  @ApiOkResponse({ type: HouseholdMapView })
  @ApiForbiddenResponse({ description: "The token's role may not read the map" })
  @ApiNotFoundResponse({ description: "No such commune in the caller's scope" })
  householdMap(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<HouseholdMapView> {
    return this.coverage.householdMap(code, principal);
  }
}
