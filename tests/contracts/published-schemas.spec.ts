import fs from 'node:fs';
import path from 'node:path';
import { committedAsyncApi, exportJsonSchemas, findBreakingChanges, planPublication, publicationStatus, type JsonSchema } from '@dtc/contracts';

// The committed files in docs/events/schemas are the published contracts integrators code
// against. The code may change a published event version only compatibly (see
// libs/contracts/src/compatibility.ts); the files must also stay current, and every version the
// code knows must be published.
const docsDir = path.resolve(__dirname, '..', '..', 'docs', 'events');
const schemasDir = path.join(docsDir, 'schemas');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as JsonSchema;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const exported = exportJsonSchemas();
const committedFiles = fs.readdirSync(schemasDir).filter((file) => file.endsWith('.json'));

describe('published JSON Schemas', () => {
  it.each(committedFiles)('%s: the code keeps the published contract (no breaking change) and the file is current', (fileName) => {
    const current = exported.find((s) => s.fileName === fileName);
    if (!current) throw new Error(`docs/events/schemas/${fileName} is published but the code no longer has this event version; published versions stay`);
    const status = publicationStatus(`docs/events/schemas/${fileName}`, readJson(path.join(schemasDir, fileName)), current.schema);
    if (status.status !== 'current') throw new Error(status.message);
  });

  it('publishes every event version the code knows (run npm run schemas)', () => {
    const missing = exported.filter((s) => !committedFiles.includes(s.fileName)).map((s) => publicationStatus(s.fileName, undefined, s.schema));
    expect(missing.map((status) => ('message' in status ? status.message : ''))).toEqual([]);
  });

  it('docs/events/asyncapi.json is committed and current (run npm run schemas)', () => {
    const file = path.join(docsDir, 'asyncapi.json');
    expect(fs.existsSync(file)).toBe(true);
    expect(readJson(file)).toEqual(committedAsyncApi());
  });
});

describe('the compatibility check catches breaking edits of a published schema', () => {
  const fileName = 'vn.dtc.registry.household.registered.v1.schema.json';
  const published = readJson(path.join(schemasDir, fileName));
  const props = (schema: JsonSchema) => schema['properties'] as Record<string, JsonSchema>;

  it('a removed field', () => {
    const edited = clone(published);
    delete props(edited)['villageName'];
    edited['required'] = (edited['required'] as string[]).filter((name) => name !== 'villageName');
    expect(findBreakingChanges(published, edited)).toEqual([expect.objectContaining({ path: '/villageName', kind: 'property-removed' })]);
  });

  it('a retyped field', () => {
    const edited = clone(published);
    props(edited)['smartDevices'] = { type: 'string' };
    expect(findBreakingChanges(published, edited)).toEqual([expect.objectContaining({ path: '/smartDevices', kind: 'type-changed' })]);
  });

  it('an optional field made required', () => {
    const edited = clone(published);
    edited['required'] = [...(edited['required'] as string[]), 'hasInternet'];
    expect(findBreakingChanges(published, edited)).toEqual([expect.objectContaining({ path: '/hasInternet', kind: 'optional-made-required' })]);
    expect(publicationStatus(fileName, published, edited)).toMatchObject({ status: 'breaking', message: expect.stringContaining('publish a new event version instead') });
  });

  it('but a new optional field only needs regenerating', () => {
    const edited = clone(published);
    props(edited)['hasComputer'] = { type: 'boolean' };
    expect(publicationStatus(fileName, published, edited)).toMatchObject({ status: 'stale', message: expect.stringContaining('run npm run schemas') });
  });
});

describe('npm run schemas (planPublication)', () => {
  /** The committed docs/events files, editable in memory. */
  const committed = () => {
    const files = new Map<string, string>(fs.readdirSync(schemasDir).map((file) => [`schemas/${file}`, fs.readFileSync(path.join(schemasDir, file), 'utf8')]));
    files.set('asyncapi.json', fs.readFileSync(path.join(docsDir, 'asyncapi.json'), 'utf8'));
    return files;
  };

  it('writes nothing when everything is published and current', () => {
    const files = committed();
    expect(planPublication((file) => files.get(file))).toEqual({ writes: [], refused: [] });
  });

  it('refuses, writing nothing, when the code breaks a published schema, naming the event and path', () => {
    const files = committed();
    // Publishing a field the code does not have is the same as the code removing it.
    const published = JSON.parse(files.get('schemas/vn.dtc.training.team.formed.v1.schema.json') as string) as JsonSchema;
    (published['properties'] as Record<string, JsonSchema>)['leaderId'] = { type: 'string' };
    files.set('schemas/vn.dtc.training.team.formed.v1.schema.json', JSON.stringify(published));
    files.delete('asyncapi.json');
    expect(planPublication((file) => files.get(file))).toEqual({
      writes: [],
      refused: [expect.stringMatching(/vn\.dtc\.training\.team\.formed\.v1\.schema\.json[\s\S]*publish a new event version instead[\s\S]*\/leaderId: property leaderId removed/)],
    });
  });

  it('writes a new event version (no file yet) and compatible updates', () => {
    const files = committed();
    files.delete('schemas/vn.dtc.training.team.formed.v1.schema.json');
    const envelope = JSON.parse(files.get('schemas/envelope.schema.json') as string) as JsonSchema;
    files.set('schemas/envelope.schema.json', JSON.stringify({ ...envelope, title: 'old title' }));
    const plan = planPublication((file) => files.get(file));
    expect(plan.refused).toEqual([]);
    expect(plan.writes.map((w) => w.path)).toEqual(['schemas/envelope.schema.json', 'schemas/vn.dtc.training.team.formed.v1.schema.json']);
    expect(JSON.parse(plan.writes[1].content)).toEqual(exported.find((s) => s.fileName === 'vn.dtc.training.team.formed.v1.schema.json')?.schema);
  });
});
