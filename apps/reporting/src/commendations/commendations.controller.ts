import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, ParseCommuneCodePipe, Roles, type Principal } from '@dtc/platform';
import type { Response } from 'express';
import { toCsv, toXlsx } from '../export/commune-report';
import { DATA_AS_OF_HEADER, DATA_AS_OF_HEADER_DOC, dataAsOfHeader } from '../freshness/freshness.service';
import { commendationSheets } from './commendations-export';
import { CommendationsExportQuery, CommendationsQuery, CommendationsView } from './commendations.dto';
import { CommendationsService } from './commendations.service';

const CODE = { name: 'code', example: '16279' };

@ApiTags('reports')
@Controller('communes/:code')
@Roles('field_agent', 'commune_admin', 'province_officer', 'operations')
export class CommendationsController {
  constructor(private readonly commendations: CommendationsService) {}

  @Get('commendations')
  @ApiOperation({ summary: 'Top teams and individuals of a window, with the figures that justify the ranking and the teams’ % of plan (member ids only)' })
  @ApiParam(CODE)
  @ApiOkResponse({ type: CommendationsView })
  @ApiBadRequestResponse({ description: 'A malformed day, limit or verifiedOnly' })
  @ApiUnprocessableEntityResponse({ description: 'from after to, or a window longer than 366 days' })
  @ApiForbiddenResponse({ description: 'Integrators' })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  get(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: CommendationsQuery, @CurrentPrincipal() principal: Principal): Promise<CommendationsView> {
    return this.commendations.commendations(code, query, principal);
  }

  @Get('commendations.csv')
  @ApiOperation({ summary: 'The commendations as CSV (UTF-8 with BOM; teams, then individuals, then data as of; Vietnamese and English headers)' })
  @ApiParam(CODE)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV file; after the rankings, "data as of" per source stream', schema: { type: 'string' }, headers: DATA_AS_OF_HEADER_DOC })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  async csv(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: CommendationsExportQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<StreamableFile> {
    const view = await this.commendations.commendations(code, query, principal);
    response.setHeader('Content-Disposition', `attachment; filename="${this.fileName(view)}.csv"`);
    response.setHeader(DATA_AS_OF_HEADER, dataAsOfHeader(view.dataAsOf));
    // The file type is set with the file: refusals before it stay JSON problems.
    return new StreamableFile(toCsv(commendationSheets(view, query.lang ?? 'vi')), { type: 'text/csv; charset=utf-8' });
  }

  @Get('commendations.xlsx')
  @ApiOperation({ summary: 'The commendations as an Excel workbook (one sheet for teams, one for individuals, one for data as of)' })
  @ApiParam(CODE)
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'XLSX file; a last sheet says "data as of" per source stream', schema: { type: 'string', format: 'binary' }, headers: DATA_AS_OF_HEADER_DOC })
  @ApiNotFoundResponse({ description: 'Commune outside the caller’s scope' })
  async xlsx(@Param('code', new ParseCommuneCodePipe()) code: string, @Query() query: CommendationsExportQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<StreamableFile> {
    const view = await this.commendations.commendations(code, query, principal);
    response.setHeader('Content-Disposition', `attachment; filename="${this.fileName(view)}.xlsx"`);
    response.setHeader(DATA_AS_OF_HEADER, dataAsOfHeader(view.dataAsOf));
    return new StreamableFile(await toXlsx(commendationSheets(view, query.lang ?? 'vi')), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  }

  private fileName(view: CommendationsView): string {
    return `khen-thuong-${view.communeCode}-${view.from}-${view.to}`;
  }
}
