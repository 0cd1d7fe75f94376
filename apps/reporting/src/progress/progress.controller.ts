import { Controller, Get, Injectable, Param, Query, Req, Res, Sse, StreamableFile, UseGuards, type CanActivate, type ExecutionContext, type MessageEvent } from '@nestjs/common';
import { ApiNotFoundResponse, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiPropertyOptional, ApiTags, ApiTooManyRequestsResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, ParseIdPipe, sendPreparedJson } from '@dtc/platform';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { filter, finalize, interval, map, merge, share, takeUntil, throttleTime, timer, asyncScheduler, type Observable } from 'rxjs';
import { communeReportSheets, toCsv, toXlsx, type Language } from '../export/commune-report';
import { DATA_AS_OF_HEADER, dataAsOfHeader } from '../freshness/freshness.service';
import { concerns } from '../live/change-notice';
import { LiveUpdatesService } from '../live/live-updates.service';
import { bearerExpiry, expiredEvent, liveStreamRelease, LiveStreamGuard, MAX_TIMER_MS } from '../live/live-streams';
import { CampaignSeries, CommuneProgress, CommuneProgressQuery, ProvinceProgress, ProvinceProgressQuery, SeriesQuery, TeamLeaderboard, AsOfQuery } from './progress.dto';
import { ProgressService } from './progress.service';

export class ExportQuery extends CommuneProgressQuery {
  @ApiPropertyOptional({ enum: ['vi', 'en'], default: 'vi' })
  @IsOptional()
  @IsIn(['vi', 'en'])
  lang?: Language;
}

