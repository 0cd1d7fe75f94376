import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { RedisService, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import Redis from 'ioredis';
import { Subject, type Observable } from 'rxjs';
import { announceChange, liveChannel, type ChangeNotice } from './change-notice';

/**
 * Tells every reporting instance's viewers that figures changed. A committed batch bumps the
 * cache versions of its communes and provinces and publishes a notice on a Redis channel that
 * all instances subscribe to, so any instance can serve any viewer. With Redis down the notice
 * still reaches this instance's own viewers, and the cache is bypassed (see ReportCache).
 */
@Injectable()
export class LiveUpdatesService implements OnModuleDestroy {
  private readonly logger = new Logger('live-updates');
  private readonly notices = new Subject<ChangeNotice>();
  private readonly subscriber: Redis;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.channel = liveChannel(config.topicPrefix);
    // A subscribing connection cannot run other commands: it gets its own, reconnecting forever.
    this.subscriber = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.notices.next(JSON.parse(message) as ChangeNotice);
      } catch {
        this.logger.warn('ignored a malformed change notice');
      }
    });
    this.subscriber.on('ready', () => {
      // After a Redis outage viewers may have missed notices: tell them to refresh.
      this.notices.next({ communes: [], provinces: [], all: true });
    });
    this.subscriber.connect().then(
      () => this.subscriber.subscribe(this.channel),
      () => undefined,
    );
  }

  get changes(): Observable<ChangeNotice> {
    return this.notices.asObservable();
  }

  async publish(notice: ChangeNotice): Promise<void> {
    await this.toAllInstances(notice, () => announceChange(this.redis.client, this.config.topicPrefix, notice));
  }

  /**
   * Newer figures of a scope were stored without anything new being projected (a background
   * refresh finished): viewers fetch again, and no cached figure is made unreachable.
   */
  async refreshed(notice: ChangeNotice): Promise<void> {
    await this.toAllInstances(notice, () => this.redis.client.publish(this.channel, JSON.stringify(notice)));
  }

  /** Sends a notice through Redis to every instance; with Redis down, at least this instance's viewers get it. */
  private async toAllInstances(notice: ChangeNotice, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Redis unavailable: notifying local viewers only');
      this.notices.next(notice);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.notices.complete();
    this.subscriber.disconnect();
  }
}
