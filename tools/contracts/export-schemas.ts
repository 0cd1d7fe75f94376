/**
 * npm run schemas: writes the JSON Schema of the envelope and of every event version to
 * docs/events/schemas/ for integrators. A test checks the committed files are current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exportJsonSchemas } from '@dtc/contracts';

const target = path.resolve(__dirname, '..', '..', 'docs', 'events', 'schemas');
fs.mkdirSync(target, { recursive: true });
for (const { fileName, schema } of exportJsonSchemas()) {
  fs.writeFileSync(path.join(target, fileName), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote docs/events/schemas/${fileName}\n`);
}
