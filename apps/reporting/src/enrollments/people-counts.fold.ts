import { EnrollmentOpenedV1, EnrollmentTransitionedV1, type EventData, type EventEnvelope } from '@dtc/contracts';
import { NO_ID, vietnamDay } from '../projections/buckets';

/** Enrollment state entries of one service detail (e.g. public_service_app "iHanoi"), per key and day. */
export interface DetailEntry {
  communeCode: string;
  provinceCode: string;
  villageId: string;
  serviceCode: string;
  detail: string;
  teamId: string;
  memberId: string;
  day: string;
  state: string;
  entered: number;
}

/** Enrollment steps taken with one resident on one day (any service). */
export interface SupportDay {
  residentId: string;
  day: string;
  communeCode: string;
  provinceCode: string;
  villageId: string;
  steps: number;
}

/** The latest state of one resident's enrollment, as far as this batch tells. */
export interface EnrollmentState {
  enrollmentId: string;
  residentId: string;
  communeCode: string;
  provinceCode: string;
  serviceCode: string;
  openedDay: string | null;
  state: string;
  stateDay: string;
  stateAt: string;
}

export interface PeopleCountsFold {
  details: DetailEntry[];
  supportDays: SupportDay[];
  enrollments: EnrollmentState[];
}

type Step = EventData<typeof EnrollmentOpenedV1> | EventData<typeof EnrollmentTransitionedV1>;

const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);

/**
 * Folds a batch of enrollment steps (opened, transitioned) into the detail, resident-support
 * and latest-state projections. Every output is a delta or a "latest wins" row, so folding the
 * topics again in a rebuild gives the same tables. Rows are sorted by key (stable lock order).
 */
export function foldPeopleCounts(events: EventEnvelope[]): PeopleCountsFold {
  const details = new Map<string, DetailEntry>();
  const supportDays = new Map<string, SupportDay>();
  const enrollments = new Map<string, EnrollmentState>();
  for (const event of events) {
    const opened = event.type === EnrollmentOpenedV1.type;
    if (!opened && event.type !== EnrollmentTransitionedV1.type) continue;
    const data = event.data as Step;
    const state = opened ? (data as EventData<typeof EnrollmentOpenedV1>).state : (data as EventData<typeof EnrollmentTransitionedV1>).to;
    const day = vietnamDay(data.occurredAt);
    if (data.detail) {
      const entry: DetailEntry = { communeCode: event.tenant, provinceCode: event.province, villageId: data.villageId, serviceCode: data.serviceCode, detail: data.detail, teamId: data.teamId ?? NO_ID, memberId: data.memberId ?? NO_ID, day, state, entered: 0 };
      const key = [entry.communeCode, entry.villageId, entry.serviceCode, entry.detail, entry.teamId, entry.memberId, entry.day, entry.state].join('|');
      const existing = details.get(key) ?? entry;
      existing.entered += 1;
      details.set(key, existing);
    }
    if (data.subjectType !== 'resident' || !data.residentId) continue;
    const supportKey = `${data.residentId}|${day}`;
    const support = supportDays.get(supportKey) ?? { residentId: data.residentId, day, communeCode: event.tenant, provinceCode: event.province, villageId: data.villageId, steps: 0 };
    support.steps += 1;
    supportDays.set(supportKey, support);
    const previous = enrollments.get(data.enrollmentId);
    // Later steps of the same enrollment win; a step dated earlier than the one kept does not (devices sync late).
    if (previous && previous.stateAt > data.occurredAt) {
      if (opened) previous.openedDay = day;
      continue;
    }
    enrollments.set(data.enrollmentId, {
      enrollmentId: data.enrollmentId,
      residentId: data.residentId,
      communeCode: event.tenant,
      provinceCode: event.province,
      serviceCode: data.serviceCode,
      openedDay: opened ? day : (previous?.openedDay ?? null),
      state,
      stateDay: day,
      stateAt: data.occurredAt,
    });
  }
  return { details: byKey(details), supportDays: byKey(supportDays), enrollments: byKey(enrollments) };
}
