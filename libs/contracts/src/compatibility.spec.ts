import { findBreakingChanges, publicationStatus, type BreakingKind, type JsonSchema } from './compatibility';

const str = (extra: JsonSchema = {}) => ({ type: 'string', ...extra });
const obj = (properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}) => ({ type: 'object', properties, required, additionalProperties: false, ...extra });
const oneOf = (...values: string[]) => ({ anyOf: values.map((value) => ({ const: value, type: 'string' })) });

type Row = [name: string, published: JsonSchema, current: JsonSchema, expected: Array<[path: string, kind: BreakingKind]>];

const base = obj({ id: str({ format: 'uuid' }), note: str({ maxLength: 100 }), count: { type: 'integer', minimum: 0 } }, ['id']);

const rows: Row[] = [
  ['identical', base, base, []],
  ['description and examples changed', base, { ...base, description: 'new words', examples: [{ id: 'x' }] }, []],
  ['optional property added', base, obj({ ...(base.properties as Record<string, JsonSchema>), extra: str() }, ['id']), []],
  ['enum value added', obj({ signal: oneOf('none', 'weak') }), obj({ signal: oneOf('none', 'weak', 'good') }), []],
  ['constraint loosened', base, obj({ id: str({ format: 'uuid' }), note: str({ maxLength: 500 }), count: { type: 'integer' } }, ['id']), []],
  ['integer widened to number', obj({ n: { type: 'integer' } }), obj({ n: { type: 'number' } }), []],
  ['required made optional', base, obj(base.properties as Record<string, JsonSchema>, []), []],
  ['additionalProperties loosened', base, { ...base, additionalProperties: true }, []],
  ['property removed', base, obj({ id: str({ format: 'uuid' }), count: { type: 'integer', minimum: 0 } }, ['id']), [['/note', 'property-removed']]],
  ['property retyped', base, obj({ id: str({ format: 'uuid' }), note: str({ maxLength: 100 }), count: { type: 'string' } }, ['id']), [['/count', 'type-changed']]],
  ['number narrowed to integer', obj({ n: { type: 'number' } }), obj({ n: { type: 'integer' } }), [['/n', 'type-changed']]],
  ['optional made required', base, obj(base.properties as Record<string, JsonSchema>, ['id', 'note']), [['/note', 'optional-made-required']]],
  ['new required property', base, obj({ ...(base.properties as Record<string, JsonSchema>), extra: str() }, ['id', 'extra']), [['/extra', 'required-property-added']]],
  ['enum value removed', obj({ signal: oneOf('none', 'weak', 'good') }), obj({ signal: oneOf('none', 'good') }), [['/signal', 'enum-value-removed']]],
  ['free string restricted to enum', obj({ signal: str() }), obj({ signal: oneOf('none', 'good') }), [['/signal', 'enum-restricted']]],
  ['format added', obj({ at: str() }), obj({ at: str({ format: 'date-time' }) }), [['/at', 'format-changed']]],
  ['format changed', obj({ at: str({ format: 'date' }) }), obj({ at: str({ format: 'date-time' }) }), [['/at', 'format-changed']]],
  ['pattern added', obj({ code: str() }), obj({ code: str({ pattern: '^[0-9]{5}$' }) }), [['/code', 'pattern-changed']]],
  ['pattern removed', obj({ code: str({ pattern: '^[0-9]{5}$' }) }), obj({ code: str() }), []],
  ['maxLength tightened', base, obj({ id: str({ format: 'uuid' }), note: str({ maxLength: 10 }), count: { type: 'integer', minimum: 0 } }, ['id']), [['/note', 'constraint-tightened']]],
  ['additionalProperties tightened', { ...base, additionalProperties: true }, base, [['/', 'additional-properties-tightened']]],
  ['nested object: property removed', obj({ place: obj({ village: str(), hamlet: str() }) }), obj({ place: obj({ village: str() }) }), [['/place/hamlet', 'property-removed']]],
  ['nested object: optional made required', obj({ place: obj({ village: str(), hamlet: str() }) }), obj({ place: obj({ village: str(), hamlet: str() }, ['hamlet']) }), [['/place/hamlet', 'optional-made-required']]],
  ['array items retyped', obj({ ids: { type: 'array', items: str({ format: 'uuid' }) } }), obj({ ids: { type: 'array', items: { type: 'integer' } } }), [['/ids[]', 'type-changed']]],
  ['array maxItems tightened', obj({ ids: { type: 'array', items: str(), maxItems: 200 } }), obj({ ids: { type: 'array', items: str(), maxItems: 20 } }), [['/ids', 'constraint-tightened']]],
  ['array of objects: field removed', obj({ rows: { type: 'array', items: obj({ a: str(), b: str() }) } }), obj({ rows: { type: 'array', items: obj({ a: str() }) } }), [['/rows[]/b', 'property-removed']]],
  ['array of objects: field added', obj({ rows: { type: 'array', items: obj({ a: str() }) } }), obj({ rows: { type: 'array', items: obj({ a: str(), b: str() }) } }), []],
  ['nullable variant removed', obj({ x: { anyOf: [str(), { type: 'null' }] } }), obj({ x: { anyOf: [str()] } }), [['/x', 'variant-removed']]],
];

describe('findBreakingChanges', () => {
  it.each(rows)('%s', (_name, published, current, expected) => {
    const found = findBreakingChanges(published, current).map((change) => [change.path, change.kind]);
    expect(found).toEqual(expected);
  });
});

describe('publicationStatus', () => {
  it('is current for equal schemas, whatever the key order', () => {
    expect(publicationStatus('a.json', { b: 1, a: 2 }, { a: 2, b: 1 })).toEqual({ status: 'current' });
  });

  it('asks to publish a schema that has no file yet', () => {
    expect(publicationStatus('a.json', undefined, base)).toEqual({ status: 'unpublished', message: expect.stringContaining('run npm run schemas') });
  });

  it('asks to regenerate after a compatible change', () => {
    expect(publicationStatus('a.json', base, { ...base, description: 'x' })).toEqual({ status: 'stale', message: expect.stringContaining('run npm run schemas') });
  });

  it('asks for a new event version after a breaking change, listing it', () => {
    const status = publicationStatus('a.json', base, obj({ id: str({ format: 'uuid' }) }, ['id']));
    expect(status.status).toBe('breaking');
    expect(status).toMatchObject({ message: expect.stringMatching(/publish a new event version instead[\s\S]*\/note: property note removed[\s\S]*\/count/) });
  });
});
