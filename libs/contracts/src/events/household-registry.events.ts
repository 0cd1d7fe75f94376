import { Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';

const producer = 'household-registry';
const stream = 'household-registry.events' as const;

const uuid = () => Type.String({ format: 'uuid' });
const occurredAt = () => Type.String({ format: 'date-time', description: 'When it happened on the ground (device time)' });
const mobileSignal = () => Type.Union([Type.Literal('none'), Type.Literal('weak'), Type.Literal('good')]);
const sex = () => Type.Union([Type.Literal('male'), Type.Literal('female')]);

/** Household facts that explain slow progress; never personal data. */
const householdConditions = {
  ethnicMinority: Type.Optional(Type.Boolean()),
  hasElectricity: Type.Optional(Type.Boolean()),
  mobileSignal: Type.Optional(mobileSignal()),
  hasInternet: Type.Optional(Type.Boolean()),
  smartDevices: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
  distanceToCentreKm: Type.Optional(Type.Number({ minimum: 0, maximum: 500 })),
};

/** What reporting needs about a resident: sex, birth year and month (never the full date), smartphone. */
const residentAttributes = {
  residentId: uuid(),
  householdId: uuid(),
  villageId: uuid(),
  sex: sex(),
  birthYear: Type.Integer({ minimum: 1880, maximum: 2300 }),
  birthMonth: Type.Integer({ minimum: 1, maximum: 12, description: 'Month of birth; with the year it bounds age on a date without disclosing the birth date' }),
  ethnicMinority: Type.Optional(Type.Boolean()),
  ownsSmartphone: Type.Boolean(),
  occurredAt: occurredAt(),
};

/**
 * A household was registered. Carries what reporting needs (village, living conditions) and
 * never personal data: no names, addresses, phone numbers or identity numbers.
 */
export const HouseholdRegisteredV1 = defineEvent({
  type: 'vn.dtc.registry.household.registered.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: 'A household was registered in a village of the commune.',
  schema: Type.Object(
    {
      householdId: Type.String({ format: 'uuid' }),
      villageId: Type.String({ format: 'uuid' }),
      villageCode: Type.String({ minLength: 1, maxLength: 32 }),
      villageName: Type.String({ minLength: 1, maxLength: 200, description: 'Public name of the village (not personal data).' }),
      occurredAt: Type.String({ format: 'date-time' }),
      ethnicMinority: Type.Optional(Type.Boolean()),
      hasElectricity: Type.Optional(Type.Boolean()),
      mobileSignal: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('weak'), Type.Literal('good')])),
      hasInternet: Type.Optional(Type.Boolean()),
      smartDevices: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
      distanceToCentreKm: Type.Optional(Type.Number({ minimum: 0, maximum: 500 })),
    },
    { additionalProperties: false },
  ),
  example: {
    householdId: '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11',
    villageId: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e',
    villageCode: 'THON-1',
    villageName: 'Thôn 1',
    occurredAt: '2026-07-21T08:30:00.000Z',
    ethnicMinority: false,
    hasElectricity: true,
    mobileSignal: 'weak',
    hasInternet: false,
    smartDevices: 1,
    distanceToCentreKm: 12.5,
  },
});

const HOUSEHOLD_ID = '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11';
const VILLAGE_ID = '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e';
const OTHER_VILLAGE_ID = '7d2e3c8f-7b1a-4dac-9e4f-3a2b1c0d9e8f';
const RESIDENT_ID = '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34';
const ORGANISATION_ID = '9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d';
const AT = '2026-07-22T09:15:00.000Z';

export const HouseholdUpdatedV1 = defineEvent({
  type: 'vn.dtc.registry.household.updated.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: 'Facts about a household changed (living conditions); carries the new values of the changed facts.',
  schema: Type.Object({ householdId: uuid(), villageId: uuid(), occurredAt: occurredAt(), version: Type.Integer({ minimum: 1 }), ...householdConditions }, { additionalProperties: false }),
  example: { householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, occurredAt: AT, version: 2, hasElectricity: true, mobileSignal: 'good' },
});

