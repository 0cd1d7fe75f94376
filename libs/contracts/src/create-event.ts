import { randomUUID } from 'node:crypto';
import type { Static, TObject } from '@sinclair/typebox';
import { dataSchemaUri, type EventDefinition } from './define-event';
import type { EventEnvelope } from './envelope';
import { assertValidEvent } from './validation';

export interface EventOrigin {
  tenant: string;
  province: string;
  subject: string;
  time: Date | string;
  correlationId?: string;
  id?: string;
}

/** Builds a CloudEvents envelope for a catalogued event and validates it before it is written. */
export function createEvent<TSchema extends TObject>(
  definition: EventDefinition<TSchema>,
  origin: EventOrigin,
  data: Static<TSchema>,
): EventEnvelope<Static<TSchema>> {
  const envelope: EventEnvelope<Static<TSchema>> = {
    specversion: '1.0',
    id: origin.id ?? randomUUID(),
    source: `/dtc/${definition.producer}`,
    type: definition.type,
    subject: origin.subject,
    time: typeof origin.time === 'string' ? origin.time : origin.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(definition.type),
    tenant: origin.tenant,
    province: origin.province,
    ...(origin.correlationId ? { correlationid: origin.correlationId } : {}),
    data,
  };
  assertValidEvent(envelope);
  return envelope;
}
