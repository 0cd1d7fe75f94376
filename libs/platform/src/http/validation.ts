import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validate, ValidateIf, ValidationTypes, type ValidatorOptions } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
const REMEMBERING = Symbol('dtc.rememberingTargetMetadata');

/**
 * class-validator looks up a class's rules on every validate() (for each nested object too), and
 * the look-up tests the class against every registered class for inheritance: about 1.5% of a
 * writing service's CPU with the platform's few hundred DTO classes. Rules are registered when
 * classes are defined, so the answer (and its grouping by property) is kept per class and
 * options, and forgotten whenever a rule is added. The validator only reads what it gets.
 */
function rememberTargetMetadata(): void {
  const storage = getMetadataStorage();
  const marked = storage as MetadataStorage & { [REMEMBERING]?: true };
  if (marked[REMEMBERING]) return;
  marked[REMEMBERING] = true;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let found = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (metadata) => {
    found = new WeakMap();
    grouped = new WeakMap();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? '-'}`;
    let forTarget = found.get(target);
    if (!forTarget) found.set(target, (forTarget = new Map()));
    let metadata = forTarget.get(key);
    if (!metadata) forTarget.set(key, (metadata = lookUp(target, schema, always, strictGroups, groups)));
    return metadata;
  };
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
}
rememberTargetMetadata();

export interface FieldProblem {
  field: string;
  reason: string;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

const NULLABLE = new WeakMap<object, Set<string>>();

/**
 * The one field of a request that takes null (with a meaning the API documents, such as "null
 * clears it"); its other validators run on anything else. Every other field refuses null: see
 * `nullFields`.
 */
export function Nullable(): PropertyDecorator {
  return (target, property) => {
    const fields = NULLABLE.get(target.constructor) ?? new Set<string>();
    fields.add(String(property));
    NULLABLE.set(target.constructor, fields);
    ValidateIf((_, value) => value !== null)(target, property);
  };
}

function isNullable(type: object, property: string): boolean {
  for (let t: object | null = type; t && t !== Object; t = Object.getPrototypeOf(t) as object | null) {
    if (NULLABLE.get(t)?.has(property)) return true;
  }
  return false;
}

/**
 * The rule for null in a request: an optional field is either given with a value of its type or
 * left out; null is refused (400 naming the field) unless the field is declared `@Nullable()`.
 * `@IsOptional()` alone lets null through every other validator, and services then stored it,
 * failed on a NOT NULL column (500) or cleared a value the caller did not mean to.
 * Also where a nested DTO (`@ValidateNested`) belongs, a list is refused: class-validator checks a
 * list's elements instead, so `[]` (or `[[]]` for a list of DTOs) passed with no check at all and
 * reached the service (a /sync batch of `{"items":[[]]}` stored a 500 for its item).
 * Walks nested DTOs, objects and lists alike.
 */
export function nullFields(instance: unknown, parent = ''): FieldProblem[] {
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance) || instance.constructor === Object) return [];
  const type = instance.constructor;
  const { properties, nestedOf } = validatedPropertiesOf(type);
  const problems: FieldProblem[] = [];
  const notAList = (value: unknown, field: string, property: string) => {
    if (!Array.isArray(value)) return nullFields(value, field);
    return [{ field, reason: `${property} must be an object, not a list` }];
  };
  for (const property of properties) {
    const value = (instance as Record<string, unknown>)[property];
    const field = parent ? `${parent}.${property}` : property;
    const nested = nestedOf.get(property);
    if (value === null) {
      if (!isNullable(type, property)) problems.push({ field, reason: `${property} must not be null (leave the field out instead)` });
    } else if (nested?.each && Array.isArray(value)) {
      value.forEach((item, index) => problems.push(...notAList(item, `${field}.${index}`, `each value in ${property}`)));
    } else if (nested) {
      problems.push(...notAList(value, field, property));
    }
  }
  return problems;
}

interface ValidatedProperties {
  properties: string[];
  /** The nested-DTO rule of a property, when it has one. */
  nestedOf: Map<string, { each: boolean }>;
}

const validatedProperties = new WeakMap<object, ValidatedProperties>();

/**
 * A DTO class's validated properties, read once per class: decorators register them when the
 * class is defined, and asking class-validator's storage again on every request was a measurable
 * share of each write (every sync item is checked with nullFields).
 */
function validatedPropertiesOf(type: object): ValidatedProperties {
  let known = validatedProperties.get(type);
  if (!known) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(type as new () => object, '', true, false);
    const nestedOf = new Map<string, { each: boolean }>();
    for (const m of metadata) if (m.type === ValidationTypes.NESTED_VALIDATION && !nestedOf.has(m.propertyName)) nestedOf.set(m.propertyName, { each: Boolean(m.each) });
    known = { properties: [...new Set(metadata.map((m) => m.propertyName))], nestedOf };
    validatedProperties.set(type, known);
  }
  return known;
}

function toValidationErrors(problems: FieldProblem[]): ValidationError[] {
  return problems.map((p) => ({ property: p.field, constraints: { isNotNull: p.reason }, children: [] }));
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys that would replace a DTO's prototype or constructor when the request is turned into its
 * class (JSON.parse and the query parser make `__proto__` an ordinary key): the object then
 * escaped every validator, or the validator itself failed, and the request became a 500.
 * Refused like any unknown field, at any depth.
 */
export function prototypeKeys(value: unknown, parent = '', depth = 0): FieldProblem[] {
  if (typeof value !== 'object' || value === null || depth > 64) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) return [{ field, reason: `property ${key} should not exist` }];
    return prototypeKeys((value as Record<string, unknown>)[key], field, depth + 1);
  });
}

/** Nest's pipe plus the prototype-key check (`prototypeKeys`) and the null rule (`nullFields`). */
class PlatformValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const fields = prototypeKeys(value);
      if (fields.length > 0) throw new BadRequestException({ message: 'Validation failed', fields });
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, options);
    return [...toValidationErrors(nullFields(object)), ...errors];
  }
}

/** Rejects unknown fields, wrong types and null (unless `@Nullable()`) with 400 and the list of failing fields. */
export function createValidationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new BadRequestException({ message: 'Validation failed', fields });
    },
  });
}

/**
 * Validates a plain object against a DTO class with the same rules as the HTTP pipe (unknown
 * fields rejected); for payloads nested in other requests, such as offline-sync items.
 */
export async function validatePayload<T extends object>(type: ClassConstructor<T>, payload: unknown): Promise<{ value: T; fields: FieldProblem[] }> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { value: undefined as unknown as T, fields: [{ field: 'payload', reason: 'payload must be an object' }] };
  }
  const keys = prototypeKeys(payload);
  if (keys.length > 0) return { value: undefined as unknown as T, fields: keys };
  const value = plainToInstance(type, payload);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  return { value, fields: [...nullFields(value), ...flattenValidationErrors(errors)] };
}
