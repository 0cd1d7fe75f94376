import { Module, type OnModuleInit } from '@nestjs/common';
import { EVENT_STREAMS } from '@dtc/contracts';
import { MessagingService, rememberCommunes } from '@dtc/messaging';
import { appendToProvinceFeeds, PROVINCE_FEED_CONSUMER } from './province-feed.append';
import { ProvinceFeedController } from './province-feed.controller';
import { ProvinceFeedService } from './province-feed.service';

/**
 * Province feeds: their own consumer group reads every stream and appends each event to its
 * province's feed in the service schema; the feed, keyed by event id, drops redeliveries itself
 * (no inbox rows); the controller pages them for integrators.
 */
@Module({ controllers: [ProvinceFeedController], providers: [ProvinceFeedService] })
export class ProvinceFeedModule implements OnModuleInit {
  constructor(private readonly messaging: MessagingService) {}

  onModuleInit(): void {
    this.messaging.registerConsumer({
      name: PROVINCE_FEED_CONSUMER,
      streams: [...EVENT_STREAMS],
      deduplicates: 'handler',
      handle: async (events, tx) => {
        // An event files under the province its envelope names: only the registry's onboarding
        // decides a commune's province (its own known_communes in the service schema), so a
        // forged envelope is dead-lettered instead of reaching another province's integrators.
        await rememberCommunes(tx, events);
        return appendToProvinceFeeds(tx, events);
      },
    });
  }
}
