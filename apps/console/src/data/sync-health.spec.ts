import type { SyncHealth } from './api';
import { mergeSyncHealth } from './sync-health';

const view = (members: SyncHealth['members']): SyncHealth => ({ communeCode: '16279', days: 7, since: '2026-11-25T17:00:00.000Z', asOf: '2026-12-02T03:00:00.000Z', members });
const device = (deviceId: string | null, lastUploadAt: string) => ({ deviceId, lastUploadAt, itemsUploaded: 1, refused: 0, lastRefusedAt: null });

describe('sync health across services', () => {
  it('adds up a member over the services, keeps the latest upload and refusal, and counts phones once', () => {
    const registry = view([{ memberId: 'mai', lastUploadAt: '2026-12-01T02:00:00.000Z', itemsUploaded: 10, refused: 1, lastRefusedAt: '2026-11-30T02:00:00.000Z', devices: [device('phone-a', '2026-12-01T02:00:00.000Z')] }]);
    const enrollment = view([
      { memberId: 'mai', lastUploadAt: '2026-12-02T01:00:00.000Z', itemsUploaded: 4, refused: 2, lastRefusedAt: '2026-12-02T01:00:00.000Z', pendingEnrollments: 3, devices: [device('phone-a', '2026-12-02T01:00:00.000Z'), device(null, '2026-11-29T01:00:00.000Z')] },
      { memberId: 'lan', lastUploadAt: null, itemsUploaded: 0, refused: 0, lastRefusedAt: null, pendingEnrollments: 1, devices: [] },
    ]);
    const training = view([{ memberId: 'binh', lastUploadAt: '2026-11-28T09:00:00.000Z', itemsUploaded: 2, refused: 0, lastRefusedAt: null, devices: [device('phone-b', '2026-11-28T09:00:00.000Z')] }]);
    expect(mergeSyncHealth([registry, enrollment, training])).toEqual([
      { memberId: 'lan', lastUploadAt: undefined, lastRefusedAt: undefined, itemsUploaded: 0, refused: 0, pendingEnrollments: 1, devices: 0 },
      { memberId: 'binh', lastUploadAt: '2026-11-28T09:00:00.000Z', lastRefusedAt: undefined, itemsUploaded: 2, refused: 0, pendingEnrollments: 0, devices: 1 },
      { memberId: 'mai', lastUploadAt: '2026-12-02T01:00:00.000Z', lastRefusedAt: '2026-12-02T01:00:00.000Z', itemsUploaded: 14, refused: 3, pendingEnrollments: 3, devices: 2 },
    ]);
  });

  it('has no rows when nobody uploaded', () => {
    expect(mergeSyncHealth([view([]), view([])])).toEqual([]);
  });
});
