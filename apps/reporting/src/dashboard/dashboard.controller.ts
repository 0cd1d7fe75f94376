import { createHash } from 'node:crypto';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { pageContentSecurityPolicy, Public } from '@dtc/platform';
import { DASHBOARD_HTML } from './dashboard.page';

/** CSP hashes of the page's inline blocks, computed from the page itself so they never drift. */
function hashesOf(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => `sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}`);
}

export const DASHBOARD_CSP = pageContentSecurityPolicy({ scripts: hashesOf(DASHBOARD_HTML, 'script'), styles: hashesOf(DASHBOARD_HTML, 'style') });

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  /** The page itself holds no data: every figure it shows is fetched with the viewer's token. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'Live dashboard page (Vietnamese/English): progress bars, villages, team leaderboard, daily chart' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description:
      'HTML page, served with a Content-Security-Policy (only its own hashed script and style, same-origin requests, no framing), X-Content-Type-Options nosniff and Referrer-Policy no-referrer. Open it with #token=<bearer token>: the token is moved to the tab\'s sessionStorage and removed from the address bar.',
    schema: { type: 'string', example: '<!doctype html><html lang="vi">…</html>' },
    headers: { 'Content-Security-Policy': { description: 'Scripts and styles only by hash; frame-ancestors none', schema: { type: 'string', example: "default-src 'self'; script-src 'sha256-…'; style-src 'sha256-…'; frame-ancestors 'none'" } } },
  })
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  page(): string {
    return DASHBOARD_HTML;
  }
}
