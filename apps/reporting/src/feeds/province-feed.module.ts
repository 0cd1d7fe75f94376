import { Module, type OnModuleInit } from '@nestjs/common';
import { EVENT_STREAMS } from '@dtc/contracts';
import { MessagingService } from '@dtc/messaging';
import { appendToProvinceFeeds, PROVINCE_FEED_CONSUMER } from './province-feed.append';
import { ProvinceFeedController } from './province-feed.controller';
import { ProvinceFeedService } from './province-feed.service';

/**
 * Province feeds: their own consumer group reads every stream and appends each event to its
 * province's feed in the service schema (inbox in the same transaction, so redeliveries are
 * dropped); the controller pages them for integrators.
 */
@Module({ controllers: [ProvinceFeedController], providers: [ProvinceFeedService] })
export class ProvinceFeedModule implements OnModuleInit {
  constructor(private readonly messaging: MessagingService) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({ name: PROVINCE_FEED_CONSUMER, streams: [...EVENT_STREAMS], handle: (events, tx) => appendToProvinceFeeds(tx, events) });
  }
}
