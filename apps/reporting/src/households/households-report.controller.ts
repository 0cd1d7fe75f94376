import { Controller, Get, Param } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, ParseCommuneCodePipe } from '@dtc/platform';
import { CommuneHouseholdsReport } from './households-report.dto';
import { HouseholdsReportService } from './households-report.service';

@ApiTags('reports')
@Controller('communes/:code/households-by-village')
export class HouseholdsReportController {
  constructor(private readonly reports: HouseholdsReportService) {}

  @Get()
  @ApiOperation({ summary: 'Households per village of a commune, seconds old' })
  @ApiParam({ name: 'code', example: '09955' })
  @ApiOkResponse({ type: CommuneHouseholdsReport })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  @ApiForbiddenResponse()
  get(@Param('code', new ParseCommuneCodePipe()) code: string, @CurrentPrincipal() principal: Principal): Promise<CommuneHouseholdsReport> {
    return this.reports.communeReport(code, principal);
  }
}
