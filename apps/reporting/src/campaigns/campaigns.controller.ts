import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal, ParseIdPipe } from '@dtc/platform';
import { CampaignListQuery, CampaignView, CreateCampaignDto, UpdateCampaignDto } from './campaign.dto';
import { CampaignsService } from './campaigns.service';

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Create a campaign (a named window for a commune or a whole province) with its targets' })
  @ApiCreatedResponse({ type: CampaignView })
  @ApiForbiddenResponse({ description: 'Field agents and integrators cannot set targets; others only in their scope' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown indicator, dates out of order, ambiguous target' })
  create(@Body() body: CreateCampaignDto, @CurrentPrincipal() principal: Principal): Promise<CampaignView> {
    return this.campaigns.create(body, principal);
  }

  @Get()
  @ApiOperation({ summary: 'Campaigns visible to the caller (a commune also sees its province’s campaigns)' })
  @ApiOkResponse({ type: [CampaignView] })
  list(@Query() query: CampaignListQuery, @CurrentPrincipal() principal: Principal): Promise<CampaignView[]> {
    return this.campaigns.list(query, principal);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A campaign and its targets' })
  @ApiParam({ name: 'id', example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' })
  @ApiOkResponse({ type: CampaignView })
  @ApiNotFoundResponse({ description: 'No such campaign in the caller’s scope' })
  get(@Param('id', new ParseIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<CampaignView> {
    return this.campaigns.get(id, principal);
  }

  @Patch(':id')
  @Roles('commune_admin', 'province_officer', 'operations')
  @ApiOperation({ summary: 'Rename, move the window or replace the targets (send the version you read)' })
  @ApiParam({ name: 'id', example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' })
  @ApiOkResponse({ type: CampaignView })
  @ApiConflictResponse({ description: 'Changed by someone else since you read it' })
  @ApiForbiddenResponse()
  @ApiNotFoundResponse()
  update(@Param('id', new ParseIdPipe()) id: string, @Body() body: UpdateCampaignDto, @CurrentPrincipal() principal: Principal): Promise<CampaignView> {
    return this.campaigns.update(id, body, principal);
  }
}
