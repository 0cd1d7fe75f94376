import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators';
import { HealthRegistry, type HealthReport } from './health.registry';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthRegistry) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Readiness and liveness: database, Kafka and Redis checks' })
  @ApiOkResponse({ description: 'Database and Kafka answer (status degraded when only an optional dependency such as the Redis cache is down)', schema: { example: { status: 'ok', checks: { database: { status: 'up', latencyMs: 2 } } } } })
  @ApiServiceUnavailableResponse({ description: 'A required dependency is down' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.report();
    response.status(report.status === 'error' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return report;
  }
}
