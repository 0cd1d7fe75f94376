import {
  createEvent,
  EnrollmentOpenedV1,
  EnrollmentTransitionedV1,
  HouseholdDigitalCoreSetV1,
  HouseholdRegisteredV1,
  OrganisationEIdentifiedV1,
  OrganisationRegisteredV1,
  ResidentRegisteredV1,
  AttendanceRecordedV1,
  SessionHeldV1,
  TeamFormedV1,
  TeamMemberJoinedV1,
  VisitRecordedV1,
  type EventEnvelope,
} from '@dtc/contracts';
import { randomUUID } from 'node:crypto';
import { Partitioners, type Producer } from 'kafkajs';
import { testKafka } from './kafka-probe';

/**
 * Synthetic but realistic field event streams, as the registry, enrollment and training services
 * publish them, sent straight to a run's topics through the real broker. Reporting tests use
 * them to drive tens of thousands of events with known answers; the benchmark (tools/bench)
 * uses them for the history it replays.
 */
export interface Village {
  id: string;
  code: string;
  name: string;
}

export interface Resident {
  id: string;
  householdId: string;
  village: Village;
  birthYear: number;
  birthMonth: number;
}

const STREAMS: Array<[prefix: string, stream: string]> = [
  ['vn.dtc.registry.', 'household-registry.events'],
  ['vn.dtc.enrollment.', 'enrollment.events'],
  ['vn.dtc.training.', 'training.events'],
];

export function at(day: string, hour = 9): string {
  // Vietnam is UTC+7: 09:00 local on `day` is 02:00 UTC the same day.
  return new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 7) * 3600000).toISOString();
}

export class FieldStream {
  readonly events: EventEnvelope[] = [];

  constructor(
    readonly commune: string,
    readonly province: string,
  ) {}

  private add<E extends EventEnvelope>(event: E): E {
    this.events.push(event);
    return event;
  }

  private origin(subject: string, occurredAt: string) {
    return { tenant: this.commune, province: this.province, subject, time: occurredAt };
  }

  village(code: string, name: string): Village {
    return { id: randomUUID(), code, name };
  }

  household(village: Village, day: string): string {
    const householdId = randomUUID();
    this.add(createEvent(HouseholdRegisteredV1, this.origin(householdId, at(day)), { householdId, villageId: village.id, villageCode: village.code, villageName: village.name, occurredAt: at(day) }));
    return householdId;
  }

  resident(householdId: string, village: Village, birthYear: number, birthMonth: number, ownsSmartphone = false, day = '2026-07-01'): Resident {
    const residentId = randomUUID();
    this.add(
      createEvent(ResidentRegisteredV1, this.origin(residentId, at(day)), {
        residentId,
        householdId,
        villageId: village.id,
        sex: residentId.charCodeAt(0) % 2 ? 'male' : 'female',
        birthYear,
        birthMonth,
        ownsSmartphone,
        occurredAt: at(day),
      }),
    );
    return { id: residentId, householdId, village, birthYear, birthMonth };
  }

  visit(householdId: string, village: Village, day: string, obstacles: Array<'no_smartphone' | 'no_signal' | 'elderly' | 'absent'> = [], team?: { teamId: string; memberId: string }): void {
    this.add(
      createEvent(VisitRecordedV1, this.origin(householdId, at(day)), {
        visitId: randomUUID(),
        householdId,
        villageId: village.id,
        ...(team ?? {}),
        outcome: obstacles.length ? 'partly_done' : 'done',
        obstacles,
        occurredAt: at(day),
      }),
    );
  }

  digitalCore(householdId: string, village: Village, residentId: string, day: string): void {
    this.add(createEvent(HouseholdDigitalCoreSetV1, this.origin(householdId, at(day)), { householdId, villageId: village.id, residentId, occurredAt: at(day), version: 2 }));
  }

  organisation(village: Village, identifiedOn: string | null): void {
    const organisationId = randomUUID();
    this.add(createEvent(OrganisationRegisteredV1, this.origin(organisationId, at('2026-07-01')), { organisationId, villageId: village.id, kind: 'cooperative', eIdStatus: 'none', occurredAt: at('2026-07-01') }));
    if (identifiedOn) this.add(createEvent(OrganisationEIdentifiedV1, this.origin(organisationId, at(identifiedOn)), { organisationId, villageId: village.id, occurredAt: at(identifiedOn), version: 2 }));
  }

