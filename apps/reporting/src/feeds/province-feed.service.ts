import { BadRequestException, GoneException, Injectable } from '@nestjs/common';
import { assertNotFuture, unprocessable } from '@dtc/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor } from './feed-cursor';
import type { FeedEventsQuery, FeedHead, FeedPage } from './province-feed.dto';

/** Reads of the province feeds; every answer comes from one snapshot (bigint columns arrive as strings). */
@Injectable()
export class ProvinceFeedService {
  constructor(private readonly dataSource: DataSource) {}

  async head(province: string): Promise<FeedHead> {
    const { seq, appendedAt, prunedThrough } = await headOf(this.dataSource.manager, province);
    // Numbers are contiguous from 1 and retention removes a prefix, so the count is a difference.
    return { province, count: seq - prunedThrough, head: encodeCursor({ province, seq }), earliest: encodeCursor({ province, seq: prunedThrough }), lastAppendedAt: appendedAt?.toISOString() ?? null };
  }

  page(province: string, query: FeedEventsQuery): Promise<FeedPage> {
    if (query.after !== undefined && query.since !== undefined) throw unprocessable('since', 'give after or since, not both');
    const after = query.after === undefined ? 0 : positionOf(province, query.after);
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      // Feed entries carry the database's receive time, so `since` is judged by the same clock.
      if (query.since !== undefined) assertNotFuture('since', new Date(query.since), await databaseNow(tx));
      const head = await headOf(tx, province);
      // A cursor ahead of the feed means another installation or a restored database: say so rather than skip what comes next.
      if (after > head.seq) throw unprocessable('after', `after is beyond the end of this feed (${head.seq} events); it is not from this installation, or the feed was restored from an older backup`);
      // Events right after the cursor were removed by retention: resuming there would skip them silently.
      if (query.after !== undefined && after < head.prunedThrough) throw cursorGone(province, head.prunedThrough, 'after');
      // The same for an instant: events received at or after it may be among the removed ones.
      if (query.since !== undefined && head.prunedThroughAppendedAt && new Date(query.since) <= head.prunedThroughAppendedAt) throw cursorGone(province, head.prunedThrough, 'since');
      const start = query.since === undefined ? Math.max(after, head.prunedThrough) : await positionBefore(tx, province, query.since, head.seq);
      const rows: Array<{ seq: string; envelope: Record<string, unknown> }> = await tx.query(
        'select seq, envelope from province_feed where province_code = $1 and seq > $2 order by seq limit $3',
        [province, start, query.limit + 1],
      );
      const page = rows.slice(0, query.limit);
      const last = page.length > 0 ? Number(page[page.length - 1].seq) : start;
      return { events: page.map((row) => row.envelope), next: encodeCursor({ province, seq: last }), hasMore: rows.length > query.limit };
    });
  }
}

async function databaseNow(tx: EntityManager): Promise<number> {
  const [{ now }]: Array<{ now: Date }> = await tx.query('select clock_timestamp() as now');
  return now.getTime();
}

function positionOf(province: string, cursor: string): number {
  const position = decodeCursor(cursor);
  if (!position) throw new BadRequestException({ message: 'Validation failed', fields: [{ field: 'after', reason: 'after must be a cursor returned by this feed' }] });
  if (position.province !== province) throw unprocessable('after', `after is a cursor of province ${position.province}'s feed, not ${province}'s`);
  return position.seq;
}

interface Head {
  seq: number;
  appendedAt: Date | null;
  prunedThrough: number;
  /** Receive time of the newest removed event; null when nothing was removed. */
  prunedThroughAppendedAt: Date | null;
}

async function headOf(tx: EntityManager, province: string): Promise<Head> {
  const [row]: Array<{ last_seq: string; last_appended_at: Date; pruned_through: string; pruned_through_appended_at: Date | null }> = await tx.query(
    'select last_seq, last_appended_at, pruned_through, pruned_through_appended_at from province_feed_heads where province_code = $1',
    [province],
  );
  return {
    seq: row ? Number(row.last_seq) : 0,
    appendedAt: row?.last_appended_at ?? null,
    prunedThrough: row ? Number(row.pruned_through) : 0,
    prunedThroughAppendedAt: row?.pruned_through_appended_at ?? null,
  };
}

/** 410 with the earliest cursor still valid (`earliest`), so an integrator can decide to resume from there. */
function cursorGone(province: string, prunedThrough: number, field: 'after' | 'since'): GoneException {
  const what = field === 'after' ? 'The events after this cursor are' : 'Events received since this instant are';
  return new GoneException({
    message: `${what} older than the feed's retention and were removed; resume from the earliest cursor (events 1-${prunedThrough} are gone)`,
    fields: [{ field, reason: 'older than the retention of this feed' }],
    earliest: encodeCursor({ province, seq: prunedThrough }),
  });
}

/** The position just before the first event received at or after `since` (the head when there is none). */
async function positionBefore(tx: EntityManager, province: string, since: string, head: number): Promise<number> {
  const [row]: Array<{ seq: string }> = await tx.query(
    'select seq from province_feed where province_code = $1 and appended_at >= $2::timestamptz order by appended_at, seq limit 1',
    [province, since],
  );
  return row ? Number(row.seq) - 1 : head;
}
