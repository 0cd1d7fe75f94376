import { Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';

const producer = 'training';
const stream = 'training.events' as const;
const uuid = () => Type.String({ format: 'uuid' });
const occurredAt = () => Type.String({ format: 'date-time', description: 'When it happened (device time)' });

export const TEAM_KINDS = ['mobile_working_group', 'community_digital_team'] as const;
export const AFFILIATIONS = ['commune_police', 'official', 'teacher', 'village_head', 'youth_union', 'womens_union', 'security_forces', 'student_volunteer', 'digital_technology_team'] as const;
export const AUDIENCES = ['residents', 'officials', 'students', 'workers', 'business_people'] as const;
export const VENUE_TYPES = ['village_cultural_house', 'school', 'mobile_teaching_point', 'other'] as const;
export const ATTENDANCE_OUTCOMES = ['attended', 'completed', 'skill_check_passed'] as const;

const literal = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

const TEAM = '2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f809';
const MEMBER = 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b';
const SESSION = '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
const VILLAGE = '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e';
const AT = '2026-07-22T19:00:00.000Z';

export const TeamFormedV1 = defineEvent({
  type: 'vn.dtc.training.team.formed.v1',
  version: 1,
  stream,
  aggregate: 'team',
  producer,
  description: 'A mobile working group or community digital technology team was formed for an active period.',
  schema: Type.Object(
    {
      teamId: uuid(),
      teamName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Public name of the team (shown on leaderboards; not personal data)' })),
      kind: literal(TEAM_KINDS),
      activeFrom: Type.String({ format: 'date' }),
      activeTo: Type.Optional(Type.String({ format: 'date' })),
      occurredAt: occurredAt(),
    },
    { additionalProperties: false },
  ),
  example: { teamId: TEAM, teamName: 'Tổ công tác số 3', kind: 'mobile_working_group', activeFrom: '2026-07-21', activeTo: '2026-08-31', occurredAt: AT },
});

export const TeamMemberJoinedV1 = defineEvent({
  type: 'vn.dtc.training.team.member-joined.v1',
  version: 1,
  stream,
  aggregate: 'team',
  producer,
  description: 'A member joined a team (ids and affiliation only; names stay in the training service).',
  schema: Type.Object({ teamId: uuid(), memberId: uuid(), affiliation: literal(AFFILIATIONS), occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { teamId: TEAM, memberId: MEMBER, affiliation: 'youth_union', occurredAt: AT },
});

export const TeamMemberLeftV1 = defineEvent({
  type: 'vn.dtc.training.team.member-left.v1',
  version: 1,
  stream,
  aggregate: 'team',
  producer,
  description: 'A member left a team; their history stays.',
  schema: Type.Object({ teamId: uuid(), memberId: uuid(), occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { teamId: TEAM, memberId: MEMBER, occurredAt: AT },
});

export const TeamVillagesAssignedV1 = defineEvent({
  type: 'vn.dtc.training.team.villages-assigned.v1',
  version: 1,
  stream,
  aggregate: 'team',
  producer,
  description: 'The villages a team covers were set (the full list after the change).',
  schema: Type.Object({ teamId: uuid(), villageIds: Type.Array(uuid(), { uniqueItems: true, maxItems: 200 }), occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { teamId: TEAM, villageIds: [VILLAGE], occurredAt: AT },
});

const sessionFacts = {
  sessionId: uuid(),
  topicCode: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }),
  audience: literal(AUDIENCES),
  venueType: literal(VENUE_TYPES),
  villageId: Type.Optional(uuid()),
  teachingPointId: Type.Optional(uuid()),
};

export const SessionScheduledV1 = defineEvent({
  type: 'vn.dtc.training.session.scheduled.v1',
  version: 1,
  stream,
  aggregate: 'session',
  producer,
  description: 'A digital-skills training session was scheduled.',
  schema: Type.Object(
    { ...sessionFacts, startsAt: Type.String({ format: 'date-time' }), capacity: Type.Integer({ minimum: 1, maximum: 1000 }), trainerMemberIds: Type.Array(uuid(), { maxItems: 20 }), occurredAt: occurredAt() },
    { additionalProperties: false },
  ),
  example: { sessionId: SESSION, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', villageId: VILLAGE, startsAt: AT, capacity: 40, trainerMemberIds: [MEMBER], occurredAt: '2026-07-20T08:00:00.000Z' },
});

export const SessionHeldV1 = defineEvent({
  type: 'vn.dtc.training.session.held.v1',
  version: 1,
  stream,
  aggregate: 'session',
  producer,
  description: 'A scheduled session took place.',
  schema: Type.Object({ ...sessionFacts, occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { sessionId: SESSION, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', villageId: VILLAGE, occurredAt: AT },
});

export const SessionCancelledV1 = defineEvent({
  type: 'vn.dtc.training.session.cancelled.v1',
  version: 1,
  stream,
  aggregate: 'session',
  producer,
  description: 'A scheduled session was cancelled.',
  schema: Type.Object({ ...sessionFacts, reason: Type.Optional(Type.String({ maxLength: 300 })), occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { sessionId: SESSION, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', villageId: VILLAGE, reason: 'Mưa bão', occurredAt: AT },
});

export const AttendanceRecordedV1 = defineEvent({
  type: 'vn.dtc.training.attendance.recorded.v1',
  version: 1,
  stream,
  aggregate: 'session',
  producer,
  description: 'A registered resident or a walk-in attended a session, with the outcome (attended, completed, skill check passed).',
  schema: Type.Object(
    {
      attendanceId: uuid(),
      ...sessionFacts,
      residentId: Type.Optional(uuid()),
      walkInId: Type.Optional(uuid()),
      outcome: literal(ATTENDANCE_OUTCOMES),
      occurredAt: occurredAt(),
    },
    { additionalProperties: false },
  ),
  example: {
    attendanceId: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b',
    sessionId: SESSION,
    topicCode: 'vneid',
    audience: 'residents',
    venueType: 'village_cultural_house',
    villageId: VILLAGE,
    residentId: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34',
    outcome: 'skill_check_passed',
    occurredAt: AT,
  },
});

export const TeamRenamedV1 = defineEvent({
  type: 'vn.dtc.training.team.renamed.v1',
  version: 1,
  stream,
  aggregate: 'team',
  producer,
  description: "A team's public name changed.",
  schema: Type.Object({ teamId: uuid(), teamName: Type.String({ minLength: 1, maxLength: 200 }), occurredAt: occurredAt() }, { additionalProperties: false }),
  example: { teamId: TEAM, teamName: 'Tổ công tác số 3 (thôn Đông)', occurredAt: AT },
});

const PLAN = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b';

/**
 * A micro-plan's full state at one version: which team covers which villages (or listed
 * households) between two Vietnam days, with daily targets. Every change (targets, dates, villages,
 * reassignment to another team) publishes the next version in full; subject = plan id.
 */
export const PlanPublishedV1 = defineEvent({
  type: 'vn.dtc.training.plan.published.v1',
  version: 1,
  stream,
  aggregate: 'plan',
  producer,
  description: "A micro-plan was published or changed: the team, villages or listed households, the date range and the daily targets, at one version (full state).",
  schema: Type.Object(
    {
      planId: uuid(),
      version: Type.Integer({ minimum: 1 }),
      teamId: uuid(),
      previousTeamId: Type.Optional(uuid()),
      startsOn: Type.String({ format: 'date', description: 'First Vietnam day of the plan' }),
      endsOn: Type.String({ format: 'date', description: 'Last Vietnam day of the plan' }),
      villageIds: Type.Array(uuid(), { uniqueItems: true, maxItems: 200 }),
      householdIds: Type.Array(uuid(), { uniqueItems: true, maxItems: 5000, description: 'Listed households (in addition to whole villages)' }),
      householdsPerDay: Type.Integer({ minimum: 0, maximum: 10000, description: 'Households to visit a day (the whole team)' }),
      enrollmentsPerDay: Type.Array(
        Type.Object({ serviceCode: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }), perDay: Type.Integer({ minimum: 0, maximum: 10000 }) }, { additionalProperties: false }),
        { maxItems: 50, description: 'Enrollments to open a day per service (the whole team)' },
      ),
      occurredAt: occurredAt(),
    },
    { additionalProperties: false },
  ),
  example: {
    planId: PLAN,
    version: 2,
    teamId: TEAM,
    previousTeamId: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    startsOn: '2026-07-21',
    endsOn: '2026-08-31',
    villageIds: [VILLAGE],
    householdIds: [],
    householdsPerDay: 25,
    enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 40 }],
    occurredAt: AT,
  },
});

export const PlanWithdrawnV1 = defineEvent({
  type: 'vn.dtc.training.plan.withdrawn.v1',
  version: 1,
  stream,
  aggregate: 'plan',
  producer,
  description: 'A micro-plan was withdrawn: its villages and households are no longer assigned and its targets no longer count from that day.',
  schema: Type.Object(
    { planId: uuid(), version: Type.Integer({ minimum: 1 }), teamId: uuid(), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), occurredAt: occurredAt() },
    { additionalProperties: false },
  ),
  example: { planId: PLAN, version: 3, teamId: TEAM, reason: 'Thôn đã hoàn thành', occurredAt: AT },
});
