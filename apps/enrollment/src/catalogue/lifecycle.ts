/** Terminal states every service shares besides the end of its own happy path. */
export const REJECTED = 'rejected';
export const CANCELLED = 'cancelled';

export interface Lifecycle {
  /** Ordered happy path, e.g. registered -> issued -> activated. */
  states: string[];
}

export function initialState(lifecycle: Lifecycle): string {
  return lifecycle.states[0];
}

export function isFinal(lifecycle: Lifecycle, state: string): boolean {
  return state === REJECTED || state === CANCELLED || state === lifecycle.states[lifecycle.states.length - 1];
}

/** The next happy-path step, or rejected/cancelled, from any open state; nothing from a final one. */
export function allowedTransitions(lifecycle: Lifecycle, from: string): string[] {
  if (isFinal(lifecycle, from)) return [];
  const index = lifecycle.states.indexOf(from);
  if (index < 0) return [];
  return [lifecycle.states[index + 1], REJECTED, CANCELLED];
}

/**
 * Age in whole years on a Vietnam day (YYYY-MM-DD), from birth year and month (the day is not
 * known outside the registry, so the birthday month counts).
 */
export function ageOn(day: string, birthYear: number, birthMonth: number): number {
  const months = (Number(day.slice(0, 4)) - birthYear) * 12 + (Number(day.slice(5, 7)) - birthMonth);
  return Math.floor(months / 12);
}