export class LiveQuery {
  @ApiPropertyOptional({ example: '16279', description: 'Follow one commune (required for province campaigns unless following the province)' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode?: string;
}

const ID = { name: 'id', example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' };

/**
 * Checks a live viewer's scope before the stream starts: once an event stream has answered 200,
 * a refusal could only be an error event, so another tenant's campaign must get its 404 here.
 */
@Injectable()
export class LiveScopeGuard implements CanActivate {
  constructor(private readonly progress: ProgressService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ params: { id?: string }; query: { communeCode?: unknown }; principal: Principal }>();
    const communeCode = request.query.communeCode;
    // Malformed input is left to the validation pipes (400 naming the field).
    if (!/^[0-9a-f-]{36}$/i.test(request.params.id ?? '') || (communeCode !== undefined && (typeof communeCode !== 'string' || !/^[0-9]{5}$/.test(communeCode)))) return true;
    await this.progress.liveScope(request.params.id!, communeCode, request.principal);
    return true;
  }
}

@ApiTags('progress')
@Controller('campaigns/:id')
export class ProgressController {
  constructor(
    private readonly progress: ProgressService,
    private readonly live: LiveUpdatesService,
  ) {}

  @Get('progress')
  @ApiOperation({ summary: 'Progress of a commune against the campaign targets, with a per-village breakdown' })
  @ApiParam(ID)
  @ApiOkResponse({ type: CommuneProgress })
  @ApiNotFoundResponse({ description: 'Campaign or commune outside the caller’s scope' })
  @ApiUnprocessableEntityResponse({ description: 'Province campaign without communeCode' })
  commune(@Param('id', new ParseIdPipe()) id: string, @Query() query: CommuneProgressQuery, @CurrentPrincipal() principal: Principal): Promise<CommuneProgress> {
    return this.progress.commune(id, query.communeCode, query.asOf, principal);
  }

  @Get('province-progress')
  @ApiOperation({ summary: 'Province campaign: totals and the communes ranked, laggards first' })
  @ApiParam(ID)
  @ApiOkResponse({ type: ProvinceProgress, headers: { ETag: { description: 'Names these figures; send it back as If-None-Match to get 304 while they are still the latest', schema: { type: 'string' } } } })
  @ApiNotModifiedResponse({ description: 'If-None-Match named the figures this answer would carry' })
  @ApiNotFoundResponse()
  async province(@Param('id', new ParseIdPipe()) id: string, @Query() query: ProvinceProgressQuery, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    // Readers of a province in the evening get the same figures many times a second: sent as bytes built once.
    sendPreparedJson(response, await this.progress.province(id, query.asOf, query.rankBy, principal));
  }

  @Get('teams')
  @ApiOperation({ summary: 'Team leaderboard of a commune (for commendations)' })
  @ApiParam(ID)
  @ApiOkResponse({ type: TeamLeaderboard })
  @ApiNotFoundResponse()
  teams(@Param('id', new ParseIdPipe()) id: string, @Query() query: CommuneProgressQuery, @CurrentPrincipal() principal: Principal): Promise<TeamLeaderboard> {
    return this.progress.teams(id, query.communeCode, query.asOf, principal);
  }

  @Get('teams/:teamId')
  @ApiOperation({ summary: 'A team’s members ranked by what they achieved' })
  @ApiParam(ID)
  @ApiParam({ name: 'teamId', example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' })
  @ApiOkResponse({ type: TeamLeaderboard })
  @ApiNotFoundResponse()
  team(@Param('id', new ParseIdPipe()) id: string, @Param('teamId', new ParseIdPipe()) teamId: string, @Query() query: AsOfQuery, @CurrentPrincipal() principal: Principal): Promise<TeamLeaderboard> {
    return this.progress.team(id, teamId, query.asOf, principal);
  }

  @Get('series')
  @ApiOperation({ summary: 'Per-day achievements and running totals over the campaign window (commune, or the whole province)' })
  @ApiParam(ID)
  @ApiOkResponse({ type: CampaignSeries })
  @ApiNotFoundResponse()
  series(@Param('id', new ParseIdPipe()) id: string, @Query() query: SeriesQuery, @CurrentPrincipal() principal: Principal): Promise<CampaignSeries> {
    return this.progress.series(id, { communeCode: query.communeCode }, query.asOf, principal);
  }

  @Get('report.csv')
  @ApiOperation({ summary: 'The commune report as CSV (UTF-8 with BOM; summary, villages, days, teams)' })
  @ApiParam(ID)
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV file; the summary starts with "data as of" per source stream', schema: { type: 'string' }, headers: { [DATA_AS_OF_HEADER]: { description: 'Per source stream: `stream=newest event time;lag=messages behind`, comma-separated', schema: { type: 'string', example: 'household-registry.events=2026-08-02T09:14:55.000Z;lag=0, enrollment.events=2026-08-02T09:15:00.000Z;lag=3, training.events=none;lag=0' } } } })
  async csv(@Param('id', new ParseIdPipe()) id: string, @Query() query: ExportQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<StreamableFile> {
    const sheets = await this.sheets(id, query, principal);
    response.setHeader('Content-Disposition', `attachment; filename="${this.fileName(sheets.communeCode, sheets.asOf)}.csv"`);
    response.setHeader(DATA_AS_OF_HEADER, dataAsOfHeader(sheets.dataAsOf));
    // The file type is set with the file: refusals before it stay JSON problems.
    return new StreamableFile(toCsv(sheets.sheets), { type: 'text/csv; charset=utf-8' });
  }

  @Get('report.xlsx')
  @ApiOperation({ summary: 'The commune report as an Excel workbook (one sheet each: summary, villages, days, teams)' })
  @ApiParam(ID)
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'XLSX file; the summary sheet starts with "data as of" per source stream', schema: { type: 'string', format: 'binary' }, headers: { [DATA_AS_OF_HEADER]: { description: 'Per source stream: `stream=newest event time;lag=messages behind`, comma-separated', schema: { type: 'string' } } } })
  async xlsx(@Param('id', new ParseIdPipe()) id: string, @Query() query: ExportQuery, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<StreamableFile> {
    const sheets = await this.sheets(id, query, principal);
    response.setHeader('Content-Disposition', `attachment; filename="${this.fileName(sheets.communeCode, sheets.asOf)}.xlsx"`);
    response.setHeader(DATA_AS_OF_HEADER, dataAsOfHeader(sheets.dataAsOf));
    return new StreamableFile(await toXlsx(sheets.sheets), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  }

  @Sse('live')
  @UseGuards(LiveScopeGuard, LiveStreamGuard)
  @ApiOperation({ summary: 'Server-sent events: "changed" whenever this campaign’s figures for the commune (or province) may have changed' })
  @ApiParam(ID)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'An event stream; each "changed" event says: fetch the figures again. "heartbeat" every 15 s. When the token expires the stream sends a last "expired" event (reason token_expired) and closes: sign in again rather than reconnect with the same token.',
    schema: { type: 'string', example: 'event: changed\ndata: {"communeCode":"16279","all":false}\n\nevent: expired\ndata: {"reason":"token_expired","expiredAt":"2026-08-02T17:00:00.000Z","message":"The access token expired; this stream is closed. Sign in again to keep following."}\n\n' },
  })
  @ApiNotFoundResponse()
  @ApiTooManyRequestsResponse({
    description: 'The token already holds LIVE_STREAMS_PER_SUBJECT open streams (default 5) on this instance; Retry-After says when to try again',
    schema: { example: { statusCode: 429, error: 'Too Many Requests', message: 'This token already has 5 live streams open (at most 5 per user); close another dashboard tab or retry after 30 s', retryAfterSeconds: 30 } },
  })
  async stream(@Param('id', new ParseIdPipe()) id: string, @Query() query: LiveQuery, @CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<Observable<MessageEvent>> {
    const scope = await this.progress.liveScope(id, query.communeCode, principal);
    // LiveStreamGuard took this viewer's slot; it is given back when the stream ends.
    const release = liveStreamRelease(request);
    const expiresAt = bearerExpiry(request.headers.authorization) ?? new Date();
    // A stream must not outlive its token: the token's holder lost the right to follow at exp.
    const expiry = timer(Math.min(MAX_TIMER_MS, Math.max(0, expiresAt.getTime() - Date.now()))).pipe(share());
    const changes = this.live.changes.pipe(
      filter((notice) => concerns(notice, scope)),
      // A busy commune changes many times a second: viewers refetch at most once a second.
      throttleTime(1000, asyncScheduler, { leading: true, trailing: true }),
      map((notice) => ({ type: 'changed', data: { ...scope, all: notice.all ?? false } }) as MessageEvent),
    );
    const heartbeat = interval(15000).pipe(map(() => ({ type: 'heartbeat', data: {} }) as MessageEvent));
    return merge(merge(changes, heartbeat).pipe(takeUntil(expiry)), expiry.pipe(map(() => expiredEvent(expiresAt)))).pipe(finalize(release));
  }

  private async sheets(id: string, query: ExportQuery, principal: Principal) {
    const progress = await this.progress.commune(id, query.communeCode, query.asOf, principal);
    const [series, teams] = await Promise.all([
      this.progress.series(id, { communeCode: progress.communeCode }, query.asOf, principal),
      this.progress.teams(id, progress.communeCode, query.asOf, principal),
    ]);
    return { communeCode: progress.communeCode, asOf: progress.asOf, dataAsOf: progress.dataAsOf, sheets: communeReportSheets(progress, series, teams, query.lang ?? 'vi') };
  }

  private fileName(communeCode: string, asOf: string): string {
    return `bao-cao-${communeCode}-${asOf}`;
  }
}
