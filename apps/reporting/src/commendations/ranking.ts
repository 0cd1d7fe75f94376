/** The figures a commendation is justified by. */
export interface Figures {
  householdsVisited: number;
  enrollmentsOpened: number;
  enrollmentsCompleted: number;
}

export type Ranked<T> = T & { rank: number };

/**
 * Ranks by households visited, then enrollments opened, then completed (most first); equal
 * figures share a rank (1, 1, 3) and are listed by id so the order never flickers. Entries
 * with nothing done are not ranked; at most `limit` are returned (ties at the cut included only up to it).
 */
export function rankByFigures<T extends Figures & { id: string }>(entries: T[], limit: number): Array<Ranked<T>> {
  const done = entries.filter((e) => e.householdsVisited + e.enrollmentsOpened + e.enrollmentsCompleted > 0);
  const compare = (a: Figures, b: Figures) => b.householdsVisited - a.householdsVisited || b.enrollmentsOpened - a.enrollmentsOpened || b.enrollmentsCompleted - a.enrollmentsCompleted;
  const sorted = [...done].sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ranked: Array<Ranked<T>> = [];
  sorted.forEach((entry, i) => {
    const rank = i > 0 && compare(sorted[i - 1], entry) === 0 ? ranked[i - 1].rank : i + 1;
    ranked.push({ ...entry, rank });
  });
  return ranked.slice(0, limit);
}

/** Share of the plan achieved, one decimal; null without a plan. */
export function percentOfPlan(done: number, planned: number | null): number | null {
  if (!planned) return null;
  return Math.round((done / planned) * 1000) / 10;
}
