import { Module, type OnModuleInit } from '@nestjs/common';
import { MessagingService } from '@dtc/messaging';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { applyRegistryEvents } from './registry-read-model';

export const REGISTRY_CONSUMER = 'enrollment-registry-read-model';

/** Keeps residents/organisations known from registry events and releases pending enrollments. */
@Module({ imports: [EnrollmentsModule] })
export class ReadModelModule implements OnModuleInit {
  constructor(
    private readonly messaging: MessagingService,
    private readonly enrollments: EnrollmentsService,
  ) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: REGISTRY_CONSUMER,
      streams: ['household-registry.events'],
      deduplicates: 'offsets',
      handle: async (events, tx) => {
        const subjects = await applyRegistryEvents(tx, events);
        await this.enrollments.validatePending(tx, subjects);
      },
    });
  }
}
