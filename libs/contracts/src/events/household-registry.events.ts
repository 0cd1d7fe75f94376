import { Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';

const producer = 'household-registry';
const stream = 'household-registry.events' as const;

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
