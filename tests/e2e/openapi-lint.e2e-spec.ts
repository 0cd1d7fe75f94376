import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteTestTopics, dropTestSchemas, newRunId } from '@dtc/testkit';
import { request } from '../support/http';
import { startServices, type RunningService, type ServiceName } from '../support/services';

// The four OpenAPI documents pass Redocly CLI's recommended rules (redocly.yaml), as a client
// generator or an integrator's linter reads them. One warning is allowed, and only where it is
// true: a public operation (health, liveness, metrics, the dashboard page) has no 4XX answer,
// since it needs no token, is not rate-limited and takes no input.
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

    const lint = spawnSync(process.execPath, [require.resolve('@redocly/cli/bin/cli.js'), 'lint', '--config', path.join(repoRoot, 'redocly.yaml'), '--format', 'json', file], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as { problems: LintProblem[] };

    const operationAt = (pointer: string): OpenApiOperation | undefined => {
      const [, , escapedPath, method] = pointer.split('/');
      return document.paths[(escapedPath ?? '').replace(/~1/g, '/').replace(/~0/g, '~')]?.[method ?? ''];
    };
    const publicWithout4xx = (problem: LintProblem) =>
      problem.ruleId === 'operation-4xx-response' && problem.location.every(({ pointer }) => operationAt(pointer)?.security?.length === 0);
    const problems = report.problems.filter((problem) => !publicWithout4xx(problem)).map((problem) => `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);

    expect(problems).toEqual([]);
    expect(lint.status).toBe(0);
    // The allowance above covers public operations only, and they are documented as public.
    expect(document.paths['/health']?.get?.security).toEqual([]);
  });
});
