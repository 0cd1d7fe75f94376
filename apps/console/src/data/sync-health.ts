import type { SyncHealth } from './api';

/** A member's phones across the services that take field work: one row on the official's screen. */
export interface MemberSyncHealth {
  memberId: string;
  /** latest upload to any service; undefined when the member only has enrollments held for their resident */
  lastUploadAt?: string;
  itemsUploaded: number;
  refused: number;
  lastRefusedAt?: string;
  pendingEnrollments: number;
  devices: number;
}

const later = (a: string | null | undefined, b: string | null | undefined) => (!a ? (b ?? undefined) : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * One row per member from each service's own sync health (registry, enrollment, training). A phone
 * uploads to each service separately, so a member is as fresh as the latest of them, and the longest
 * silent (never uploaded first) comes first, as in each service's answer.
 */
export function mergeSyncHealth(views: SyncHealth[]): MemberSyncHealth[] {
  const members = new Map<string, MemberSyncHealth & { deviceIds: Set<string> }>();
  for (const member of views.flatMap((view) => view.members)) {
    const row = members.get(member.memberId) ?? { memberId: member.memberId, itemsUploaded: 0, refused: 0, pendingEnrollments: 0, devices: 0, deviceIds: new Set<string>() };
    row.lastUploadAt = later(row.lastUploadAt, member.lastUploadAt);
    row.lastRefusedAt = later(row.lastRefusedAt, member.lastRefusedAt);
    row.itemsUploaded += member.itemsUploaded;
    row.refused += member.refused;
    row.pendingEnrollments += member.pendingEnrollments ?? 0;
    for (const device of member.devices) row.deviceIds.add(device.deviceId ?? '');
    members.set(member.memberId, row);
  }
  return [...members.values()]
    .map(({ deviceIds, ...row }) => ({ ...row, devices: deviceIds.size }))
    .sort((a, b) => (a.lastUploadAt ? Date.parse(a.lastUploadAt) : -Infinity) - (b.lastUploadAt ? Date.parse(b.lastUploadAt) : -Infinity) || a.memberId.localeCompare(b.memberId));
}
