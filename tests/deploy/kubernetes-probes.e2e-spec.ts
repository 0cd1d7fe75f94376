import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { databaseUrl, deleteTestTopics, dropTestSchemas, eventually, newRunId } from '@dtc/testkit';
import { appNames, containerEnv, find, loadKustomization } from '../support/kubernetes-manifests';
import { startServices, type RunningService, type ServiceName } from '../support/services';

// The Deployments' probes and shutdown budget against the real services, started with the
// environment the Deployments give them. Only endpoints and isolation are this run's own.
const RUN_SPECIFIC = ['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'PORT', 'HOST', 'TOPIC_PREFIX', 'DATABASE_SCHEMA'];
const { manifests } = loadKustomization();
const apps = appNames() as ServiceName[];
const runId = newRunId();
const outageRunId = newRunId();

const container = (app: string) => find(manifests, 'Deployment', app)!.spec!.template.spec.containers[0];
const podSpec = (app: string) => find(manifests, 'Deployment', app)!.spec!.template.spec;
// The example Secret's JWT_SECRET is a placeholder that production mode refuses: operators
// generate their own, as this run does.
const generatedSecret = randomBytes(32).toString('hex');
const deploymentEnv = (app: string) => ({
  ...Object.fromEntries(Object.entries(containerEnv(container(app), manifests).env).filter(([name]) => !RUN_SPECIFIC.includes(name))),
  JWT_SECRET: generatedSecret,
});
const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5000) });

/** A TCP proxy to Postgres that can be cut, so one instance loses its database alone. */
async function postgresProxy(): Promise<{ url: string; cut: () => Promise<void> }> {
  const upstream = new URL(databaseUrl());
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const backend = connect(Number(upstream.port || 5432), upstream.hostname);
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(backend).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(upstream.toString());
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return {
    url: proxied.toString(),
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sockets.forEach((socket) => socket.destroy());
      await closed;
    },
  };
}

describe('Kubernetes probes and shutdown against the running services', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ services, stop } = await startServices(runId, apps, Object.fromEntries(apps.map((app) => [app, deploymentEnv(app)]))));
  });

  afterAll(async () => {
    await stop?.();
    for (const id of [runId, outageRunId]) {
      await dropTestSchemas(id);
      await deleteTestTopics(id);
    }
  });

  it.each(apps)('%s answers its readiness, liveness and startup probes and its scrape path', async (app) => {
    const { readinessProbe, livenessProbe, startupProbe } = container(app);
    const scrapePath = find(manifests, 'Deployment', app)!.spec!.template.metadata.annotations['prometheus.io/path'];
    for (const path of [readinessProbe.httpGet.path, livenessProbe.httpGet.path, startupProbe.httpGet.path, scrapePath]) {
      expect({ path, status: (await get(`${services[app].url}${path}`)).status }).toEqual({ path, status: 200 });
    }
    expect(await (await get(`${services[app].url}${scrapePath}`)).text()).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
  });

  it.each(apps)('%s documents its readiness and liveness routes in its OpenAPI', async (app) => {
    const { readinessProbe, livenessProbe } = container(app);
    const openApi = (await (await get(`${services[app].url}/docs-json`)).json()) as { paths: Record<string, { get?: unknown }> };
    expect(openApi.paths[readinessProbe.httpGet.path]?.get).toBeDefined();
    expect(openApi.paths[livenessProbe.httpGet.path]?.get).toBeDefined();
  });

  it.each(apps)('%s refuses to start in production mode with the example Secret\'s placeholder', async (app) => {
    const { env } = containerEnv(container(app), manifests);
    const result = spawnSync(process.execPath, ['-r', './tools/runtime/register.js', `dist/apps/${app}/src/main.js`], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_SECRET is a secret published in the repository');
    expect(result.stderr).not.toContain(env.JWT_SECRET);
  });

  it('keeps liveness up but readiness down while an instance cannot reach Postgres', async () => {
    const app: ServiceName = 'household-registry';
    const proxy = await postgresProxy();
    const { services: outage } = await startServices(outageRunId, [app], { [app]: { ...deploymentEnv(app), DATABASE_URL: proxy.url } });
    const instance = outage[app];
    const { readinessProbe, livenessProbe } = container(app);
    try {
      expect((await get(`${instance.url}${readinessProbe.httpGet.path}`)).status).toBe(200);
      await proxy.cut();
      await eventually(
        async () => {
          const readiness = await get(`${instance.url}${readinessProbe.httpGet.path}`);
          expect(readiness.status).toBe(503);
          expect(((await readiness.json()) as { checks: Record<string, { status: string }> }).checks.database.status).toBe('down');
        },
        { timeoutMs: 30000, intervalMs: 250 },
      );
      expect((await get(`${instance.url}${livenessProbe.httpGet.path}`)).status).toBe(200);
      expect(instance.process.exitCode).toBeNull();
    } finally {
      instance.process.kill('SIGKILL');
    }
  });

  it('stops on SIGTERM within the grace period left after the pre-stop pause', async () => {
    const results = await Promise.all(
      apps.map(async (app) => {
        const pause = container(app).lifecycle.preStop.exec.command;
        const budgetMs = (podSpec(app).terminationGracePeriodSeconds - Number(pause[pause.length - 1])) * 1000;
        const child = services[app].process;
        const started = Date.now();
        const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
        child.kill('SIGTERM');
        const how = await exited;
        const tookMs = Date.now() - started;
        process.stdout.write(`${app} stopped ${tookMs} ms after SIGTERM (budget ${budgetMs} ms)\n`);
        return { app, how, inBudget: tookMs < budgetMs };
      }),
    );
    expect(results).toEqual(apps.map((app) => ({ app, how: expect.stringMatching(/^(0|SIGTERM)$/), inBudget: true })));
  });
});
