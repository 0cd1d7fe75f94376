import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Type } from '@sinclair/typebox';
import { EVENT_CATALOGUE, EVENT_STREAMS, eventsOfStream, findEventDefinition } from './catalogue';
import { dataSchemaUri, defineEvent } from './define-event';
import { EnvelopeSchema } from './envelope';
import { exportJsonSchemas } from './json-schema';

describe('event catalogue', () => {
  it('is not empty', () => {
    expect(EVENT_CATALOGUE.length).toBeGreaterThan(0);
  });

  it.each(EVENT_CATALOGUE.map((d) => [d.type, d] as const))('%s ends with .v<version>', (type, definition) => {
    expect(Number.isInteger(definition.version)).toBe(true);
    expect(definition.version).toBeGreaterThanOrEqual(1);
    expect(type.endsWith(`.v${definition.version}`)).toBe(true);
    expect(type).toMatch(/^vn\.dtc\.[a-z0-9-]+(\.[a-z0-9-]+)*\.v[0-9]+$/);
  });

  it('has unique types', () => {
    const types = EVENT_CATALOGUE.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('only uses known streams, and eventsOfStream partitions the catalogue', () => {
    for (const definition of EVENT_CATALOGUE) expect(EVENT_STREAMS).toContain(definition.stream);
    const total = EVENT_STREAMS.reduce((sum, stream) => sum + eventsOfStream(stream).length, 0);
    expect(total).toBe(EVENT_CATALOGUE.length);
    for (const stream of EVENT_STREAMS) {
      for (const definition of eventsOfStream(stream)) expect(definition.stream).toBe(stream);
    }
  });

  it.each(EVENT_CATALOGUE.map((d) => [d.type, d] as const))('findEventDefinition finds %s', (type, definition) => {
    expect(findEventDefinition(type)).toBe(definition);
  });

  it('findEventDefinition returns undefined for unknown or near-miss types', () => {
    expect(findEventDefinition('vn.dtc.nothing.v1')).toBeUndefined();
    for (const definition of EVENT_CATALOGUE) {
      expect(findEventDefinition(definition.type.replace(/\.v\d+$/, `.v${definition.version + 1}`))).toBeUndefined();
      expect(findEventDefinition(definition.type.toUpperCase())).toBeUndefined();
    }
  });

  it('catalogued definitions are frozen', () => {
    for (const definition of EVENT_CATALOGUE) expect(Object.isFrozen(definition)).toBe(true);
  });
});

describe('defineEvent', () => {
  const base = {
    version: 2,
    stream: 'enrollment.events' as const,
    aggregate: 'thing',
    producer: 'enrollment',
    description: 'test',
    schema: Type.Object({ a: Type.String() }),
    example: { a: 'x' },
  };

  it('accepts a type whose suffix matches the version', () => {
    expect(defineEvent({ ...base, type: 'vn.dtc.test.thing.happened.v2' }).type).toBe('vn.dtc.test.thing.happened.v2');
  });

  it.each(['vn.dtc.test.thing.happened.v1', 'vn.dtc.test.thing.happened', 'vn.dtc.test.thing.happened.v22', 'vn.dtc.test.thing.happened-v2'])(
    'throws when the type %s does not end with .v2',
    (type) => {
      expect(() => defineEvent({ ...base, type })).toThrow(`must end with its major version .v2`);
    },
  );
});

describe('exportJsonSchemas', () => {
  const exported = exportJsonSchemas();

  it('returns the envelope plus one file per event', () => {
    expect(exported).toHaveLength(EVENT_CATALOGUE.length + 1);
    expect(exported[0]!.fileName).toBe('envelope.schema.json');
    expect(exported[0]!.schema['$id']).toBe('urn:dtc:schema:envelope');
    expect(exported[0]!.schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    const names = exported.slice(1).map((e) => e.fileName);
    expect(names).toEqual(EVENT_CATALOGUE.map((d) => `${d.type}.schema.json`));
    expect(new Set(exported.map((e) => e.fileName)).size).toBe(exported.length);
  });

  it('produces plain JSON (serialisable without loss)', () => {
    for (const { schema } of exported) expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it.each(EVENT_CATALOGUE.map((d) => [d.type, d] as const))('schema of %s has its $id, metadata and a valid example', (type, definition) => {
    const file = exported.find((e) => e.fileName === `${type}.schema.json`);
    expect(file).toBeDefined();
    const schema = file!.schema;
    expect(schema['$id']).toBe(dataSchemaUri(type));
    expect(schema['title']).toBe(type);
    expect(schema['x-stream']).toBe(definition.stream);
    expect(schema['x-producer']).toBe(definition.producer);
    expect(schema['x-aggregate']).toBe(definition.aggregate);
    expect(schema['examples']).toEqual([definition.example]);

    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(schema);
    expect(validate(definition.example)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    // The exported schema must still be strict: an extra property is rejected.
    expect(validate({ ...(definition.example as object), notInSchema: true })).toBe(false);
  });

  it('the exported envelope schema accepts a valid envelope and rejects a bad tenant', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(exported[0]!.schema);
    const definition = EVENT_CATALOGUE[0]!;
    const envelope = {
      specversion: '1.0',
      id: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
      source: `/dtc/${definition.producer}`,
      type: definition.type,
      subject: 'x',
      time: '2026-07-21T08:30:00.000Z',
      datacontenttype: 'application/json',
      dataschema: dataSchemaUri(definition.type),
      tenant: '01234',
      province: '01',
      data: definition.example,
    };
    expect(validate(envelope)).toBe(true);
    expect(validate({ ...envelope, tenant: '1234' })).toBe(false);
    expect(Object.keys(exported[0]!.schema['properties'] as object).sort()).toEqual(Object.keys(EnvelopeSchema.properties).sort());
  });
});
