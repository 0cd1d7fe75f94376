import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiGoneResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { assertProvinceAccess, CurrentPrincipal, ParseProvinceCodePipe, Roles, type Principal } from '@dtc/platform';
import { FeedCursorGone, FeedEventsQuery, FeedHead, FeedPage } from './province-feed.dto';
import { ProvinceFeedService } from './province-feed.service';

const READERS = ['integrator', 'province_officer', 'operations'] as const;

/**
 * The province feed for provincial integrators: every event of the province's communes from the
 * three streams, in one stable order, paged with a resumable cursor. Integrators and province
 * officers read their own province; operations any.
 */
@ApiTags('feeds')
@Controller('feeds/provinces/:province')
export class ProvinceFeedController {
  constructor(private readonly feeds: ProvinceFeedService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The head of a province feed: how many events it holds and the cursor after the latest one' })
  @ApiParam({ name: 'province', example: '38' })
  @ApiOkResponse({ type: FeedHead })
  @ApiForbiddenResponse({ description: 'Not an integrator, province officer or operations token, or another province' })
  head(@Param('province', new ParseProvinceCodePipe()) province: string, @CurrentPrincipal() principal: Principal): Promise<FeedHead> {
    assertProvinceAccess(principal, province);
    return this.feeds.head(province);
  }

  @Get('events')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'A page of a province feed: events of its communes from every stream, in feed order',
    description:
      'Start from the beginning (no `after`), after a cursor (`after`), or from the first event received at or after an instant (`since`). ' +
      'Each event appears once, at a position that never changes; save `next` and pass it as `after` to continue exactly where you stopped. ' +
      'Events older than the retention (FEED_RETENTION_DAYS, default 365) are removed: a cursor before them answers 410 with the earliest valid cursor.',
  })
  @ApiParam({ name: 'province', example: '38' })
  @ApiOkResponse({ type: FeedPage })
  @ApiBadRequestResponse({ description: 'A malformed cursor, limit or since (the problem names the field)' })
  @ApiUnprocessableEntityResponse({ description: 'A cursor of another province or beyond the end of the feed, since in the future, or after and since together' })
  @ApiGoneResponse({ type: FeedCursorGone, description: 'The cursor (or `since`) is older than the retention: events right after it were removed; `earliest` is the earliest valid cursor' })
  @ApiForbiddenResponse({ description: 'Not an integrator, province officer or operations token, or another province' })
  events(@Param('province', new ParseProvinceCodePipe()) province: string, @Query() query: FeedEventsQuery, @CurrentPrincipal() principal: Principal): Promise<FeedPage> {
    assertProvinceAccess(principal, province);
    return this.feeds.page(province, query);
  }
}
