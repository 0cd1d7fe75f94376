import { Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';

const producer = 'enrollment';
const stream = 'enrollment.events' as const;
const uuid = () => Type.String({ format: 'uuid' });

/** Who, where and for whom, as reports need it: ids, village, sex and birth year; never identity data. */
const context = {
  enrollmentId: uuid(),
  serviceCode: Type.String({ pattern: '^[a-z0-9_]{2,40}$' }),
  subjectType: Type.Union([Type.Literal('resident'), Type.Literal('organisation')]),
  residentId: Type.Optional(uuid()),
  organisationId: Type.Optional(uuid()),
  villageId: uuid(),
  teamId: Type.Optional(uuid()),
  memberId: Type.Optional(uuid()),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
  birthYear: Type.Optional(Type.Integer({ minimum: 1880, maximum: 2300 })),
  detail: Type.Optional(Type.String({ maxLength: 120, description: 'Which app or procedure (e.g. "eTax Mobile", "birth registration")' })),
  occurredAt: Type.String({ format: 'date-time', description: 'When it happened on the device' }),
  recordedAt: Type.String({ format: 'date-time', description: 'When the server recorded it' }),
};

const example = {
  enrollmentId: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
  serviceCode: 'vneid_level2',
  subjectType: 'resident' as const,
  residentId: '3f8e2a61-9c4d-4b7e-8a15-6d2c0e9f1b34',
  villageId: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e',
  teamId: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
  memberId: 'f1e2d3c4-b5a6-4978-8a9b-1c2d3e4f5a6b',
  sex: 'female' as const,
  birthYear: 1990,
  occurredAt: '2026-07-22T09:15:00.000Z',
  recordedAt: '2026-07-22T17:02:11.000Z',
};

export const EnrollmentOpenedV1 = defineEvent({
  type: 'vn.dtc.enrollment.enrollment.opened.v1',
  version: 1,
  stream,
  aggregate: 'enrollment',
  producer,
  description: 'A validated enrollment of a resident or organisation in a service was opened, in its first lifecycle state.',
  schema: Type.Object({ ...context, state: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
  example: { ...example, state: 'registered' },
});

export const EnrollmentTransitionedV1 = defineEvent({
  type: 'vn.dtc.enrollment.enrollment.transitioned.v1',
  version: 1,
  stream,
  aggregate: 'enrollment',
  producer,
  description: 'An enrollment moved from one lifecycle state to another (e.g. issued -> activated, or rejected with a reason).',
  schema: Type.Object(
    {
      ...context,
      from: Type.String({ minLength: 1, maxLength: 40 }),
      to: Type.String({ minLength: 1, maxLength: 40 }),
      reason: Type.Optional(Type.String({ maxLength: 300 })),
    },
    { additionalProperties: false },
  ),
  example: { ...example, from: 'issued', to: 'activated' },
});

/**
 * A commune admin verified one step of an enrollment (the step that reached `stepState`), or
 * returned it to the team with a reason. Reports can count verified-only figures from these.
 */
export const EnrollmentStepReviewedV1 = defineEvent({
  type: 'vn.dtc.enrollment.step.reviewed.v1',
  version: 1,
  stream,
  aggregate: 'enrollment',
  producer,
  description: 'One enrollment step was verified by a commune admin, or returned to the team with a reason (the reason must not name anyone).',
  schema: Type.Object(
    {
      ...context,
      stepNumber: Type.Integer({ minimum: 1, description: 'Position of the reviewed step in the enrollment (1 = opened)' }),
      stepState: Type.String({ minLength: 1, maxLength: 40, description: 'The state the reviewed step reached' }),
      stepOccurredAt: Type.String({ format: 'date-time', description: 'When the reviewed step happened on the device' }),
      verdict: Type.Union([Type.Literal('verified'), Type.Literal('returned')]),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    },
    { additionalProperties: false },
  ),
  example: {
    ...example,
    stepNumber: 2,
    stepState: 'activated',
    stepOccurredAt: '2026-07-22T09:15:00.000Z',
    verdict: 'verified',
    occurredAt: '2026-07-23T02:00:00.000Z',
    recordedAt: '2026-07-23T02:00:01.000Z',
  },
});
