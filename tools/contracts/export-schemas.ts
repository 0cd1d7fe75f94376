/**
 * npm run schemas: publishes the JSON Schema of the envelope and of every event version to
 * docs/events/schemas/ and the AsyncAPI document to docs/events/asyncapi.json, for integrators.
 *
 * The committed schema files are the published contracts: new event versions and compatible
 * changes are written; a breaking change to a published version is refused (exit code 1, nothing
 * written) because it must be published as a new event version instead (see
 * libs/contracts/src/compatibility.ts). tests/contracts/published-schemas.spec.ts checks the
 * committed files are current and that the code breaks none of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { planPublication } from '@dtc/contracts';

const docsDir = path.resolve(__dirname, '..', '..', 'docs', 'events');
const { writes, refused } = planPublication((file) => {
  const absolute = path.join(docsDir, file);
  return fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : undefined;
});
if (refused.length > 0) {
  process.stderr.write(`Refusing to overwrite published event schemas (nothing written):\n${refused.join('\n')}\n`);
  process.exit(1);
}
for (const { path: file, content } of writes) {
  fs.mkdirSync(path.dirname(path.join(docsDir, file)), { recursive: true });
  fs.writeFileSync(path.join(docsDir, file), content);
  process.stdout.write(`wrote docs/events/${file}\n`);
}
if (writes.length === 0) process.stdout.write('docs/events is current\n');