export const HouseholdMovedV1 = defineEvent({
  type: 'vn.dtc.registry.household.moved.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: 'A household moved to another village of the same commune (history is kept).',
  schema: Type.Object(
    {
      householdId: uuid(),
      fromVillageId: uuid(),
      toVillageId: uuid(),
      toVillageCode: Type.String({ minLength: 1, maxLength: 32 }),
      toVillageName: Type.String({ minLength: 1, maxLength: 200 }),
      occurredAt: occurredAt(),
      version: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  ),
  example: { householdId: HOUSEHOLD_ID, fromVillageId: VILLAGE_ID, toVillageId: OTHER_VILLAGE_ID, toVillageCode: 'THON-2', toVillageName: 'Thôn 2', occurredAt: AT, version: 3 },
});

export const HouseholdDigitalCoreSetV1 = defineEvent({
  type: 'vn.dtc.registry.household.digital-core-set.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: "The household's digital core (a member who can use a smartphone) was set, or cleared (residentId null).",
  schema: Type.Object(
    { householdId: uuid(), villageId: uuid(), residentId: Type.Union([uuid(), Type.Null()]), occurredAt: occurredAt(), version: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  example: { householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, residentId: RESIDENT_ID, occurredAt: AT, version: 4 },
});

export const ResidentRegisteredV1 = defineEvent({
  type: 'vn.dtc.registry.resident.registered.v1',
  version: 1,
  stream,
  aggregate: 'resident',
  producer,
  description: 'A resident was registered in a household. No name, identity number, phone or birth date.',
  schema: Type.Object(residentAttributes, { additionalProperties: false }),
  example: { residentId: RESIDENT_ID, householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, sex: 'female', birthYear: 1990, birthMonth: 5, ethnicMinority: false, ownsSmartphone: true, occurredAt: AT },
});

export const ResidentUpdatedV1 = defineEvent({
  type: 'vn.dtc.registry.resident.updated.v1',
  version: 1,
  stream,
  aggregate: 'resident',
  producer,
  description: "A resident's reportable attributes changed (sex, birth year/month, smartphone).",
  schema: Type.Object({ ...residentAttributes, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  example: { residentId: RESIDENT_ID, householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, sex: 'female', birthYear: 1990, birthMonth: 5, ownsSmartphone: true, occurredAt: AT, version: 2 },
});

const residentStatusChange = Type.Object({ residentId: uuid(), householdId: uuid(), villageId: uuid(), occurredAt: occurredAt(), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const ResidentMovedOutV1 = defineEvent({
  type: 'vn.dtc.registry.resident.moved-out.v1',
  version: 1,
  stream,
  aggregate: 'resident',
  producer,
  description: 'A resident moved out of the commune; no longer counted in its population.',
  schema: residentStatusChange,
  example: { residentId: RESIDENT_ID, householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, occurredAt: AT, version: 2 },
});

export const ResidentDeceasedV1 = defineEvent({
  type: 'vn.dtc.registry.resident.deceased.v1',
  version: 1,
  stream,
  aggregate: 'resident',
  producer,
  description: 'A resident died; no longer counted in the population.',
  schema: residentStatusChange,
  example: { residentId: RESIDENT_ID, householdId: HOUSEHOLD_ID, villageId: VILLAGE_ID, occurredAt: AT, version: 2 },
});

export const VISIT_OUTCOMES = ['done', 'partly_done', 'nobody_home', 'refused'] as const;
export const VISIT_OBSTACLES = ['no_smartphone', 'no_signal', 'elderly', 'absent', 'missing_documents', 'other'] as const;

export const VisitRecordedV1 = defineEvent({
  type: 'vn.dtc.registry.visit.recorded.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: 'A field team visited a household (door-to-door), with the outcome and the obstacles met.',
  schema: Type.Object(
    {
      visitId: uuid(),
      householdId: uuid(),
      villageId: uuid(),
      teamId: Type.Optional(uuid()),
      memberId: Type.Optional(uuid()),
      outcome: Type.Union(VISIT_OUTCOMES.map((o) => Type.Literal(o))),
      obstacles: Type.Array(Type.Union(VISIT_OBSTACLES.map((o) => Type.Literal(o))), { uniqueItems: true }),
      followUpDate: Type.Optional(Type.String({ format: 'date' })),
      occurredAt: occurredAt(),
    },
    { additionalProperties: false },
  ),
  example: {
    visitId: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    householdId: HOUSEHOLD_ID,
    villageId: VILLAGE_ID,
    teamId: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    memberId: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b',
    outcome: 'partly_done',
    obstacles: ['no_smartphone', 'elderly'],
    followUpDate: '2026-07-29',
    occurredAt: AT,
  },
});

/** What a commune admin decides about a field record on review. */
export const REVIEW_VERDICTS = ['verified', 'returned'] as const;

export const VisitReviewedV1 = defineEvent({
  type: 'vn.dtc.registry.visit.reviewed.v1',
  version: 1,
  stream,
  aggregate: 'household',
  producer,
  description: 'A commune admin verified a visit, or returned it to the team with a reason (the reason must not name anyone).',
  schema: Type.Object(
    {
      visitId: uuid(),
      householdId: uuid(),
      villageId: uuid(),
      teamId: Type.Optional(uuid()),
      memberId: Type.Optional(uuid()),
      verdict: Type.Union(REVIEW_VERDICTS.map((v) => Type.Literal(v))),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
      visitedAt: Type.String({ format: 'date-time', description: 'When the reviewed visit happened' }),
      occurredAt: Type.String({ format: 'date-time', description: 'When the review was made' }),
    },
    { additionalProperties: false },
  ),
  example: {
    visitId: 'c4d5e6f7-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    householdId: HOUSEHOLD_ID,
    villageId: VILLAGE_ID,
    teamId: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    memberId: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b',
    verdict: 'returned',
    reason: 'Thiếu ảnh minh chứng / no photo of the signed form',
    visitedAt: AT,
    occurredAt: '2026-07-23T02:00:00.000Z',
  },
});

export const ORGANISATION_KINDS = ['cooperative', 'enterprise'] as const;
export const ORGANISATION_EID_STATUSES = ['none', 'applied', 'identified'] as const;

export const OrganisationRegisteredV1 = defineEvent({
  type: 'vn.dtc.registry.organisation.registered.v1',
  version: 1,
  stream,
  aggregate: 'organisation',
  producer,
  description: 'A cooperative or enterprise of the commune was registered, with its organisational e-ID status.',
  schema: Type.Object(
    {
      organisationId: uuid(),
      villageId: uuid(),
      kind: Type.Union(ORGANISATION_KINDS.map((k) => Type.Literal(k))),
      eIdStatus: Type.Union(ORGANISATION_EID_STATUSES.map((k) => Type.Literal(k))),
      occurredAt: occurredAt(),
    },
    { additionalProperties: false },
  ),
  example: { organisationId: ORGANISATION_ID, villageId: VILLAGE_ID, kind: 'cooperative', eIdStatus: 'none', occurredAt: AT },
});

export const OrganisationEIdentifiedV1 = defineEvent({
  type: 'vn.dtc.registry.organisation.e-identified.v1',
  version: 1,
  stream,
  aggregate: 'organisation',
  producer,
  description: 'An organisation obtained its organisational electronic identification.',
  schema: Type.Object({ organisationId: uuid(), villageId: uuid(), occurredAt: occurredAt(), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  example: { organisationId: ORGANISATION_ID, villageId: VILLAGE_ID, occurredAt: AT, version: 2 },
});
