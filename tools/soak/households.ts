import type { AcknowledgedHousehold } from '../../tests/faults/support/field-load';

/** What reporting holds about one household the phones uploaded (undefined fields: nothing). */
export interface ProjectedHousehold {
  visits?: number;
  livingResidents: number;
  enrollmentState?: string;
}

/** Each uploaded household: registered once, two living residents, two visits, one enrollment issued. */
export const EXPECTED_VISITS = 2;
export const EXPECTED_RESIDENTS = 2;

/**
 * How far reporting's facts about one acknowledged household are from what the phone was told
 * was accepted: facts missing (lost) and facts beyond it (counted twice).
 */
export function householdDifference(projected: ProjectedHousehold): { lost: number; countedTwice: number } {
  const visits = projected.visits;
  const lost =
    (visits === undefined ? 1 : 0) +
    Math.max(0, EXPECTED_VISITS - (visits ?? 0)) +
    Math.max(0, EXPECTED_RESIDENTS - projected.livingResidents) +
    (projected.enrollmentState === 'issued' ? 0 : 1);
  const countedTwice = Math.max(0, (visits ?? 0) - EXPECTED_VISITS) + Math.max(0, projected.livingResidents - EXPECTED_RESIDENTS);
  return { lost, countedTwice };
}

export type { AcknowledgedHousehold };
