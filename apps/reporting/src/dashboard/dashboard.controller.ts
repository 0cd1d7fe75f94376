import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@dtc/platform';
import { DASHBOARD_HTML } from './dashboard.page';

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  /** The page itself holds no data: every figure it shows is fetched with the viewer's token. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Live dashboard page (Vietnamese/English): progress bars, villages, team leaderboard, daily chart' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page', schema: { type: 'string' } })
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return DASHBOARD_HTML;
  }
}
