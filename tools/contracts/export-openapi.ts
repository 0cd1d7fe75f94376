/**
 * npm run api: writes each service's OpenAPI document to docs/api/ and regenerates the typed API
 * client's types in libs/api-client/src/generated/ from them. Run it after changing a route, a
 * DTO or a response. `npm run api -- --check` writes nothing and exits 1 naming the stale files
 * (npm test runs it: tests/contracts/openapi-client.spec.ts). `--root DIR` compares or writes
 * under DIR instead of the repository (for that test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArguments, UsageError } from '@dtc/platform';
import { generatedApiFiles } from './openapi-documents';

void (async () => {
  const { options } = parseArguments(process.argv.slice(2), {
    options: {
      check: { description: 'write nothing; exit 1 naming the files that differ' },
      root: { description: 'compare or write under DIR instead of the repository', value: 'DIR' },
    },
  });
  const root = path.resolve(options.root ?? path.join(__dirname, '..', '..'));
  const stale: string[] = [];
  for (const { path: file, content } of await generatedApiFiles()) {
    const absolute = path.join(root, file);
    if (fs.existsSync(absolute) && fs.readFileSync(absolute, 'utf8') === content) continue;
    stale.push(file);
    if (options.check) continue;
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, content);
    process.stdout.write(`wrote ${file}\n`);
  }
  if (stale.length === 0) process.stdout.write('docs/api and libs/api-client are current\n');
  else if (options.check) {
    process.stderr.write(`stale (run npm run api):\n${stale.map((file) => `  ${file}`).join('\n')}\n`);
    process.exit(1);
  } else process.stdout.write(`${stale.length} file(s) written\n`);
  process.exit(0);
})().catch((error: Error) => {
  process.stderr.write(`npm run api: ${error instanceof UsageError ? error.message : error.stack}\n`);
  process.exit(2);
});
