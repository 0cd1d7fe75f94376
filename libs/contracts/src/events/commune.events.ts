import { Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';

/**
 * A commune was onboarded in the registry. Every service and integrator learns the commune and
 * its province from the registry when it is onboarded, not from whatever event reaches them
 * first, so a province is never taken from a request body. Public administrative names only.
 */
export const CommuneOnboardedV1 = defineEvent({
  type: 'vn.dtc.registry.commune.onboarded.v1',
  version: 1,
  stream: 'household-registry.events',
  aggregate: 'commune',
  producer: 'household-registry',
  description: 'A commune was onboarded: its official code, public name and the province it belongs to.',
  schema: Type.Object(
    {
      communeCode: Type.String({ pattern: '^[0-9]{5}$', description: 'Official 5-digit commune code (the tenant)' }),
      communeName: Type.String({ minLength: 1, maxLength: 200, description: 'Public name of the commune (not personal data).' }),
      provinceCode: Type.String({ pattern: '^[0-9]{2}$' }),
      provinceName: Type.String({ minLength: 1, maxLength: 200 }),
      occurredAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
  example: { communeCode: '16279', communeName: 'Xã Đông Tiến', provinceCode: '38', provinceName: 'Thanh Hóa', occurredAt: '2026-07-01T01:00:00.000Z' },
});
