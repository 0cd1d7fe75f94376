import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'openapi-backend';
import { openApiValidator } from '../support/openapi-contract';

// The committed OpenAPI documents (docs/api/) and the API client's types generated from them
// (libs/api-client) must be what the services' routes describe now: a route, DTO or response
// changed without `npm run api` fails here, so a client built from them never lags the services.
// The generator runs as its command does (openapi-typescript is an ES module Jest cannot load).
const repoRoot = path.resolve(__dirname, '..', '..');
const SERVICES = ['enrollment', 'registry', 'reporting', 'training'];
const generated = SERVICES.flatMap((name) => [`docs/api/${name}.openapi.json`, `libs/api-client/src/generated/${name}.ts`]);

const exportApi = (...args: string[]) =>
  spawnSync(process.execPath, ['-r', './tools/runtime/register.js', 'tools/contracts/export-openapi.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120000 });

describe('npm run api (the generated API client)', () => {
  it('finds the committed documents and client types current', () => {
    const check = exportApi('--check');
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout).toContain('docs/api and libs/api-client are current');
  });

  // Redocly's rules passed a tag listed twice on one operation; the OpenAPI schema itself does not
  // (the validator the end-to-end suites use refuses such a document).
  it.each(SERVICES)('docs/api/%s.openapi.json is a valid OpenAPI document', async (name) => {
    const definition = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs/api', `${name}.openapi.json`), 'utf8')) as Document;
    await expect(openApiValidator(definition)).resolves.toBeDefined();
    const duplicated = JSON.parse(JSON.stringify(definition)) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const [operation] = Object.values(Object.values(duplicated.paths)[0]);
    operation.tags = ['same', 'same'];
    await expect(openApiValidator(duplicated as unknown as Document)).rejects.toThrow(/duplicate items/);
  });

  it('names a stale file and writes nothing with --check; writes it back without', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-api-'));
    try {
      for (const file of generated) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.copyFileSync(path.join(repoRoot, file), path.join(root, file));
      }
      const edited = path.join(root, 'libs/api-client/src/generated/registry.ts');
      fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('"/households', '"/homes'));
      fs.rmSync(path.join(root, 'docs/api/training.openapi.json'));

      const check = exportApi('--check', '--root', root);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain('libs/api-client/src/generated/registry.ts');
      expect(check.stderr).toContain('docs/api/training.openapi.json');
      expect(fs.existsSync(path.join(root, 'docs/api/training.openapi.json'))).toBe(false);

      expect(exportApi('--root', root).status).toBe(0);
      for (const file of generated) expect(fs.readFileSync(path.join(root, file), 'utf8')).toBe(fs.readFileSync(path.join(repoRoot, file), 'utf8'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
