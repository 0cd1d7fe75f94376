import type { EventEnvelope } from '@dtc/contracts';

/** What changed in a committed batch: the communes and provinces whose figures moved. */
export interface ChangeNotice {
  communes: string[];
  provinces: string[];
  /** Set when a rebuilt generation went live: every figure may have changed. */
  all?: boolean;
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
