import type { EventEnvelope } from '@dtc/contracts';
import type Redis from 'ioredis';

/** What changed in a committed batch: the communes and provinces whose figures moved. */
export interface ChangeNotice {
  communes: string[];
  provinces: string[];
  /** Set when a rebuilt generation went live: every figure may have changed. */
  all?: boolean;
  /** Campaigns edited (name, window, targets): every instance drops its copy (CampaignViewCache). */
  campaigns?: string[];
}

export function changeNoticeOf(events: EventEnvelope[]): ChangeNotice {
  return {
    communes: [...new Set(events.map((event) => event.tenant))].sort(),
    provinces: [...new Set(events.map((event) => event.province))].sort(),
  };
}

export function concerns(notice: ChangeNotice, scope: { communeCode?: string; provinceCode?: string }): boolean {
  if (notice.all) return true;
  if (scope.communeCode) return notice.communes.includes(scope.communeCode);
  if (scope.provinceCode) return notice.provinces.includes(scope.provinceCode);
  return false;
}

/** Redis names shared by every reporting instance (and the rebuild command) of one deployment. */
export const liveChannel = (prefix: string) => `${prefix}reporting:changed`;
export const versionKey = (prefix: string, kind: 'all' | 'commune' | 'province', code = '') => `${prefix}reporting:version:${kind}:${code}`;

/** Makes cached figures of the notice's scopes unreachable and tells every instance's viewers. */
export async function announceChange(redis: Redis, prefix: string, notice: ChangeNotice): Promise<void> {
  const pipeline = redis.multi();
  if (notice.all) pipeline.incr(versionKey(prefix, 'all'));
  for (const commune of notice.communes) pipeline.incr(versionKey(prefix, 'commune', commune));
  for (const province of notice.provinces) pipeline.incr(versionKey(prefix, 'province', province));
  pipeline.publish(liveChannel(prefix), JSON.stringify(notice));
  await pipeline.exec();
}
