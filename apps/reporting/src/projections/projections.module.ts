import { Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { consumerGroup, MessagingService, rememberCommunes } from '@dtc/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import type { EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';
import { applyEnrollmentFunnel } from '../enrollments/enrollment-funnel.projection';
import { applyFieldFacts } from '../households/field-facts.projection';
import { applyVillageHouseholds } from '../households/village-households.projection';
import { changeNoticeOf } from '../live/change-notice';
import { LiveUpdatesService } from '../live/live-updates.service';
import { ReportCache } from '../live/report-cache.service';
import { applyTeams } from '../teams/teams.projection';
import { applyTraining } from '../training/training.projection';
import { enterActiveGeneration, ensureActiveGeneration, PROJECTIONS_CONSUMER } from './generations';
import { ProjectionStore } from './projection-store';

export const PROJECTED_STREAMS = ['household-registry.events', 'enrollment.events', 'training.events'] as const;

/** Every projection, applied to one batch inside one transaction (live consumer and rebuild alike). */
export async function applyProjections(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await rememberCommunes(tx, events);
  await applyVillageHouseholds(tx, events);
  await applyFieldFacts(tx, events);
  await applyEnrollmentFunnel(tx, events);
  await applyTraining(tx, events);
  await applyTeams(tx, events);
}

/**
 * One consumer group feeds every projection: each batch is applied to all of them in one
 * transaction with the inbox of the active generation, so a figure is never half-updated.
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
      prepare: async (tx) => {
        await enterActiveGeneration(tx, this.config.databaseSchema);
      },
      handle: (events, tx) => applyProjections(tx, events),
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
