import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Counter } from 'prom-client';
import { IS_PUBLIC } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config';
import { TooManyRequestsException } from '../http/too-many-requests.exception';
import { MetricsService } from '../metrics/metrics.service';
import { RedisService } from '../redis/redis.service';
import { RateLimiter, rateLimitIdentity, RateLimitUnavailableError, type RateLimitBudget } from './rate-limiter';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WARN_EVERY_MS = 60_000;

/**
 * Global guard, after the AuthGuard (it counts the verified caller): every authenticated request
 * spends one unit of the caller's RATE_LIMIT_PER_MINUTE budget, writes also one of
 * RATE_LIMIT_WRITES_PER_MINUTE; an exhausted budget answers 429 with Retry-After. Public routes
 * (health, metrics, docs) are never limited. Answers carry RateLimit-Limit/-Remaining/-Reset.
 *
 * Redis down or slow: the request is let through (fail open: field sync going on matters more
 * than a strict limit), counted in `rate_limit_fail_open_total` and logged at most once a minute.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('rate-limit');
  private readonly limiter?: RateLimiter;
  private readonly failOpen: Counter<'reason'>;
  private readonly rejected: Counter<'budget'>;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    redis: RedisService,
    metrics: MetricsService,
  ) {
    this.failOpen = metrics.counter('rate_limit_fail_open_total', 'Requests let through unlimited because Redis did not answer', ['reason']);
    this.rejected = metrics.counter('rate_limit_rejected_total', 'Requests answered 429 by budget', ['budget']);
    if (config.rateLimitPerMinute > 0 || config.rateLimitWritesPerMinute > 0) {
      // TOPIC_PREFIX isolates deployments and test runs (as for reporting's cache keys).
      this.limiter = new RateLimiter(redis.client, { keyPrefix: `${config.topicPrefix}rate-limit:${config.serviceName}:`, windowMs: config.rateLimitWindowSeconds * 1000 });
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{ method: string; principal?: Principal }>();
    if (!request.principal) return true; // not authenticated: the AuthGuard has answered already
    const budgets: RateLimitBudget[] = [];
    if (this.config.rateLimitPerMinute > 0) budgets.push({ name: 'requests', limit: this.config.rateLimitPerMinute });
    if (this.config.rateLimitWritesPerMinute > 0 && !READS.has(request.method)) budgets.push({ name: 'writes', limit: this.config.rateLimitWritesPerMinute });
    if (budgets.length === 0) return true;

    let decision;
    try {
      decision = await this.limiter.consume(rateLimitIdentity(request.principal), budgets);
    } catch (error) {
      this.failOpen.inc({ reason: error instanceof RateLimitUnavailableError ? error.reason : 'error' });
      if (Date.now() - this.lastWarningAt >= WARN_EVERY_MS) {
        this.lastWarningAt = Date.now();
        this.logger.warn(`rate limits not enforced (Redis: ${(error as Error).message}); requests are let through`);
      }
      return true;
    }
    const response = http.getResponse<{ setHeader(name: string, value: string): void }>();
    response.setHeader('RateLimit-Limit', String(decision.limit));
    response.setHeader('RateLimit-Remaining', String(decision.remaining));
    response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      this.rejected.inc({ budget: decision.budget });
      response.setHeader('Retry-After', String(decision.resetSeconds));
      const what = decision.budget === 'writes' ? 'write requests' : 'requests';
      throw new TooManyRequestsException(decision.resetSeconds, `Too many ${what} for this token (${decision.limit} per ${this.config.rateLimitWindowSeconds} s); retry after ${decision.resetSeconds} s`);
    }
    return true;
  }
}