  team(memberCount: number): { teamId: string; members: string[] } {
    const teamId = randomUUID();
    this.add(createEvent(TeamFormedV1, this.origin(teamId, at('2026-07-15')), { teamId, kind: 'mobile_working_group', activeFrom: '2026-07-15', activeTo: '2026-08-31', occurredAt: at('2026-07-15') }));
    const members = Array.from({ length: memberCount }, () => randomUUID());
    for (const memberId of members) this.add(createEvent(TeamMemberJoinedV1, this.origin(teamId, at('2026-07-15')), { teamId, memberId, affiliation: 'youth_union', occurredAt: at('2026-07-15') }));
    return { teamId, members };
  }

  /** A training session held in a village, attended by residents; every second one passes the skill check. */
  session(village: Village, day: string, topicCode: string, attendees: Resident[]): void {
    const sessionId = randomUUID();
    const facts = { sessionId, topicCode, audience: 'residents' as const, venueType: 'village_cultural_house' as const, villageId: village.id };
    this.add(createEvent(SessionHeldV1, this.origin(sessionId, at(day, 19)), { ...facts, occurredAt: at(day, 19) }));
    attendees.forEach((resident, i) =>
      this.add(createEvent(AttendanceRecordedV1, this.origin(sessionId, at(day, 19)), { attendanceId: randomUUID(), ...facts, residentId: resident.id, outcome: i % 2 ? 'completed' : 'skill_check_passed', occurredAt: at(day, 19) })),
    );
  }

  /** An enrollment opened in its first state, then moved through `next` states on later days. */
  enrollment(resident: Resident, serviceCode: string, states: Array<[state: string, day: string]>, team?: { teamId: string; memberId: string }): EventEnvelope[] {
    const enrollmentId = randomUUID();
    const context = { enrollmentId, serviceCode, subjectType: 'resident' as const, residentId: resident.id, villageId: resident.village.id, ...(team ?? {}), birthYear: resident.birthYear };
    const [[first, firstDay], ...rest] = states;
    const events: EventEnvelope[] = [this.add(createEvent(EnrollmentOpenedV1, this.origin(enrollmentId, at(firstDay)), { ...context, state: first, occurredAt: at(firstDay), recordedAt: at(firstDay, 17) }))];
    let from = first;
    for (const [to, day] of rest) {
      events.push(this.add(createEvent(EnrollmentTransitionedV1, this.origin(enrollmentId, at(day)), { ...context, from, to, occurredAt: at(day), recordedAt: at(day, 17) })));
      from = to;
    }
    return events;
  }
}

export function topicOf(prefix: string, event: EventEnvelope): string {
  const match = STREAMS.find(([typePrefix]) => event.type.startsWith(typePrefix));
  if (!match) throw new Error(`no stream for ${event.type}`);
  return `${prefix}${match[1]}`;
}

/** Sends events to their topics keyed by subject (one aggregate, one partition, in order), with extra headers if given. */
export async function publish(prefix: string, events: EventEnvelope[], headers: Record<string, string> = {}): Promise<void> {
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await publishWith(producer, prefix, events, 2000, headers);
  } finally {
    await producer.disconnect();
  }
}

/** Like publish, with the caller's producer (many calls, one connection). */
export async function publishWith(producer: Producer, prefix: string, events: EventEnvelope[], chunk = 2000, headers: Record<string, string> = {}): Promise<void> {
  const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
  for (const event of events) {
    const topic = topicOf(prefix, event);
    const list = byTopic.get(topic) ?? [];
    list.push({ key: event.subject, value: JSON.stringify(event), headers: { ce_id: event.id, ce_type: event.type, ...headers } });
    byTopic.set(topic, list);
  }
  for (const [topic, messages] of byTopic) {
    for (let i = 0; i < messages.length; i += chunk) await producer.send({ topic, messages: messages.slice(i, i + chunk) });
  }
}
