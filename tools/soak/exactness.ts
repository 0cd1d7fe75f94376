import { query } from '@dtc/testkit';
import { compareCounts, PROJECTED, projectionCounts, sourceCounts } from '../../tests/faults/support/exactness';
import type { FaultPlatform } from '../../tests/faults/support/platform';
import { activeProjectionSchema } from '../../tests/support/services';
import { householdDifference, type AcknowledgedHousehold, type ProjectedHousehold } from './households';

export interface PlatformCheck {
  eventsWritten: number;
  eventsApplied: number;
  countsDuplicated: number;
  countsMissing: number;
  /** Reporting's facts per acknowledged household id. */
  projected: Map<string, ProjectedHousehold>;
  problems: string[];
}

/**
 * The fault suite's exactness checks (tests/faults/support/exactness.ts), as measurements rather
 * than assertions: the soak reports what it found instead of stopping at the first difference.
 * Waits (with a deadline) for the platform to catch up first: no enrollment waiting for its
 * resident, empty outboxes, every written event among the projections' applied batches.
 */
export async function checkPlatform(platform: FaultPlatform, households: readonly AcknowledgedHousehold[], timeoutMs: number): Promise<PlatformCheck> {
  const registry = `t_${platform.runId}_registry`;
  const enrollment = `t_${platform.runId}_enrollment`;
  const reporting = platform.live('reporting')[0];
  const projection = await activeProjectionSchema(reporting);
  const problems: string[] = [];

  const written = async () => {
    const rows = await query<{ event_id: string; topic: string; published: boolean }>(
      `select event_id, topic, published_at is not null as published from "${registry}".outbox union all select event_id, topic, published_at is not null as published from "${enrollment}".outbox`,
    );
    return rows;
  };
  const appliedIds = async () =>
    new Set((await query<{ event_id: string }>(`select unnest(event_ids) as event_id from "${projection}".applied_batches where consumer = 'reporting-projections'`)).map((row) => row.event_id));

  const deadline = Date.now() + timeoutMs;
  let caughtUp = false;
  while (!caughtUp && Date.now() < deadline) {
    const [{ waiting }] = await query<{ waiting: number }>(`select count(*)::int as waiting from "${enrollment}".enrollments where validation = 'pending_subject'`);
    const rows = await written();
    const applied = await appliedIds();
    caughtUp = waiting === 0 && rows.every((row) => row.published) && rows.filter(projected).every((row) => applied.has(row.event_id));
    if (!caughtUp) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (!caughtUp) problems.push(`the platform had not caught up ${Math.round(timeoutMs / 1000)} s after the phones stopped`);

  const events = (await written()).filter(projected);
  const applied = await appliedIds();
  const [source, counted] = await Promise.all([sourceCounts(registry, enrollment), projectionCounts(projection)]);
  const { duplicates, lost } = compareCounts(source, counted);
  return {
    eventsWritten: events.length,
    eventsApplied: events.filter((row) => applied.has(row.event_id)).length,
    countsDuplicated: duplicates,
    countsMissing: lost,
    projected: await projectedHouseholds(projection, households),
    problems,
  };
}

function projected(row: { topic: string }): boolean {
  return PROJECTED.some((stream) => row.topic.endsWith(stream));
}

async function projectedHouseholds(projection: string, households: readonly AcknowledgedHousehold[]): Promise<Map<string, ProjectedHousehold>> {
  const result = new Map<string, ProjectedHousehold>(households.map((household) => [household.householdId, { livingResidents: 0 }]));
  const uuid = (id: string) => /^[0-9a-f-]{36}$/i.test(id);
  const householdIds = households.map((h) => h.householdId).filter(uuid);
  const enrollmentOf = new Map(households.map((h) => [h.enrollmentId, h.householdId]));
  for (const row of await query<{ household_id: string; visits: number }>(`select household_id, visits from "${projection}".household_facts where household_id = any($1::uuid[])`, [householdIds])) {
    result.get(row.household_id)!.visits = row.visits;
  }
  for (const row of await query<{ household_id: string; n: number }>(`select household_id, count(*)::int as n from "${projection}".resident_facts where living and household_id = any($1::uuid[]) group by household_id`, [householdIds])) {
    result.get(row.household_id)!.livingResidents = row.n;
  }
  const enrollmentIds = households.map((h) => h.enrollmentId).filter(uuid);
  for (const row of await query<{ enrollment_id: string; state: string }>(`select enrollment_id, state from "${projection}".resident_enrollments where enrollment_id = any($1::uuid[])`, [enrollmentIds])) {
    const household = result.get(enrollmentOf.get(row.enrollment_id)!);
    if (household) household.enrollmentState = row.state;
  }
  return result;
}

export { householdDifference };
