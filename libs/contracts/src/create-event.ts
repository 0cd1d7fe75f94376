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

/** Envelopes createEvent built and validated: the outbox does not validate them again. */
const validatedWhenCreated = new WeakSet<object>();

/**
 * Whether createEvent built and validated this very object. Code does not change an envelope
 * after creating it; a changed copy is another object, and the outbox validates it.
 */
export function wasValidatedWhenCreated(envelope: object): boolean {
  return validatedWhenCreated.has(envelope);
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
  validatedWhenCreated.add(envelope);
  return envelope;
}
