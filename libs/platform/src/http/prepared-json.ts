import type { Response } from 'express';

/**
 * A JSON answer serialized ahead of the request: the body sent as is and a strong validator
 * naming it. A handler serving the same figures to many readers builds these once, so each
 * answer costs no JSON.stringify, no UTF-8 encoding and no hashing of the body (Express would
 * SHA-1 every answer for its ETag); a client repeating the ETag gets a 304 without the body.
 */
export interface PreparedJson {
  body: Buffer;
  /** Quoted, as the header carries it. */
  etag: string;
}

/**
 * Sends the prepared answer, or 304 when If-None-Match names it. Checked here rather than by
 * Express, which answers in full whenever the request says Cache-Control: no-cache, and fetch()
 * adds that to every request given If-None-Match by hand (the console's, an integrator's script).
 */
export function sendPreparedJson(response: Response, answer: PreparedJson): void {
  response.setHeader('ETag', answer.etag);
  if (namesAnswer(response.req.headers['if-none-match'], answer.etag)) {
    response.status(304).end();
    return;
  }
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.send(answer.body);
}

/** If-None-Match's weak comparison (RFC 9110 13.1.2): any listed tag, W/ or not, or "*". */
export function namesAnswer(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
