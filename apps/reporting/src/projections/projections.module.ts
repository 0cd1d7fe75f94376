import { Module, type OnModuleInit } from '@nestjs/common';
import { MessagingService } from '@dtc/messaging';
import { applyEnrollmentFunnel } from '../enrollments/enrollment-funnel.projection';
import { applyVillageHouseholds } from '../households/village-households.projection';
import { applyTraining } from '../training/training.projection';

export const PROJECTIONS_CONSUMER = 'reporting-projections';

/**
 * One consumer group feeds every projection: each batch is applied to all of them in one
 * transaction with the inbox, so a figure is never half-updated. Each projection ignores the
 * event types it does not use.
 */
@Module({})
export class ProjectionsModule implements OnModuleInit {
  constructor(private readonly messaging: MessagingService) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: PROJECTIONS_CONSUMER,
      streams: ['household-registry.events', 'enrollment.events', 'training.events'],
      handle: async (events, tx) => {
        await applyVillageHouseholds(tx, events);
        await applyEnrollmentFunnel(tx, events);
        await applyTraining(tx, events);
      },
    });
  }
}
