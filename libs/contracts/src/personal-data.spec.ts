import { EVENT_CATALOGUE } from './catalogue';

/**
 * Events leave the service boundary (Kafka, integrators, exported schemas) and must never carry
 * personal data. These checks guard every event added to the catalogue in the future.
 */
const PERSONAL_PROPERTY = new RegExp(
  [
    '^name$',
    'full_?name',
    'head_?name',
    'first_?name',
    'last_?name',
    'id_?number',
    'personal_?id',
    'citizen_?id',
    'cccd',
    'cmnd',
    "^(mobile_?|tele|contact_?)?phone(_?(number|no))?$",
    'mobile_?number',
    'date_?of_?birth',
    '^dob$',
    'birth_?date',
    'address',
    'email',
  ].join('|'),
  'i',
);

type JsonSchema = Record<string, unknown>;

/** Every property name declared anywhere in a schema, with its path. */
function propertyNames(schema: unknown, path = ''): { name: string; path: string }[] {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((item, index) => propertyNames(item, `${path}[${index}]`));
  const node = schema as JsonSchema;
  const found: { name: string; path: string }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'properties' || key === 'patternProperties' || key === 'definitions' || key === '$defs') && value && typeof value === 'object') {
      for (const [name, child] of Object.entries(value as JsonSchema)) {
        found.push({ name, path: `${path}/${name}` });
        found.push(...propertyNames(child, `${path}/${name}`));
      }
    } else if (value && typeof value === 'object') {
      found.push(...propertyNames(value, path));
    }
  }
  if (Array.isArray(node['required'])) {
    for (const name of node['required'] as unknown[]) if (typeof name === 'string') found.push({ name, path: `${path}/${name}` });
  }
  return found;
}

/** Every primitive value in an example, with its path. */
function leafValues(value: unknown, path = ''): { value: string; path: string }[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => leafValues(item, `${path}/${index}`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, child]) => leafValues(child, `${path}/${key}`));
  return [{ value: String(value), path }];
}

function exampleKeys(value: unknown, path = ''): { name: string; path: string }[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => exampleKeys(item, `${path}/${index}`));
  return Object.entries(value).flatMap(([key, child]) => [{ name: key, path: `${path}/${key}` }, ...exampleKeys(child, `${path}/${key}`)]);
}

describe('the personal-data guard itself', () => {
  it.each(['name', 'fullName', 'FULL_NAME', 'headName', 'idNumber', 'personalId', 'citizenId', 'soCCCD', 'phone', 'phoneNumber', 'dateOfBirth', 'dob', 'birthDate', 'address', 'homeAddress'])(
    'flags %s',
    (name) => expect(PERSONAL_PROPERTY.test(name)).toBe(true),
  );

  it.each(['villageName', 'villageCode', 'householdId', 'hasInternet', 'smartDevices', 'occurredAt', 'mobileSignal'])('does not flag %s', (name) =>
    expect(PERSONAL_PROPERTY.test(name)).toBe(false),
  );

  it('finds nested property names', () => {
    const schema = {
      type: 'object',
      properties: {
        household: { type: 'object', properties: { members: { type: 'array', items: { type: 'object', properties: { fullName: { type: 'string' } } } } } },
        contact: { anyOf: [{ type: 'object', properties: { phone: { type: 'string' } } }] },
      },
    };
    const names = propertyNames(schema).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['household', 'members', 'fullName', 'contact', 'phone']));
  });
});

describe.each(EVENT_CATALOGUE.map((d) => [d.type, d] as const))('%s carries no personal data', (_type, definition) => {
  it('has no schema property named like personal data', () => {
    const names = propertyNames(JSON.parse(JSON.stringify(definition.schema)));
    expect(names.length).toBeGreaterThan(0);
    const offending = names.filter(({ name }) => PERSONAL_PROPERTY.test(name)).map(({ path }) => path);
    expect(offending).toEqual([]);
  });

  it('has no example key named like personal data', () => {
    const offending = exampleKeys(definition.example).filter(({ name }) => PERSONAL_PROPERTY.test(name)).map(({ path }) => path);
    expect(offending).toEqual([]);
  });

  it('has no identity number (12 digits) or phone number in its example', () => {
    const leaves = leafValues(definition.example);
    expect(leaves.length).toBeGreaterThan(0);
    // UUIDs may legitimately end in 12 digits; they are identifiers, not identity numbers.
    const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    const identityNumbers = leaves.filter(({ value }) => /(^|\D)\d{12}(\D|$)/.test(value.replace(UUID, ''))).map(({ path }) => path);
    const phones = leaves.filter(({ value }) => /^0\d{9}$/.test(value.trim()) || /^\+?84\d{9}$/.test(value.trim())).map(({ path }) => path);
    expect(identityNumbers).toEqual([]);
    expect(phones).toEqual([]);
  });
});
