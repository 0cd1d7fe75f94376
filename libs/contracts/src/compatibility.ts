/**
 * Compatibility of a published event schema (docs/events/schemas/*.json, the contract integrators
 * code against) with the schema the code now produces for the same event version.
 *
 * The rule: an event version may only change in ways that every consumer of it keeps working
 * with, which here means
 *   1. every event already written (topics keep their history forever and are replayed) still
 *      validates against the current schema, and
 *   2. nothing a consumer may rely on disappears or changes meaning.
 * So these are BREAKING (publish a new `.vN` event type instead): a property removed; a type
 * changed or narrowed; enum/const values removed or a free value restricted to an enum; a format
 * or pattern added or changed; a length/range/items constraint tightened; an optional property
 * made required (or a new required property); additionalProperties tightened.
 * These are COMPATIBLE: a new optional property, a new enum value, loosened constraints, changed
 * descriptions/examples. Consumers must therefore tolerate properties and enum values they do not
 * know (ignore them); in-repo consumers validate with the catalogue of their own build, so a
 * consumer is deployed before the producer that starts sending an addition.
 */

export type JsonSchema = Record<string, unknown>;

export type BreakingKind =
  | 'property-removed'
  | 'type-changed'
  | 'enum-value-removed'
  | 'enum-restricted'
  | 'format-changed'
  | 'pattern-changed'
  | 'constraint-tightened'
  | 'optional-made-required'
  | 'required-property-added'
  | 'additional-properties-tightened'
  | 'variant-removed';

export interface BreakingChange {
  /** Where in the data, e.g. `/villageIds[]` or `/address/street` (`/` is the root). */
  path: string;
  kind: BreakingKind;
  message: string;
}

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (path: string, key: string) => (path === '/' ? `/${key}` : `${path}/${key}`);
const canonical = (value: unknown): string => JSON.stringify(sortKeys(value));
const META = new Set(['$schema', '$id', 'title', 'description', 'examples', 'example', 'default', '$comment']);

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => !META.has(key) && !key.startsWith('x-'))
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** The allowed values when a schema is a closed set (enum, const, or anyOf of consts); else undefined. */
function closedValues(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema['enum'])) return schema['enum'];
  if ('const' in schema) return [schema['const']];
  const anyOf = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((branch) => isObject(branch) && 'const' in branch)) {
    return anyOf.map((branch) => (branch as JsonSchema)['const']);
  }
  return undefined;
}

function typesOf(schema: JsonSchema): string[] | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.map(String);
  return undefined;
}

/** Numeric keywords where a larger value accepts less (true) or a smaller value accepts less (false). */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties'];
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties'];

