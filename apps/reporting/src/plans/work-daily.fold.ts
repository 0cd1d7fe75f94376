import { EnrollmentOpenedV1, EnrollmentStepReviewedV1, VisitReviewedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import { NO_ID, vietnamDay } from '../projections/buckets';
import { addTo } from '../projections/upsert';

/**
 * Work counted per commune, village, team, member and Vietnam day (the day it happened on the
 * ground, not the day it was reviewed): enrollments opened, and what a commune admin verified.
 */
export const WORK_MEASURES = ['enrollments_opened', 'visits_verified', 'enrollments_opened_verified', 'enrollment_steps_verified'] as const;
export type WorkMeasure = (typeof WORK_MEASURES)[number];

export interface WorkDelta {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  teamId: string;
  memberId: string;
  day: string;
  measure: WorkMeasure;
  serviceCode: string;
  state: string;
  value: number;
}

/** The current verdict on one visit, or on one step of an enrollment (stepNumber 0 for a visit). */
export interface Review {
  key: string;
  communeCode: string;
  provinceCode: string;
  villageId: string;
  teamId: string;
  memberId: string;
  /** When the reviewed work happened: its day is the day the verified figure counts on. */
  happenedAt: string;
  verdict: string;
  reviewedAt: string;
  serviceCode: string;
  state: string;
  stepNumber: number;
  subjectId: string;
}

export function visitKey(visitId: string): string {
  return `visit:${visitId}`;
}

export function stepKey(enrollmentId: string, stepNumber: number): string {
  return `step:${enrollmentId}:${stepNumber}`;
}

/** Keys of the stored reviews a batch needs before it can be folded. */
export function reviewKeys(events: EventEnvelope[]): string[] {
  const keys = new Set<string>();
  for (const event of events) {
    if (event.type === VisitReviewedV1.type) keys.add(visitKey((event.data as EventData<typeof VisitReviewedV1>).visitId));
    if (event.type === EnrollmentStepReviewedV1.type) {
      const data = event.data as EventData<typeof EnrollmentStepReviewedV1>;
      keys.add(stepKey(data.enrollmentId, data.stepNumber));
    }
  }
  return [...keys].sort();
}

/**
 * Folds a batch: the latest review of each visit or step stands (by when it was made; a review
 * older than the stored one changes nothing), and the verified counters move by "contribution
 * after - contribution before", so a later 'returned' takes back what a 'verified' added.
 */
export function foldWork(events: EventEnvelope[], reviews: Map<string, Review>): { deltas: Map<string, WorkDelta>; changed: Review[] } {
  const deltas = new Map<string, WorkDelta>();
  const changed = new Set<string>();
  const count = (r: Omit<Review, 'key' | 'verdict' | 'reviewedAt' | 'stepNumber' | 'subjectId'>, measure: WorkMeasure, value: number) => {
    const day = vietnamDay(r.happenedAt);
    const key = [r.communeCode, r.villageId, r.teamId, r.memberId, day, measure, r.serviceCode, r.state].join('|');
    addTo(deltas, key, () => ({ communeCode: r.communeCode, provinceCode: r.provinceCode, villageId: r.villageId, teamId: r.teamId, memberId: r.memberId, day, measure, serviceCode: r.serviceCode, state: r.state, value: 0 }), (d) => (d.value += value));
  };
  const contribute = (r: Review, sign: number) => {
    if (r.verdict !== 'verified') return;
    if (r.stepNumber === 0) count(r, 'visits_verified', sign);
    else {
      count(r, 'enrollment_steps_verified', sign);
      if (r.stepNumber === 1) count({ ...r, state: '' }, 'enrollments_opened_verified', sign);
    }
  };
  const review = (next: Review) => {
    const before = reviews.get(next.key);
    if (before && Date.parse(next.reviewedAt) < Date.parse(before.reviewedAt)) return;
    if (before) contribute(before, -1);
    contribute(next, +1);
    reviews.set(next.key, next);
    changed.add(next.key);
  };
  for (const event of events) {
    const where = { communeCode: event.tenant, provinceCode: event.province };
    if (event.type === EnrollmentOpenedV1.type) {
      const data = event.data as EventData<typeof EnrollmentOpenedV1>;
      count({ ...where, villageId: data.villageId, teamId: data.teamId ?? NO_ID, memberId: data.memberId ?? NO_ID, happenedAt: data.occurredAt, serviceCode: data.serviceCode, state: '' }, 'enrollments_opened', 1);
    } else if (event.type === VisitReviewedV1.type) {
      const data = event.data as EventData<typeof VisitReviewedV1>;
      review({
        key: visitKey(data.visitId),
        ...where,
        villageId: data.villageId,
        teamId: data.teamId ?? NO_ID,
        memberId: data.memberId ?? NO_ID,
        happenedAt: new Date(data.visitedAt).toISOString(),
        verdict: data.verdict,
        reviewedAt: new Date(data.occurredAt).toISOString(),
        serviceCode: '',
        state: '',
        stepNumber: 0,
        subjectId: data.householdId,
      });
    } else if (event.type === EnrollmentStepReviewedV1.type) {
      const data = event.data as EventData<typeof EnrollmentStepReviewedV1>;
      review({
        key: stepKey(data.enrollmentId, data.stepNumber),
        ...where,
        villageId: data.villageId,
        teamId: data.teamId ?? NO_ID,
        memberId: data.memberId ?? NO_ID,
        happenedAt: new Date(data.stepOccurredAt).toISOString(),
        verdict: data.verdict,
        reviewedAt: new Date(data.occurredAt).toISOString(),
        serviceCode: data.serviceCode,
        state: data.stepState,
        stepNumber: data.stepNumber,
        subjectId: data.enrollmentId,
      });
    }
  }
  return { deltas, changed: [...changed].sort().map((key) => reviews.get(key)!) };
}
