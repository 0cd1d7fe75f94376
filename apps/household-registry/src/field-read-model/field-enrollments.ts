import { EnrollmentOpenedV1, EnrollmentTransitionedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import type { EntityManager } from 'typeorm';

/** One enrollment's state as an opened or transitioned event states it. */
export interface EnrollmentState {
  enrollmentId: string;
  communeCode: string;
  residentId: string;
  serviceCode: string;
  state: string;
  stateAt: string;
  kind: 'opened' | 'transitioned';
}

/** The state an opened or transitioned event of a resident's enrollment states, or undefined for anything else. */
export function enrollmentStateOf(event: EventEnvelope): EnrollmentState | undefined {
  if (event.type !== EnrollmentOpenedV1.type && event.type !== EnrollmentTransitionedV1.type) return undefined;
  const data = event.data as EventData<typeof EnrollmentOpenedV1> & Partial<EventData<typeof EnrollmentTransitionedV1>>;
  if (data.subjectType !== 'resident' || !data.residentId) return undefined;
  const opened = event.type === EnrollmentOpenedV1.type;
  return {
    enrollmentId: data.enrollmentId,
    communeCode: event.tenant,
    residentId: data.residentId,
    serviceCode: data.serviceCode,
    state: opened ? data.state : data.to!,
    stateAt: data.occurredAt,
    kind: opened ? 'opened' : 'transitioned',
  };
}

/** Later or as late: a transition applies over a row whose state is not newer (a redelivery changes nothing). */
const notNewer = (row: EnrollmentState, than: EnrollmentState) => Date.parse(row.stateAt) <= Date.parse(than.stateAt);

/**
 * What a run of opened and transitioned events, applied one by one in order, leaves in
 * field_enrollments, as two sets of rows: `ifAbsent`, the row each enrollment ends with when it had
 * none before the run (an opening inserts, a transition inserts or moves a state that is not newer),
 * and `latest`, the transition that wins over a row that was already there (the latest stateAt, the
 * last of equals). Inserting `ifAbsent` without overwriting and then applying `latest` with the
 * one-by-one guard gives the same rows as the events one by one, whatever was there before.
 */
export function foldEnrollmentStates(states: readonly EnrollmentState[]): { ifAbsent: EnrollmentState[]; latest: EnrollmentState[] } {
  const ifAbsent = new Map<string, EnrollmentState>();
  const latest = new Map<string, EnrollmentState>();
  for (const state of states) {
    const absentSoFar = ifAbsent.get(state.enrollmentId);
    if (!absentSoFar || (state.kind === 'transitioned' && notNewer(absentSoFar, state))) ifAbsent.set(state.enrollmentId, state);
    if (state.kind !== 'transitioned') continue;
    const winner = latest.get(state.enrollmentId);
    if (!winner || notNewer(winner, state)) latest.set(state.enrollmentId, state);
  }
  // Enrollment order: concurrent batches lock shared rows in the same order.
  const sorted = (rows: Map<string, EnrollmentState>) => [...rows.values()].sort((a, b) => (a.enrollmentId < b.enrollmentId ? -1 : a.enrollmentId > b.enrollmentId ? 1 : 0));
  return { ifAbsent: sorted(ifAbsent), latest: sorted(latest) };
}

const columns = (rows: readonly EnrollmentState[]) => [rows.map((row) => row.enrollmentId), rows.map((row) => row.communeCode), rows.map((row) => row.residentId), rows.map((row) => row.serviceCode), rows.map((row) => row.state), rows.map((row) => row.stateAt)];
const ROWS = 'select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])';

/**
 * Applies a run of opened and transitioned events in at most two statements instead of one per
 * event, with the rows the events one by one would leave (foldEnrollmentStates). A transition that
 * was itself the inserted row is not applied again.
 */
export async function applyEnrollmentStates(tx: EntityManager, states: readonly EnrollmentState[]): Promise<void> {
  if (states.length === 0) return;
  const { ifAbsent, latest } = foldEnrollmentStates(states);
  const inserted: Array<{ enrollment_id: string }> = await tx.query(
    `insert into field_enrollments (enrollment_id, commune_code, resident_id, service_code, state, state_at) ${ROWS}
     on conflict (enrollment_id) do nothing returning enrollment_id`,
    columns(ifAbsent),
  );
  const insertedAs = new Map(ifAbsent.map((row) => [row.enrollmentId, row]));
  const insertedIds = new Set(inserted.map((row) => row.enrollment_id));
  const over = latest.filter((row) => !(insertedIds.has(row.enrollmentId) && insertedAs.get(row.enrollmentId) === row));
  if (over.length === 0) return;
  // A later step answers a return: the return is cleared once the enrollment moves on after it.
  await tx.query(
    `insert into field_enrollments (enrollment_id, commune_code, resident_id, service_code, state, state_at) ${ROWS}
     on conflict (enrollment_id) do update set state = excluded.state, state_at = excluded.state_at,
       returned_reason = case when field_enrollments.reviewed_at < excluded.state_at then null else field_enrollments.returned_reason end
     where field_enrollments.state_at <= excluded.state_at`,
    columns(over),
  );
}
