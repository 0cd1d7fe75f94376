import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@dtc/platform';
import { HouseholdView, RegisterHouseholdDto } from './households.dto';
import { HouseholdsService } from './households.service';

@ApiTags('households')
@Controller('households')
export class HouseholdsController {
  constructor(private readonly households: HouseholdsService) {}

  @Post()
  @Roles('field_agent', 'commune_admin', 'operations')
  @ApiOperation({ summary: 'Register a household in a village', description: 'Publishes vn.dtc.registry.household.registered.v1 through the outbox.' })
  @ApiCreatedResponse({ type: HouseholdView })
  @ApiBadRequestResponse({ description: 'Invalid fields', schema: { example: { statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'villageCode', reason: 'villageCode must be 1-32 upper-case letters, digits or dashes' }] } } })
  @ApiUnprocessableEntityResponse({ description: 'Unknown commune or village, or a date in the future' })
  @ApiUnauthorizedResponse({ description: 'No valid bearer token' })
  @ApiForbiddenResponse({ description: 'The token is scoped to another commune or its role may not register' })
  register(@Body() body: RegisterHouseholdDto, @CurrentPrincipal() principal: Principal, @Headers('x-correlation-id') correlationId?: string): Promise<HouseholdView> {
    return this.households.register(body, principal, correlationId);
  }

  @Get(':id')
  @ApiOkResponse({ type: HouseholdView })
  @ApiNotFoundResponse({ description: 'No such household in the caller’s scope' })
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<HouseholdView> {
    return this.households.get(id, principal);
  }
}
