import { Module, type OnModuleInit } from '@nestjs/common';
import { MessagingService } from '@dtc/messaging';
import { applyFieldEvents } from './field-read-model';

export const FIELD_READ_MODEL_CONSUMER = 'registry-field-read-model';

/** Keeps the teams, plans and enrollments the work lists need, learned from training and enrollment events. */
@Module({})
export class FieldReadModelModule implements OnModuleInit {
  constructor(private readonly messaging: MessagingService) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: FIELD_READ_MODEL_CONSUMER,
      streams: ['training.events', 'enrollment.events'],
      deduplicates: 'offsets',
      handle: (events, tx) => applyFieldEvents(tx, events),
    });
  }
}
