import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every response gets, API answers included: browsers must not guess a type other
 * than the one declared (a JSON answer holding user text must never run as HTML or script), and
 * no URL of ours (ids, dashboard fragments) leaks to other sites through the Referer header.
 * Pages add their own Content-Security-Policy (see the reporting dashboard).
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
 * A Content-Security-Policy for a self-contained page: nothing but its own origin, scripts and
 * styles only when their exact text is hashed (an injected <script> never runs), and no framing.
 */
export function pageContentSecurityPolicy(hashes: { scripts: string[]; styles: string[] }): string {
  const quoted = (list: string[]) => list.map((hash) => `'${hash}'`).join(' ');
  return [
    "default-src 'self'",
    `script-src ${quoted(hashes.scripts)}`,
    `style-src ${quoted(hashes.styles)}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
