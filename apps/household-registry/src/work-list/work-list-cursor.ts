import { isCalendarDay } from '@dtc/platform';
import { createHash } from 'node:crypto';

/**
 * The cursors of GET /work-list, opaque to phones (base64url JSON). A refresh position is the
 * answering snapshot (pg_snapshot text: xmin:xmax:in-progress xids; see the work-list migration),
 * the Vietnam day and a key of what
 * was asked (commune, teams, filters): a later `since` with another day or other teams gets the
 * full list again (reset), because plans start and end with days and teams bring whole villages.
 * A page position adds the last household of the page and carries the refresh position of the
 * first page, so every page of one answer hands out the same refresh cursor.
 */
export interface RefreshPosition {
  snapshot: string;
  day: string;
  scope: string;
}

export interface PagePosition {
  afterId: string;
  refresh: RefreshPosition;
  since: RefreshPosition | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SNAPSHOT = /^([0-9]{1,19}):([0-9]{1,19}):((?:[0-9]{1,19})(?:,[0-9]{1,19}){0,999})?$/;

/** What PostgreSQL accepts as a pg_snapshot: xmin <= xmax, in-progress xids ascending in [xmin, xmax). */
function isSnapshot(value: unknown): value is string {
  const match = typeof value === 'string' ? SNAPSHOT.exec(value) : null;
  if (!match) return false;
  const [xmin, xmax] = [BigInt(match[1]), BigInt(match[2])];
  const xip = match[3] ? match[3].split(',').map(BigInt) : [];
  return xmin <= xmax && xip.every((xid, index) => xid >= xmin && xid < xmax && (index === 0 || xid >= xip[index - 1]));
}
const SCOPE = /^[0-9a-f]{16}$/;

/** What was asked, as a short key: teams sorted, '*' for every team of the commune. */
export function scopeKey(communeCode: string, teamIds: string[] | null, villageId: string | undefined, status: string | undefined): string {
  const teams = teamIds === null ? '*' : [...teamIds].sort().join(',');
  return createHash('sha256').update(`${communeCode}|${teams}|${villageId ?? ''}|${status ?? ''}`).digest('hex').slice(0, 16);
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function decodeJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function asRefresh(value: unknown): RefreshPosition | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { x, d, s } = value as Record<string, unknown>;
  if (!isSnapshot(x) || !isCalendarDay(d) || typeof s !== 'string' || !SCOPE.test(s)) return undefined;
  return { snapshot: x, day: d, scope: s };
}

export function encodeRefresh(position: RefreshPosition): string {
  return encode({ v: 1, x: position.snapshot, d: position.day, s: position.scope });
}

export function decodeRefresh(cursor: string): RefreshPosition | undefined {
  const value = decodeJson(cursor) as { v?: unknown } | undefined;
  return value?.v === 1 ? asRefresh(value) : undefined;
}

export function encodePage(position: PagePosition): string {
  const refresh = (p: RefreshPosition) => ({ x: p.snapshot, d: p.day, s: p.scope });
  return encode({ v: 1, a: position.afterId, r: refresh(position.refresh), ...(position.since ? { q: refresh(position.since) } : {}) });
}

export function decodePage(cursor: string): PagePosition | undefined {
  const value = decodeJson(cursor) as { v?: unknown; a?: unknown; r?: unknown; q?: unknown } | undefined;
  if (value?.v !== 1 || typeof value.a !== 'string' || !UUID.test(value.a)) return undefined;
  const refresh = asRefresh(value.r);
  const since = value.q === undefined ? null : asRefresh(value.q);
  if (!refresh || since === undefined) return undefined;
  return { afterId: value.a, refresh, since };
}
