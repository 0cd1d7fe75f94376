import type { EventEnvelope } from '@dtc/contracts';
import { rememberCommunes } from '@dtc/messaging';
import type { EntityManager } from 'typeorm';
import { applyEnrollmentFunnel } from '../enrollments/enrollment-funnel.projection';
import { applyPeopleCounts } from '../enrollments/people-counts.projection';
import { applyStreamHeads } from '../freshness/stream-heads.projection';
import { applyFieldFacts } from '../households/field-facts.projection';
import { applyVillageHouseholds } from '../households/village-households.projection';
import { applyPlans } from '../plans/plans.projection';
import { applyWorkDaily } from '../plans/work-daily.projection';
import { applyTeams } from '../teams/teams.projection';
import { applyTraining } from '../training/training.projection';
import { applyVillages } from '../villages/villages.projection';

/** The streams every projection is built from. */
export const PROJECTED_STREAMS = ['household-registry.events', 'enrollment.events', 'training.events'] as const;

/** Every projection, applied to one batch inside one transaction (live consumer and rebuild alike). */
export async function applyProjections(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
  await rememberCommunes(tx, events);
  await applyVillageHouseholds(tx, events);
  await applyFieldFacts(tx, events);
  await applyEnrollmentFunnel(tx, events);
  await applyPeopleCounts(tx, events);
  await applyTraining(tx, events);
  await applyTeams(tx, events);
  await applyVillages(tx, events);
  await applyPlans(tx, events);
  await applyWorkDaily(tx, events);
  // Last: the heads vouch for every projection above.
  await applyStreamHeads(tx, events);
}
