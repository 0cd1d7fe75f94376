import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config';
import { HealthRegistry } from '../health/health.registry';

/** One shared Redis connection per service instance; failures never block start-up. */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig, health: HealthRegistry) {
    this.client = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 });
    this.client.on('error', () => undefined);
    // Redis only speeds things up (caches, fan-out): without it services answer correctly, degraded.
    health.register(
      'redis',
      async () => {
        if ((await this.client.ping()) !== 'PONG') throw new Error('unexpected PING reply');
      },
      { optional: true },
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
