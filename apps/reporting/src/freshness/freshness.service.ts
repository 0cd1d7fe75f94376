import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventStream } from '@dtc/contracts';
import { consumerGroup, groupPositions, MessagingService } from '@dtc/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import type { Admin } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { PROJECTED_STREAMS } from '../projections/apply-projections';
import { PROJECTIONS_CONSUMER } from '../projections/generations';
import { ProjectionStore } from '../projections/projection-store';
import type { DataAsOf } from './freshness.dto';

/** Reports may show a lag up to this old: the broker is asked at most once per interval, never per request. */
const LAG_TTL_MS = 5000;

interface LagReading {
  byStream: Map<string, number> | null;
  measuredAt: string | null;
}

/**
 * How fresh the figures are: per source stream, the newest event applied to the active
 * generation (kept in the projection transaction) and how many messages are still behind.
 */
@Injectable()
export class FreshnessService implements OnModuleDestroy {
  private readonly logger = new Logger('freshness');
  private admin?: Admin;
  private lag?: { reading: Promise<LagReading>; at: number };

  constructor(
    private readonly store: ProjectionStore,
    private readonly messaging: MessagingService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
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

  private lagReading(): Promise<LagReading> {
    const now = Date.now();
    if (this.lag && now - this.lag.at < LAG_TTL_MS) return this.lag.reading;
    const reading = this.measureLag();
    this.lag = { reading, at: now };
    return reading;
  }

  private async measureLag(): Promise<LagReading> {
    try {
      if (!this.admin) {
        this.admin = this.messaging.kafka.admin();
        await this.admin.connect();
      }
      const topics = new Map(PROJECTED_STREAMS.map((stream) => [this.messaging.topic(stream as EventStream), stream as string]));
      const positions = await groupPositions(this.admin, consumerGroup(this.config.topicPrefix, PROJECTIONS_CONSUMER), [...topics.keys()]);
      const byStream = new Map<string, number>();
      for (const position of positions) {
        const stream = topics.get(position.topic)!;
        byStream.set(stream, (byStream.get(stream) ?? 0) + Math.max(0, position.high - (position.committed ?? position.low)));
      }
      return { byStream, measuredAt: new Date().toISOString() };
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'consumer lag unavailable; reports show it as null');
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      return { byStream: null, measuredAt: null };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
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
