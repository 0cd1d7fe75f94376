import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataAsOf } from './freshness.dto';
import { FreshnessService } from './freshness.service';

@ApiTags('reports')
@Controller('freshness')
export class FreshnessController {
  constructor(private readonly freshness: FreshnessService) {}

  @Get()
  @ApiOperation({
    summary: 'How fresh the figures are: per source stream, the newest event applied and how many messages are still behind',
    description: 'Any authenticated role. The same object is the `dataAsOf` of every report. Lag is measured at most every 5 seconds.',
  })
  @ApiOkResponse({ type: DataAsOf })
  get(): Promise<DataAsOf> {
    return this.freshness.current();
  }
}
