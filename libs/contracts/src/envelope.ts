import { Type, type Static } from '@sinclair/typebox';

/** Commune (tenant) codes are the official 5-digit administrative codes. */
export const COMMUNE_CODE_PATTERN = '^[0-9]{5}$';
/** Province codes are the official 2-digit administrative codes. */
export const PROVINCE_CODE_PATTERN = '^[0-9]{2}$';

/**
 * CloudEvents 1.0 attributes (structured mode) plus the platform's extension attributes
 * `tenant` (commune code) and `province` (province code). `data` is checked separately
 * against the schema registered for `type`.
 */
export const EnvelopeSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({ format: 'uuid', description: 'Unique event id; consumers dedupe on it.' }),
    source: Type.String({ minLength: 1, description: 'Producing service, e.g. /dtc/household-registry.' }),
    type: Type.String({ minLength: 1, description: 'Event type including its major version.' }),
    subject: Type.String({ minLength: 1, description: 'Aggregate id; also the Kafka message key.' }),
    time: Type.String({ format: 'date-time', description: 'When the fact happened (occurredAt), not when it was published.' }),
    datacontenttype: Type.Literal('application/json'),
    dataschema: Type.String({ minLength: 1 }),
    tenant: Type.String({ pattern: COMMUNE_CODE_PATTERN, description: 'Commune code (tenant).' }),
    province: Type.String({ pattern: PROVINCE_CODE_PATTERN, description: 'Province code (roll-up scope).' }),
    correlationid: Type.Optional(Type.String({ maxLength: 128 })),
    data: Type.Unknown(),
  },
  { additionalProperties: false, $id: 'urn:dtc:schema:envelope' },
);

export type EventEnvelope<TData = unknown> = Omit<Static<typeof EnvelopeSchema>, 'data'> & { data: TData };
