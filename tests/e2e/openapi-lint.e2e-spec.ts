import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registryApi } from '@dtc/api-client';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, testToken } from '@dtc/testkit';
import { BROWSER_STEP_TIMEOUT_MS, launchChromium } from '../support/browser';
import { request } from '../support/http';
import { startServices, type RunningService, type ServiceName } from '../support/services';

// The four OpenAPI documents pass Redocly CLI's recommended rules (redocly.yaml), as a client
// generator or an integrator's linter reads them. One warning is allowed, and only where it is
// true: a public operation (health, liveness, metrics, the old dashboard address) has no 4XX answer,
// since it needs no token, is not rate-limited and takes no input; and a public redirect (the old
// dashboard address, now the console's) has no 2XX answer, only its 3XX.
const runId = newRunId();
const repoRoot = path.resolve(__dirname, '..', '..');
const SERVICES: ServiceName[] = ['household-registry', 'enrollment', 'training', 'reporting'];

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ source: { ref: string }; pointer: string }>;
}
interface OpenApiOperation {
  security?: unknown[];
  responses?: Record<string, unknown>;
}

/**
 * Redocly CLI in a child process, awaited. Not spawnSync: blocking this process's event loop for the
 * lint's seconds let a service close the idle keep-alive socket unseen, and the next request on it
 * failed with "other side closed".
 */
function lintDocument(file: string): Promise<{ status: number; stdout: string }> {
  const args = [require.resolve('@redocly/cli/bin/cli.js'), 'lint', '--config', path.join(repoRoot, 'redocly.yaml'), '--format', 'json', file];
  const options = { cwd: repoRoot, encoding: 'utf8' as const, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } };
  return new Promise((resolve) => {
    execFile(process.execPath, args, options, (error, stdout) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout }));
  });
}

describe('OpenAPI documents pass Redocly lint (recommended)', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;
  const folder = mkdtempSync(path.join(tmpdir(), 'dtc-openapi-'));

  beforeAll(async () => {
    ({ services, stop } = await startServices(runId, SERVICES));
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(SERVICES)('%s', async (name) => {
    const { status, body: document } = await request<{ paths: Record<string, Record<string, OpenApiOperation>> }>('GET', `${services[name].url}/docs-json`);
    expect(status).toBe(200);
    const file = path.join(folder, `${name}.json`);
    writeFileSync(file, JSON.stringify(document));

    const lint = await lintDocument(file);
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as { problems: LintProblem[] };

    const operationAt = (pointer: string): OpenApiOperation | undefined => {
      const [, , escapedPath, method] = pointer.split('/');
      return document.paths[(escapedPath ?? '').replace(/~1/g, '/').replace(/~0/g, '~')]?.[method ?? ''];
    };
    const publicWithout4xx = (problem: LintProblem) =>
      problem.ruleId === 'operation-4xx-response' && problem.location.every(({ pointer }) => operationAt(pointer)?.security?.length === 0);
    const publicRedirect = (problem: LintProblem) =>
      problem.ruleId === 'operation-2xx-response' &&
      problem.location.every(({ pointer }) => {
        const operation = operationAt(pointer);
        const codes = Object.keys(operation?.responses ?? {});
        return operation?.security?.length === 0 && codes.length > 0 && codes.every((code) => /^3\d\d$/.test(code));
      });
    const problems = report.problems.filter((problem) => !publicWithout4xx(problem) && !publicRedirect(problem)).map((problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);

    expect(problems).toEqual([]);
    expect(lint.status).toBe(0);
    // The allowance above covers public operations only, and they are documented as public.
    expect(document.paths['/health']?.get?.security).toEqual([]);
  });

  // docs/api holds what `npm run api` built from the routes without a running service; the client
  // types are generated from it, so it must be the document the running service serves.
  it.each([
    ['household-registry', 'registry'],
    ['enrollment', 'enrollment'],
    ['training', 'training'],
    ['reporting', 'reporting'],
  ] as const)('%s serves the committed docs/api document the client is generated from', async (name, file) => {
    const served = await request('GET', `${services[name].url}/docs-json`);
    expect(served.body).toEqual(JSON.parse(readFileSync(path.join(repoRoot, 'docs/api', `${file}.openapi.json`), 'utf8')));
  });

  it('a client generated from the documents (@dtc/api-client) works against the service', async () => {
    const registry = registryApi({ baseUrl: services['household-registry'].url, token: testToken({ sub: 'ops-openapi', role: 'operations' }) });
    const onboarded = await registry.POST('/communes', { body: { code: '09955', name: 'Xã Đông Sơn', provinceCode: '38', provinceName: 'Thanh Hóa' } });
    expect(onboarded.response.status).toBe(201);
    const village = await registry.POST('/communes/{code}/villages', { params: { path: { code: '09955' } }, body: { code: 'THON-1', name: 'Thôn 1' } });
    expect(village.response.status).toBe(201);
    const villages = await registry.GET('/communes/{code}/villages', { params: { path: { code: '09955' } } });
    expect(villages.data?.map((v) => [v.code, v.name])).toEqual([['THON-1', 'Thôn 1']]);
    const again = await registry.POST('/communes', { body: { code: '09955', name: 'Xã Đông Sơn', provinceCode: '38', provinceName: 'Thanh Hóa' } });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ statusCode: 409 });
  });

  it('serves Swagger UI under a Content-Security-Policy that the page runs within', async () => {
    const url = `${services['household-registry'].url}/docs`;
    const answer = await fetch(url);
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect((await fetch(`${url}-json`)).headers.get('content-security-policy')).toBeNull();

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(url);
      // The operations render from /docs-json: the page's scripts ran and fetched under the policy.
      await page.waitForSelector('.opblock-summary-path');
      expect(await page.locator('.opblock-summary-path').count()).toBeGreaterThan(5);
      expect(violations).toEqual([]);
      // An injected inline script is refused, and the refusal is reported.
      await page.evaluate(`document.body.appendChild(Object.assign(document.createElement('script'), { textContent: 'window.injected = true' }))`);
      expect(await page.evaluate('typeof window.injected')).toBe('undefined');
      await eventually(async () => expect(violations).toHaveLength(1), { timeoutMs: 5000, intervalMs: 100 });
    } finally {
      await browser.close();
    }
  }, 4 * BROWSER_STEP_TIMEOUT_MS);
});
