import type { ReturnedStep, ReturnedVisit } from './api';
import { returnsByMember } from './returned';
import type { MemberSyncHealth } from './sync-health';

const visit = (memberId: string | null, returnedAt: string): ReturnedVisit => ({
  visitId: `visit-${returnedAt}`,
  householdId: 'h1',
  headName: 'Hộ Lê Văn Một',
  address: 'Xóm 1',
  villageCode: 'DONG',
  teamId: null,
  memberId,
  visitedAt: '2026-12-01T01:00:00.000Z',
  reason: 'Thiếu chữ ký',
  returnedAt,
});
const step = (memberId: string | null, returnedAt: string): ReturnedStep => ({
  enrollmentId: `enrollment-${returnedAt}`,
  serviceCode: 'vneid_level2',
  subjectType: 'resident',
  subjectId: 'r1',
  stepNumber: 2,
  state: 'issued',
  teamId: null,
  memberId,
  occurredAt: '2026-12-01T01:00:00.000Z',
  reason: 'Chưa kích hoạt',
  returnedAt,
});
const health = (memberId: string, refused: number): MemberSyncHealth => ({ memberId, itemsUploaded: 10, refused, pendingEnrollments: 0, devices: 1 });

describe('returnsByMember', () => {
  it('counts per member what was returned and what their phones had refused, most to redo first', () => {
    const rows = returnsByMember(
      [visit('mai', '2026-12-01T03:00:00.000Z'), visit('lan', '2026-12-01T02:00:00.000Z')],
      [step('mai', '2026-12-01T05:00:00.000Z'), step(null, '2026-12-01T04:00:00.000Z')],
      [health('mai', 1), health('binh', 3), health('lan', 0)],
    );
    expect(rows.map((row) => [row.memberId, row.visits, row.steps, row.refused, row.oldestReturnedAt])).toEqual([
      ['mai', 1, 1, 1, '2026-12-01T03:00:00.000Z'],
      ['lan', 1, 0, 0, '2026-12-01T02:00:00.000Z'],
      [undefined, 0, 1, 0, '2026-12-01T04:00:00.000Z'],
      ['binh', 0, 0, 3, undefined],
    ]);
    expect(rows[0].items.map((item) => item.kind)).toEqual(['step', 'visit']);
  });

  it('leaves out members with nothing returned and nothing refused', () => {
    expect(returnsByMember([], [], [health('lan', 0)])).toEqual([]);
  });
});
