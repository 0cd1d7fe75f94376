import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually, freePort, query, testServiceEnv } from '@dtc/testkit';

const repoRoot = path.resolve(__dirname, '..', '..');

export type ServiceName = 'household-registry' | 'enrollment' | 'training' | 'reporting';

const SCHEMAS: Record<ServiceName, string> = { 'household-registry': 'registry', enrollment: 'enrollment', training: 'training', reporting: 'reporting' };

export interface RunningService {
  name: ServiceName;
  url: string;
  schema: string;
  process: ChildProcess;
  output: string[];
}

/**
 * Starts the built services (dist/, from `npm run build`) as real processes with this run's
 * schemas and topic prefix, and waits until /health reports every dependency up.
 */
export async function startServices(
  runId: string,
  names: ServiceName[],
  extraEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {},
  { awaitHealthy = true }: { awaitHealthy?: boolean } = {},
): Promise<{ services: Record<string, RunningService>; stop: () => Promise<void> }> {
  const services: Record<string, RunningService> = {};
  for (const name of names) {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, ['-r', './tools/runtime/register.js', `dist/apps/${name}/src/main.js`], {
      cwd: repoRoot,
      env: { ...testServiceEnv(SCHEMAS[name], runId, port), ...extraEnv[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    services[name] = { name, url: `http://127.0.0.1:${port}`, schema: `t_${runId}_${SCHEMAS[name]}`, process: child, output };
  }
  // A service armed with a failpoint may die while starting: the caller watches for that instead.
  await Promise.all(
    Object.values(services).filter(() => awaitHealthy).map((service) =>
      eventually(
        async () => {
          if (service.process.exitCode !== null || service.process.signalCode !== null) throw new Error(`${service.name} exited:\n${service.output.join('')}`);
          const response = await fetch(`${service.url}/health`);
          if (response.status !== 200) throw new Error(`${service.name} not healthy: ${await response.text()}`);
        },
        { timeoutMs: 60000, intervalMs: 200 },
      ),
    ),
  );
  const stop = async () => {
    await Promise.all(
      Object.values(services).map(
        (service) =>
          new Promise<void>((resolve) => {
            if (service.process.exitCode !== null || service.process.signalCode !== null) return resolve();
            service.process.once('exit', () => resolve());
            service.process.kill('SIGTERM');
          }),
      ),
    );
  };
  return { services, stop };
}

/** Reporting keeps its projections (and their applied batches) in the active generation schema. */
export async function activeProjectionSchema(reporting: RunningService): Promise<string> {
  const [row] = await query<{ schema_name: string }>(`select schema_name from "${reporting.schema}".projection_generations where state = 'active'`);
  if (!row) throw new Error(`${reporting.schema} has no active projection generation`);
  return row.schema_name;
}
