import { createEvent, EnrollmentStepReviewedV1, VisitReviewedV1 } from '@dtc/contracts';
import { foldWork, type Review } from './work-daily.fold';

const origin = (subject: string, time: string) => ({ tenant: '16279', province: '38', subject, time });
const visit = (verdict: 'verified' | 'returned', reviewedAt: string) =>
  createEvent(VisitReviewedV1, origin('h1', reviewedAt), {
    visitId: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    householdId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11',
    villageId: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e',
    teamId: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    memberId: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b',
    verdict,
    ...(verdict === 'returned' ? { reason: 'Thiếu ảnh' } : {}),
    // 20:00 UTC on the 21st is the 22nd in Vietnam: the visit counts on the 22nd.
    visitedAt: '2026-07-21T20:00:00.000Z',
    occurredAt: reviewedAt,
  });

const totals = (deltas: ReturnType<typeof foldWork>['deltas']) => Object.fromEntries([...deltas.values()].filter((d) => d.value !== 0).map((d) => [`${d.measure}@${d.day}`, d.value]));

describe('verified work fold', () => {
  it('counts a verified visit on the Vietnam day it happened, and a later return takes it back', () => {
    const reviews = new Map<string, Review>();
    expect(totals(foldWork([visit('verified', '2026-07-23T02:00:00.000Z')], reviews).deltas)).toEqual({ 'visits_verified@2026-07-22': 1 });
    // Verified again: no double count.
    expect(totals(foldWork([visit('verified', '2026-07-23T03:00:00.000Z')], reviews).deltas)).toEqual({});
    expect(totals(foldWork([visit('returned', '2026-07-24T02:00:00.000Z')], reviews).deltas)).toEqual({ 'visits_verified@2026-07-22': -1 });
    // A review older than the one standing changes nothing.
    expect(totals(foldWork([visit('verified', '2026-07-23T04:00:00.000Z')], reviews).deltas)).toEqual({});
  });

  it('counts a verified opening step as a verified opened enrollment', () => {
    const step = createEvent(EnrollmentStepReviewedV1, origin('e1', '2026-07-23T02:00:00.000Z'), { ...EnrollmentStepReviewedV1.example, stepNumber: 1, stepState: 'registered', verdict: 'verified' });
    expect(totals(foldWork([step], new Map()).deltas)).toEqual({ 'enrollment_steps_verified@2026-07-22': 1, 'enrollments_opened_verified@2026-07-22': 1 });
  });
});
