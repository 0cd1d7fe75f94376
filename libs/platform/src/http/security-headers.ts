import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every response gets, API answers included: browsers must not guess a type other
 * than the one declared (a JSON answer holding user text must never run as HTML or script), and
 * no URL of ours (ids, dashboard fragments) leaks to other sites through the Referer header.
 * Pages add their own Content-Security-Policy (the reporting dashboard, the API docs page).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  next();
}

/**
 * A Content-Security-Policy for a page: nothing but its own origin, scripts and styles only from
 * the sources given (unquoted: `sha256-…` for a self-contained page's exact inline text, so an
 * injected <script> never runs; `self` for files it loads), and no framing.
 */
export function pageContentSecurityPolicy(sources: { scripts: string[]; styles: string[] }): string {
  const quoted = (list: string[]) => list.map((source) => `'${source}'`).join(' ');
  return [
    "default-src 'self'",
    `script-src ${quoted(sources.scripts)}`,
    `style-src ${quoted(sources.styles)}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
