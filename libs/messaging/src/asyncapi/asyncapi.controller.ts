import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { buildAsyncApi } from '@dtc/contracts';
import { Public, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';

/**
 * GET /asyncapi.json: the AsyncAPI 3.0 document of every event stream for this deployment's
 * TOPIC_PREFIX. Public like /docs-json (describes the contracts, carries no data) and, like it,
 * not part of the service's OpenAPI document. Broker addresses are deployment details and are
 * not included.
 */
@ApiExcludeController()
@Controller()
export class AsyncApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.document = buildAsyncApi({ topicPrefix: config.topicPrefix });
  }

  @Public()
  @Get('asyncapi.json')
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
