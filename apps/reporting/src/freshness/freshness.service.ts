import { Injectable, Logger } from '@nestjs/common';
import { lagOf, MessagingService } from '@dtc/messaging';
import type { EntityManager } from 'typeorm';
import { PROJECTED_STREAMS } from '../projections/apply-projections';
import { PROJECTIONS_CONSUMER } from '../projections/generations';
import { ProjectionStore } from '../projections/projection-store';
import type { DataAsOf } from './freshness.dto';

interface LagReading {
  byStream: Map<string, number> | null;
  measuredAt: string | null;
}

/**
 * How fresh the figures are: per source stream, the newest event applied to the active
 * generation (kept in the projection transaction) and how many messages are still behind.
 */
@Injectable()
export class FreshnessService {
  private readonly logger = new Logger('freshness');

  constructor(
    private readonly store: ProjectionStore,
    private readonly messaging: MessagingService,
  ) {}

  /** Freshness of the active generation, read in its own short transaction. */
  async current(): Promise<DataAsOf> {
    return this.store.read((tx) => this.read(tx));
  }

  /** Freshness read inside a caller's report transaction (same snapshot as its figures). */
  async read(tx: EntityManager): Promise<DataAsOf> {
    const [heads, lag] = await Promise.all([
      tx.query(`select stream, newest_event_at, applied_at, events::float8 as events from stream_heads`) as Promise<Array<{ stream: string; newest_event_at: Date; applied_at: Date; events: number }>>,
      this.lagReading(),
    ]);
    const streams = PROJECTED_STREAMS.map((stream) => {
      const head = heads.find((h) => h.stream === stream);
      return {
        stream,
        newestEventAt: head ? head.newest_event_at.toISOString() : null,
        appliedAt: head ? head.applied_at.toISOString() : null,
        eventsApplied: head ? Number(head.events) : 0,
        lag: lag.byStream ? (lag.byStream.get(stream) ?? 0) : null,
      };
    });
    const times = streams.map((s) => s.newestEventAt).filter((t): t is string => t !== null);
    return {
      streams,
      oldestStreamAt: times.length === streams.length ? times.sort()[0] : null,
      totalLag: lag.byStream ? streams.reduce((total, s) => total + (s.lag ?? 0), 0) : null,
      lagMeasuredAt: lag.measuredAt,
    };
  }

  /** The projections consumer's lag per stream, from the positions the service measures at most every few seconds (shared with /metrics). */
  private async lagReading(): Promise<LagReading> {
    try {
      const { positions, measuredAt } = await this.messaging.consumerPositions(PROJECTIONS_CONSUMER, PROJECTED_STREAMS);
      const streamOf = new Map(PROJECTED_STREAMS.map((stream) => [this.messaging.topic(stream), stream as string]));
      const byStream = new Map<string, number>();
      for (const position of positions) {
        const stream = streamOf.get(position.topic)!;
        byStream.set(stream, (byStream.get(stream) ?? 0) + lagOf(position));
      }
      return { byStream, measuredAt: measuredAt.toISOString() };
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'consumer lag unavailable; reports show it as null');
      return { byStream: null, measuredAt: null };
    }
  }
}

/** The HTTP header form of "data as of" (files): `stream=newest event time;lag=n` per stream, comma-separated. */
export function dataAsOfHeader(dataAsOf: DataAsOf): string {
  return dataAsOf.streams.map((s) => `${s.stream}=${s.newestEventAt ?? 'none'};lag=${s.lag ?? 'unknown'}`).join(', ');
}

export const DATA_AS_OF_HEADER = 'X-Data-As-Of';

/** OpenAPI `headers` of an answer that carries X-Data-As-Of (files, and JSON answers that are bare arrays). */
export const DATA_AS_OF_HEADER_DOC = {
  [DATA_AS_OF_HEADER]: {
    description: 'How fresh the figures are, per source stream: `stream=newest event time;lag=messages behind`, comma-separated (the same as `dataAsOf` and GET /freshness)',
    schema: { type: 'string', example: 'household-registry.events=2026-08-02T09:14:55.000Z;lag=0, enrollment.events=2026-08-02T09:15:00.000Z;lag=3, training.events=none;lag=0' },
  },
};
