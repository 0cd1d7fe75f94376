import fs from 'node:fs';
import path from 'node:path';
import { exportJsonSchemas } from '@dtc/contracts';

// The JSON Schemas integrators read live in docs/events/schemas; they must match the code.
const schemasDir = path.resolve(__dirname, '..', '..', 'docs', 'events', 'schemas');

describe('published JSON Schemas', () => {
  it.each(exportJsonSchemas().map((s) => [s.fileName, s.schema] as const))('%s is committed and current (run `npm run schemas` after a change)', (fileName, schema) => {
    const file = path.join(schemasDir, fileName);
    expect(fs.existsSync(file)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(schema);
  });

  it('has no stale schema file for an event that no longer exists', () => {
    const expected = new Set(exportJsonSchemas().map((s) => s.fileName));
    expect(fs.readdirSync(schemasDir).filter((f) => !expected.has(f))).toEqual([]);
  });
});
