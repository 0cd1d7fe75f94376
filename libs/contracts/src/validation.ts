import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { findEventDefinition } from './catalogue';
import { EnvelopeSchema, type EventEnvelope } from './envelope';

/** The Ajv setup every event check uses (all errors, formats, non-strict for TypeBox's keywords). */
export function createAjv(): Ajv {
  return addFormats(new Ajv({ allErrors: true, strict: false }));
}

const ajv = createAjv();
const validateEnvelopeAttributes = ajv.compile(EnvelopeSchema);
const dataValidators = new Map<string, ValidateFunction>();

export class EventValidationError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`Event ${eventType || '(no type)'} is invalid: ${problems.join('; ')}`);
    this.name = 'EventValidationError';
  }
}

function describe(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  return (errors ?? []).map((error) => {
    const where = `${prefix}${error.instancePath}` || prefix || '/';
    const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params['additionalProperty'])})` : '';
    return `${where} ${error.message ?? 'is invalid'}${extra}`;
  });
}

function dataValidator(type: string): ValidateFunction | undefined {
  let validator = dataValidators.get(type);
  if (!validator) {
    const definition = findEventDefinition(type);
    if (!definition) return undefined;
    validator = ajv.compile(definition.schema);
    dataValidators.set(type, validator);
  }
  return validator;
}

/** Validates envelope attributes and the data against the catalogue; throws EventValidationError. */
export function assertValidEvent(candidate: unknown): asserts candidate is EventEnvelope {
  if (!validateEnvelopeAttributes(candidate)) {
    const type = typeof (candidate as { type?: unknown })?.type === 'string' ? (candidate as { type: string }).type : '';
    throw new EventValidationError(type, describe(validateEnvelopeAttributes.errors, ''));
  }
  const envelope = candidate as EventEnvelope;
  const validateData = dataValidator(envelope.type);
  if (!validateData) throw new EventValidationError(envelope.type, [`unknown event type ${envelope.type}`]);
  if (!validateData(envelope.data)) throw new EventValidationError(envelope.type, describe(validateData.errors, '/data'));
}

/** Parses a raw message value and validates it. */
export function parseEvent(raw: Buffer | string | null): EventEnvelope {
  const parsed = parseJson(raw);
  assertValidEvent(parsed);
  return parsed;
}

function parseJson(raw: Buffer | string | null): unknown {
  if (raw === null) throw new EventValidationError('', ['message has no value']);
  try {
    return JSON.parse(raw.toString());
  } catch {
    throw new EventValidationError('', ['message value is not JSON']);
  }
}

/** The event id and type a message's headers name (the relay's CloudEvents `ce_id` and `ce_type`). */
export interface PublishedAs {
  id: string;
  type: string;
}

/**
 * A consumed message's event, validated once: when it was written. A message the outbox relay
 * published names its envelope's id and type in its headers, and its envelope passed the schema
 * before it went into the outbox; for it only the JSON, the headers agreeing with the envelope, a
 * catalogued type and the envelope's shape are checked here. Anything else (`publishedAs`
 * missing: no headers, or a message re-sent by hand) and any disagreement is validated in full.
 */
export function parsePublishedEvent(raw: Buffer | string | null, publishedAs: PublishedAs | undefined): EventEnvelope {
  const parsed = parseJson(raw);
  if (publishedAs && looksPublishedAs(parsed, publishedAs)) return parsed;
  assertValidEvent(parsed);
  return parsed;
}

function looksPublishedAs(candidate: unknown, { id, type }: PublishedAs): candidate is EventEnvelope {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return false;
  const envelope = candidate as Record<string, unknown>;
  if (envelope['id'] !== id || envelope['type'] !== type || !findEventDefinition(type)) return false;
  const data = envelope['data'];
  return ['tenant', 'province', 'subject', 'source', 'time'].every((name) => typeof envelope[name] === 'string') && typeof data === 'object' && data !== null && !Array.isArray(data);
}
