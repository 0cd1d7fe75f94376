import { Controller, Get, Redirect } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { loadConfig, parsers, Public } from '@dtc/platform';

/** Where the officials' console is served: the one origin's /console/ unless this service is reached elsewhere. */
export function consoleUrl(env: NodeJS.ProcessEnv = process.env): string {
  return loadConfig(
    'reporting',
    {
      url: {
        env: 'CONSOLE_URL',
        description: "the officials' console (apps/console) that GET /dashboard redirects to; a path on the one origin, or a full URL when the service is reached directly",
        parse: parsers.string(),
        default: '/console/',
      },
    },
    env,
  ).url;
}

const CONSOLE_URL = consoleUrl();

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  /**
   * The old dashboard's links (`/dashboard#token=…`) keep working: a browser carries the fragment
   * over the redirect, and the console takes the token from it the same way.
   */
  @Get()
  @Public()
  @Redirect(CONSOLE_URL, 302)
  @ApiOperation({ summary: "Moved: redirects to the officials' console (GET /console/ of the one origin), keeping the link's #token fragment" })
  @ApiFoundResponse({
    description: "Redirect to the console (Location: CONSOLE_URL, by default /console/ on the same origin). The page that was here (a live dashboard) is now the console's live progress page.",
    headers: { Location: { description: 'The console', schema: { type: 'string', example: '/console/' } } },
  })
  page(): void {
    // Nest answers with the @Redirect above.
  }
}
