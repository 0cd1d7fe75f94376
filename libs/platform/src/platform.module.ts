import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { SERVICE_CONFIG, type ServiceConfig } from './config/service-config';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health.registry';
import { ProblemFilter } from './http/problem.filter';
import { loggingModule } from './logging/logging';
import { HttpMetricsInterceptor } from './metrics/http-metrics.interceptor';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RedisService } from './redis/redis.service';

/** Cross-cutting concerns every service gets: config, logs, auth, rate limits, errors, health, metrics, Redis. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [loggingModule(config)],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        HealthRegistry,
        MetricsService,
        RedisService,
        // Guards run in this order: the rate limit counts the caller the AuthGuard verified.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
      ],
      exports: [SERVICE_CONFIG, HealthRegistry, MetricsService, RedisService],
    };
  }
}
