import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsIsoDateTime } from '@dtc/platform';

export class FeedEventsQuery {
  @ApiPropertyOptional({
    example: 'MS4zOC4xMjM',
    description: 'Continue after this cursor: `next` of the previous page, or `head` of the feed to start from now. Without `after` and `since` the feed starts at its beginning.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'after must be a cursor returned by this feed' })
  after?: string;

  @ApiPropertyOptional({ example: 500, minimum: 1, maximum: 1000, default: 100, description: 'Most events in the page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({
    example: '2026-07-21T08:30:00Z',
    description: 'Start with the first event the feed received at or after this instant (not the event time: offline events arrive late). Instead of `after`.',
  })
  @IsOptional()
  @IsIsoDateTime()
  since?: string;
}

const EXAMPLE_ENVELOPE = {
  specversion: '1.0',
  id: '6f1c7a52-5b8e-4d7a-9a57-0d3c1c2b9e10',
  source: '/dtc/household-registry',
  type: 'vn.dtc.registry.household.registered.v1',
  subject: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11',
  time: '2026-07-21T08:30:00.000Z',
  datacontenttype: 'application/json',
  dataschema: 'urn:dtc:schema:vn.dtc.registry.household.registered.v1',
  tenant: '16279',
  province: '38',
  data: { householdId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11', villageId: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e', villageCode: 'THON-1', villageName: 'Thôn 1', occurredAt: '2026-07-21T08:30:00.000Z' },
};

export class FeedPage {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [EXAMPLE_ENVELOPE],
    description: 'CloudEvents envelopes exactly as published on the topics (docs/events/schemas), in feed order',
  })
  events!: Array<Record<string, unknown>>;

  @ApiProperty({ example: 'MS4zOC4xMjQ', description: 'Cursor after the last event of this page (the given position when the page is empty); pass it as `after`' })
  next!: string;

  @ApiProperty({ example: true, description: 'More events follow right now; otherwise poll again later with `next`' })
  hasMore!: boolean;
}

/** One field at fault in a problem answer, and why. */
export class FeedFieldProblem {
  @ApiProperty({ example: 'after' }) field!: string;
  @ApiProperty({ example: 'older than the retention of this feed' }) reason!: string;
}

/** The 410 answer to a cursor older than the feed's retention. */
export class FeedCursorGone {
  @ApiProperty({ example: 410 }) statusCode!: number;
  @ApiProperty({ example: 'Gone' }) error!: string;
  @ApiProperty({ example: "The events after this cursor are older than the feed's retention and were removed; resume from the earliest cursor (events 1-5120 are gone)" }) message!: string;
  @ApiProperty({ type: [FeedFieldProblem], example: [{ field: 'after', reason: 'older than the retention of this feed' }] }) fields!: FeedFieldProblem[];
  @ApiProperty({ example: 'MS4zOC41MTIw', description: 'Earliest valid cursor: pass it as `after` to resume with the oldest event still kept' }) earliest!: string;
}

export class FeedHead {
  @ApiProperty({ example: '38' }) province!: string;
  @ApiProperty({ example: 12408, description: 'Events in the feed (those older than the retention, FEED_RETENTION_DAYS, are removed)' }) count!: number;
  @ApiProperty({ example: 'MS4zOC4xMjQwOA', description: 'Cursor after the latest event: `after=head` returns only what arrives from now on' }) head!: string;
  @ApiProperty({ example: 'MS4zOC4w', description: 'Earliest valid cursor: the position before the oldest event still kept; `after` older than this answers 410 Gone' }) earliest!: string;
  @ApiProperty({ example: '2026-07-22T09:15:03.120Z', nullable: true, type: String, description: 'When the feed received its latest event' }) lastAppendedAt!: string | null;
}
