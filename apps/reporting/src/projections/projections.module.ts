import { Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { consumerGroup, MessagingService } from '@dtc/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { changeNoticeOf } from '../live/change-notice';
import { LiveUpdatesService } from '../live/live-updates.service';
import { ReportCache } from '../live/report-cache.service';
import { applyProjections, PROJECTED_STREAMS } from './apply-projections';
import { enterActiveGeneration, ensureActiveGeneration, PROJECTIONS_CONSUMER } from './generations';
import { ProjectionStore } from './projection-store';

/**
 * One consumer group feeds every projection: each batch is applied to all of them in one
 * transaction with the active generation's record of applied batches (its position per
 * partition, no row per event), so a figure is never half-updated.
 * After the commit, viewers and caches of the touched communes and provinces are told.
 */
@Global()
@Module({ providers: [ProjectionStore, LiveUpdatesService, ReportCache], exports: [ProjectionStore, LiveUpdatesService, ReportCache] })
export class ProjectionsModule implements OnModuleInit {
  private readonly logger = new Logger('projections');

  constructor(
    private readonly messaging: MessagingService,
    private readonly live: LiveUpdatesService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const { schema, created } = await ensureActiveGeneration(this.config.databaseUrl, this.config.databaseSchema);
    if (created) await this.rewindLiveGroup(schema);
    this.messaging.registerConsumer({
      name: PROJECTIONS_CONSUMER,
      streams: [...PROJECTED_STREAMS],
      deduplicates: 'offsets',
      prepare: async (tx) => {
        await enterActiveGeneration(tx, this.config.databaseSchema);
      },
      handle: (events, tx) => applyProjections(tx, events),
      // As the rebuild does: the projections lock what they read and their counters only add, so
      // two partitions' batches may run at once (as they do across instances), and a backlog is
      // taken in bigger batches (fewer transactions).
      partitionsConsumedConcurrently: 2,
      maxBytesPerPartition: 4194304,
      afterCommit: (events) => this.live.publish(changeNoticeOf(events)),
    });
  }

  /** A brand-new (empty) generation must see every event: forget the group's old offsets, if any. */
  private async rewindLiveGroup(schema: string): Promise<void> {
    const admin = this.messaging.kafka.admin();
    const groupId = consumerGroup(this.config.topicPrefix, PROJECTIONS_CONSUMER);
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
      this.logger.log({ groupId, schema }, 'new projection generation: the live consumer group starts from the beginning of the topics');
    } catch (error) {
      // No such group yet is the normal case on a fresh installation.
      this.logger.debug({ groupId, err: (error as Error).message }, 'no consumer group offsets to forget');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
