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

const communeCode = () => Type.String({ pattern: '^[0-9]{5}$', description: 'Official 5-digit commune code (the tenant)' });
const VILLAGE_EXAMPLE_ID = '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e';

export const CommuneRenamedV1 = defineEvent({
  type: 'vn.dtc.registry.commune.renamed.v1',
  version: 1,
  stream: 'household-registry.events',
  aggregate: 'commune',
  producer: 'household-registry',
  description: "A commune's public name changed (e.g. after an administrative merger); its code and province stay.",
  schema: Type.Object(
    { communeCode: communeCode(), communeName: Type.String({ minLength: 1, maxLength: 200 }), occurredAt: Type.String({ format: 'date-time' }) },
    { additionalProperties: false },
  ),
  example: { communeCode: '16279', communeName: 'Phường Đông Tiến', occurredAt: '2026-07-15T01:00:00.000Z' },
});

/**
 * Villages are keyed by their commune (subject = commune code), so a village's registration is
 * always delivered before its renames and after the commune's onboarding.
 */
export const VillageRegisteredV1 = defineEvent({
  type: 'vn.dtc.registry.village.registered.v1',
  version: 1,
  stream: 'household-registry.events',
  aggregate: 'commune',
  producer: 'household-registry',
  description: 'A village, hamlet or residential group was added to a commune: its id, code and public name.',
  schema: Type.Object(
    {
      villageId: Type.String({ format: 'uuid' }),
      communeCode: communeCode(),
      villageCode: Type.String({ minLength: 1, maxLength: 32 }),
      villageName: Type.String({ minLength: 1, maxLength: 200 }),
      occurredAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
  example: { villageId: VILLAGE_EXAMPLE_ID, communeCode: '16279', villageCode: 'THON-1', villageName: 'Thôn Đông', occurredAt: '2026-07-01T01:05:00.000Z' },
});

export const VillageRenamedV1 = defineEvent({
  type: 'vn.dtc.registry.village.renamed.v1',
  version: 1,
  stream: 'household-registry.events',
  aggregate: 'commune',
  producer: 'household-registry',
  description: "A village's public name changed; its id and code stay.",
  schema: Type.Object(
    { villageId: Type.String({ format: 'uuid' }), communeCode: communeCode(), villageName: Type.String({ minLength: 1, maxLength: 200 }), occurredAt: Type.String({ format: 'date-time' }) },
    { additionalProperties: false },
  ),
  example: { villageId: VILLAGE_EXAMPLE_ID, communeCode: '16279', villageName: 'Thôn Đông Tiến', occurredAt: '2026-07-20T02:00:00.000Z' },
});
