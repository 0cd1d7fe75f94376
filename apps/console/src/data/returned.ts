import type { ReturnedStep, ReturnedVisit } from './api';
import type { MemberSyncHealth } from './sync-health';

/** One thing a member must go back to: a visit or an enrollment step returned on review. */
export type ReturnedItem = { kind: 'visit'; returnedAt: string; reason: string | null; visit: ReturnedVisit } | { kind: 'step'; returnedAt: string; reason: string | null; step: ReturnedStep };

/** A member's share of the review: what was returned to them and what their phones had refused. */
export interface MemberReturns {
  /** undefined: recorded without a member (an official's own entry, or an old phone) */
  memberId?: string;
  visits: number;
  steps: number;
  /** uploads refused over the sync-health window */
  refused: number;
  /** the oldest still waiting: how long this member has had work to redo */
  oldestReturnedAt?: string;
  items: ReturnedItem[];
}

/**
 * Per member: visits and steps returned and not yet redone, with the uploads their phones had
 * refused; the members with most to redo first, then those with refusals only. Items newest first.
 */
export function returnsByMember(visits: ReturnedVisit[], steps: ReturnedStep[], health: MemberSyncHealth[]): MemberReturns[] {
  const members = new Map<string, MemberReturns>();
  const rowOf = (memberId: string | null | undefined) => {
    const key = memberId ?? '';
    const row = members.get(key) ?? { memberId: memberId ?? undefined, visits: 0, steps: 0, refused: 0, items: [] };
    members.set(key, row);
    return row;
  };
  for (const visit of visits) {
    const row = rowOf(visit.memberId);
    row.visits += 1;
    row.items.push({ kind: 'visit', returnedAt: visit.returnedAt, reason: visit.reason ?? null, visit });
  }
  for (const step of steps) {
    const row = rowOf(step.memberId);
    row.steps += 1;
    row.items.push({ kind: 'step', returnedAt: step.returnedAt, reason: step.reason ?? null, step });
  }
  for (const member of health) if (member.refused > 0) rowOf(member.memberId).refused = member.refused;
  for (const row of members.values()) {
    row.items.sort((a, b) => Date.parse(b.returnedAt) - Date.parse(a.returnedAt));
    row.oldestReturnedAt = row.items.at(-1)?.returnedAt;
  }
  const toRedo = (row: MemberReturns) => row.visits + row.steps;
  const unnamedLast = (row: MemberReturns) => (row.memberId === undefined ? 1 : 0);
  return [...members.values()].sort((a, b) => toRedo(b) - toRedo(a) || b.refused - a.refused || unnamedLast(a) - unnamedLast(b) || (a.memberId ?? '').localeCompare(b.memberId ?? ''));
}
