// Validates feed events against the platform's published JSON Schemas (draft-07): the envelope
// schema, then the event's data against the schema whose $id is the envelope's `dataschema`.
//
// Tolerant reader, as the compatibility rule asks: a published event version may later gain
// optional properties and enum values, so unknown properties and unknown enum values are not
// errors here. Everything else (types, formats, patterns, required fields, limits) is checked.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** The schema with `additionalProperties: false` dropped and closed string enums opened up. */
export function tolerant(schema) {
  if (Array.isArray(schema)) return schema.map(tolerant);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'enum') continue;
    copy[key] = tolerant(value);
  }
  // An enum is published as anyOf of constants: accept any value of the same type.
  if (Array.isArray(copy.anyOf) && copy.anyOf.length > 0 && copy.anyOf.every((branch) => branch && 'const' in branch)) {
    const types = [...new Set(copy.anyOf.map((branch) => branch.type ?? typeof branch.const))];
    delete copy.anyOf;
    if (types.length === 1) copy.type = types[0];
  }
  return copy;
}

export class InvalidEventError extends Error {
  constructor(event, problems) {
    const id = event && typeof event === 'object' ? event.id : undefined;
    super(`event ${id ?? '(no id)'} (${event?.type ?? 'no type'}) is invalid: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
    this.problems = problems;
  }
}

function describe(errors, prefix) {
  return (errors ?? []).map((error) => `${prefix}${error.instancePath || ''} ${error.message}`);
}

/** Loads every *.schema.json in `directory`; returns validate(event) that throws InvalidEventError. */
export function loadValidator(directory) {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  const files = fs.readdirSync(directory).filter((name) => name.endsWith('.schema.json'));
  if (files.length === 0) throw new Error(`no *.schema.json files in ${directory}`);
  const validators = new Map();
  for (const file of files) {
    const schema = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8'));
    validators.set(schema.$id, ajv.compile(tolerant(schema)));
  }
  const envelope = validators.get('urn:dtc:schema:envelope');
  if (!envelope) throw new Error(`envelope.schema.json is missing from ${directory}`);

  return function validate(event) {
    if (!envelope(event)) throw new InvalidEventError(event, describe(envelope.errors, ''));
    const data = validators.get(event.dataschema);
    if (!data) throw new InvalidEventError(event, [`no published schema ${event.dataschema}: update the schemas and run again`]);
    if (!data(event.data)) throw new InvalidEventError(event, describe(data.errors, '/data'));
  };
}
