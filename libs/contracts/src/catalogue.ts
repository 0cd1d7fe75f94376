import type { EventDefinition, EventStream } from './define-event';
import {
  HouseholdDigitalCoreSetV1,
  HouseholdMovedV1,
  HouseholdRegisteredV1,
  HouseholdUpdatedV1,
  OrganisationEIdentifiedV1,
  OrganisationRegisteredV1,
  ResidentDeceasedV1,
  ResidentMovedOutV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  VisitRecordedV1,
  VisitReviewedV1,
} from './events/household-registry.events';
import { CommuneOnboardedV1, CommuneRenamedV1, VillageRegisteredV1, VillageRenamedV1 } from './events/commune.events';
import { EnrollmentOpenedV1, EnrollmentStepReviewedV1, EnrollmentTransitionedV1 } from './events/enrollment.events';
import {
  AttendanceRecordedV1,
  SessionCancelledV1,
  SessionHeldV1,
  SessionScheduledV1,
  TeamFormedV1,
  TeamMemberJoinedV1,
  TeamMemberLeftV1,
  TeamVillagesAssignedV1,
  TeamRenamedV1,
  PlanPublishedV1,
  PlanWithdrawnV1,
} from './events/training.events';

/**
 * Every published event version. Adding an event: define it beside its producer's events and
 * list it here. A breaking change is a new version (new type), never an edit of a listed one.
 */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [
  CommuneOnboardedV1,
  CommuneRenamedV1,
  VillageRegisteredV1,
  VillageRenamedV1,
  HouseholdRegisteredV1,
  HouseholdUpdatedV1,
  HouseholdMovedV1,
  HouseholdDigitalCoreSetV1,
  ResidentRegisteredV1,
  ResidentUpdatedV1,
  ResidentMovedOutV1,
  ResidentDeceasedV1,
  VisitRecordedV1,
  VisitReviewedV1,
  OrganisationRegisteredV1,
  OrganisationEIdentifiedV1,
  EnrollmentOpenedV1,
  EnrollmentTransitionedV1,
  EnrollmentStepReviewedV1,
  TeamFormedV1,
  TeamMemberJoinedV1,
  TeamMemberLeftV1,
  TeamVillagesAssignedV1,
  TeamRenamedV1,
  PlanPublishedV1,
  PlanWithdrawnV1,
  SessionScheduledV1,
  SessionHeldV1,
  SessionCancelledV1,
  AttendanceRecordedV1,
];

const byType = new Map(EVENT_CATALOGUE.map((definition) => [definition.type, definition]));

export function findEventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

export function eventsOfStream(stream: EventStream): EventDefinition[] {
  return EVENT_CATALOGUE.filter((definition) => definition.stream === stream);
}

export const EVENT_STREAMS: readonly EventStream[] = ['household-registry.events', 'enrollment.events', 'training.events'];
