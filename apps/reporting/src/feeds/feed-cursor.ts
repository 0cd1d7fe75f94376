/**
 * Cursors of the province feeds: a position (the sequence number of the last event read) in one
 * province's feed. Opaque to integrators (base64url), stable forever: the same position always
 * gives the same cursor, and positions never move because the feed is append-only.
 */
const VERSION = '1';
const DECODED = /^1\.([0-9]{2})\.(0|[1-9][0-9]{0,14})$/;

export interface FeedPosition {
  province: string;
  seq: number;
}

export function encodeCursor({ province, seq }: FeedPosition): string {
  return Buffer.from(`${VERSION}.${province}.${seq}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): FeedPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const match = DECODED.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || encodeCursor({ province: match[1], seq: Number(match[2]) }) !== cursor) return undefined;
  return { province: match[1], seq: Number(match[2]) };
}