function compare(published: JsonSchema, current: JsonSchema, path: string, out: BreakingChange[]): void {
  const add = (kind: BreakingKind, message: string) => out.push({ path, kind, message });

  // Closed value sets (TypeBox literal unions, enums, consts).
  const was = closedValues(published);
  const now = closedValues(current);
  if (now && !was) add('enum-restricted', `values restricted to ${JSON.stringify(now)}`);
  if (was && now) {
    const removed = was.filter((value) => !now.some((candidate) => canonical(candidate) === canonical(value)));
    if (removed.length > 0) add('enum-value-removed', `value(s) ${removed.map((v) => JSON.stringify(v)).join(', ')} no longer allowed`);
  }

  // Other unions (e.g. nullable): every published variant must still exist unchanged.
  const unionKey = Array.isArray(published['anyOf']) ? 'anyOf' : Array.isArray(published['oneOf']) ? 'oneOf' : undefined;
  if (unionKey && !was) {
    const currentVariants = ((current[unionKey] as unknown[] | undefined) ?? []).map(canonical);
    const missing = (published[unionKey] as unknown[]).filter((variant) => !currentVariants.includes(canonical(variant)));
    if (missing.length > 0) add('variant-removed', `${missing.length} ${unionKey} variant(s) removed or changed`);
  }

  // Types: everything the published type accepted must still be accepted (integer fits in number).
  const wasTypes = typesOf(published);
  const nowTypes = typesOf(current);
  if (nowTypes && !wasTypes && !was && !unionKey) add('type-changed', `type restricted to ${nowTypes.join('|')}`);
  if (wasTypes && nowTypes) {
    const lost = wasTypes.filter((type) => !nowTypes.includes(type) && !(type === 'integer' && nowTypes.includes('number')));
    if (lost.length > 0) add('type-changed', `type ${wasTypes.join('|')} changed to ${nowTypes.join('|')}`);
  }

  for (const keyword of ['format', 'pattern'] as const) {
    if (current[keyword] !== undefined && current[keyword] !== published[keyword]) {
      const kind = keyword === 'format' ? 'format-changed' : 'pattern-changed';
      add(kind, published[keyword] === undefined ? `${keyword} ${JSON.stringify(current[keyword])} added` : `${keyword} changed from ${JSON.stringify(published[keyword])} to ${JSON.stringify(current[keyword])}`);
    }
  }

  for (const keyword of LOWER_BOUNDS) {
    const before = published[keyword];
    const after = current[keyword];
    if (typeof after === 'number' && (typeof before !== 'number' || after > before)) add('constraint-tightened', `${keyword} ${before ?? '(none)'} -> ${after}`);
  }
  for (const keyword of UPPER_BOUNDS) {
    const before = published[keyword];
    const after = current[keyword];
    if (typeof after === 'number' && (typeof before !== 'number' || after < before)) add('constraint-tightened', `${keyword} ${before ?? '(none)'} -> ${after}`);
  }
  if (current['uniqueItems'] === true && published['uniqueItems'] !== true) add('constraint-tightened', 'uniqueItems added');

  // Objects.
  const wasProps = isObject(published['properties']) ? published['properties'] : {};
  const nowProps = isObject(current['properties']) ? current['properties'] : {};
  const wasRequired = new Set(Array.isArray(published['required']) ? (published['required'] as string[]) : []);
  const nowRequired = Array.isArray(current['required']) ? (current['required'] as string[]) : [];
  for (const [name, schema] of Object.entries(wasProps)) {
    const next = nowProps[name];
    if (!isObject(next)) {
      out.push({ path: join(path, name), kind: 'property-removed', message: `property ${name} removed` });
    } else if (isObject(schema)) {
      compare(schema, next, join(path, name), out);
    }
  }
  for (const name of nowRequired) {
    if (wasRequired.has(name)) continue;
    if (name in wasProps) out.push({ path: join(path, name), kind: 'optional-made-required', message: `optional property ${name} made required` });
    else out.push({ path: join(path, name), kind: 'required-property-added', message: `new required property ${name}` });
  }
  const wasAdditional = published['additionalProperties'];
  const nowAdditional = current['additionalProperties'];
  if (nowAdditional !== undefined && nowAdditional !== true) {
    if (wasAdditional === undefined || wasAdditional === true) add('additional-properties-tightened', 'additionalProperties tightened');
    else if (nowAdditional === false && isObject(wasAdditional)) add('additional-properties-tightened', 'additionalProperties tightened to false');
    else if (isObject(wasAdditional) && isObject(nowAdditional)) compare(wasAdditional, nowAdditional, join(path, '*'), out);
  }

  // Arrays.
  if (isObject(published['items']) && isObject(current['items'])) compare(published['items'], current['items'], `${path === '/' ? '' : path}[]`, out);
  else if (!isObject(published['items']) && isObject(current['items'])) add('type-changed', 'array items restricted');
}

/** Lists the changes from the published schema to the current one that break consumers (empty: compatible). */
export function findBreakingChanges(published: JsonSchema, current: JsonSchema): BreakingChange[] {
  const out: BreakingChange[] = [];
  compare(published, current, '/', out);
  return out;
}

export type PublicationStatus =
  | { status: 'current' }
  | { status: 'unpublished'; message: string }
  | { status: 'stale'; message: string }
  | { status: 'breaking'; message: string; changes: BreakingChange[] };

/**
 * How a committed (published) schema file relates to the code's schema for the same file name:
 * current (identical), unpublished (no file yet), stale (compatible difference: regenerate) or
 * breaking (the code must publish a new event version instead).
 */
export function publicationStatus(name: string, published: JsonSchema | undefined, current: JsonSchema): PublicationStatus {
  if (published === undefined) return { status: 'unpublished', message: `${name} is not published yet: run npm run schemas` };
  if (JSON.stringify(sortAll(published)) === JSON.stringify(sortAll(current))) return { status: 'current' };
  const changes = findBreakingChanges(published, current);
  if (changes.length > 0) {
    const list = changes.map((change) => `  ${change.path}: ${change.message} (${change.kind})`).join('\n');
    return { status: 'breaking', changes, message: `${name} has breaking changes against the published schema; publish a new event version instead:\n${list}` };
  }
  return { status: 'stale', message: `${name} differs (compatibly) from the published schema: run npm run schemas` };
}

function sortAll(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortAll);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortAll(value[key])]),
  );
}
