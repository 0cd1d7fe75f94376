import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { HEALTH_CACHE_MS, HealthRegistry, type HealthReport } from './health.registry';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRegistry) {}

  @Public()
  @Get()
  @ApiOperation({ summary: `Readiness: database, Kafka and Redis, each up or down (probes reused for ${HEALTH_CACHE_MS / 1000} s; causes are in the log, not here)` })
  @ApiOkResponse({
    description: 'Database and Kafka answer (status degraded when only an optional dependency such as the Redis cache is down)',
    schema: { example: { status: 'ok', checks: { database: { status: 'up', latencyMs: 2 }, kafka: { status: 'up', latencyMs: 4 }, redis: { status: 'up', latencyMs: 1 } }, checkedAt: '2026-08-02T09:15:00.000Z' } },
  })
  @ApiServiceUnavailableResponse({
    description: 'A required dependency is down',
    schema: { example: { status: 'error', checks: { database: { status: 'down', latencyMs: 2000 }, kafka: { status: 'up', latencyMs: 4 }, redis: { status: 'up', latencyMs: 1 } }, checkedAt: '2026-08-02T09:15:00.000Z' } },
  })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.report();
    response.status(report.status === 'error' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return report;
  }

  /** Liveness: restarting a pod never fixes a dependency outage, so this checks none. */
  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP; checks no dependency (a database or Kafka outage must not restart pods)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
