import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadServiceConfig, serviceConfigSpec } from '@dtc/platform';
import { repoRoot } from '../support/compose-file';
import {
  appConsumes,
  appDefaults,
  appNames,
  appSettingVariables,
  containerEnv,
  find,
  loadKustomization,
  ofKind,
  quantity,
  readManifests,
  secretExample,
  type Manifest,
} from '../support/kubernetes-manifests';

// Static checks of deploy/kubernetes against the code: apps, routes, configuration, Dockerfile.
// kubernetes-probes.e2e-spec.ts starts the services with the Deployments' environment and calls
// the probe paths for real.
const { kustomization, manifests } = loadKustomization();
const apps = appNames();
const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const source = (file: string) => fs.readFileSync(path.join(repoRoot, file), 'utf8');

/** Routes the platform serves for every service, read from their sources. */
const routes = {
  health: `/${/@Controller\('([^']+)'\)/.exec(source('libs/platform/src/health/health.controller.ts'))![1]}`,
  metrics: `/${/@Controller\('([^']+)'\)/.exec(source('libs/platform/src/metrics/metrics.controller.ts'))![1]}`,
  liveness: `/${/@Controller\('([^']+)'\)/.exec(source('libs/platform/src/health/health.controller.ts'))![1]}/${/@Get\('([^']+)'\)/.exec(source('libs/platform/src/health/health.controller.ts'))![1]}`,
  openApiJson: `/${/jsonDocumentUrl:\s*'([^']+)'/.exec(source('libs/platform/src/openapi/openapi.ts'))![1]}`,
};
/** The heap cap the local runs (npm start, bench, soak) use, whose figures size these manifests. */
const SERVICE_NODE_OPTIONS = /SERVICE_NODE_OPTIONS = '([^']+)'/.exec(source('tools/runtime/service-heap.js'))![1];
/** The malloc arenas the local runs use (the soak judged memory with it). */
const SERVICE_MALLOC_ARENA_MAX = /SERVICE_MALLOC_ARENA_MAX = '([^']+)'/.exec(source('tools/runtime/service-heap.js'))![1];
const healthCheckTimeoutMs = Number(/report\(timeoutMs = (\d+)\)/.exec(source('libs/platform/src/health/health.registry.ts'))![1]);

// The brief for this deployment: reporting's projector runs three instances (as the
// multi-instance test does), everything else two; each is sized for about 300 MB resident memory.
const REPLICAS: Record<string, number> = { 'reporting-projector': 3 };
/** Deployments that run an app's image for one role only, by name: they consume and serve no Service. */
const PROJECTORS: Record<string, string> = { 'reporting-projector': 'reporting' };
/** Every Deployment of an app's image with the app it runs. */
const APP_DEPLOYMENTS: Array<[deployment: string, app: string]> = [...apps.map((app): [string, string] => [app, app]), ...Object.entries(PROJECTORS)];
const DEFAULT_REPLICAS = 2;
const EXPECTED_RSS_BYTES = 300e6;
// Variables Node and its C library read (heap cap; a managed database's CA bundle; malloc arenas).
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'MALLOC_ARENA_MAX'];

const deployment = (app: string) => find(manifests, 'Deployment', app)!;
const podSpec = (app: string) => deployment(app).spec!.template.spec;
const container = (app: string) => podSpec(app).containers.find((c: { name: string }) => c.name === app) ?? podSpec(app).containers[0];
const podLabels = (app: string): Record<string, string> => deployment(app).spec!.template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const env = (app: string) => containerEnv(container(app), manifests);
/** The example Secret's placeholder, replaced as operators do (`openssl rand -hex 32`). */
const withRealSecret = (vars: Record<string, string>) => ({ ...vars, JWT_SECRET: 'c0ffee'.repeat(11) });
/** Whether a Deployment's instances join consumer groups (an app that consumes, unless KAFKA_CONSUMERS=off). */
const consumes = (name: string, app: string) => appConsumes(app) && env(name).env.KAFKA_CONSUMERS !== 'off';
const containerPort = (app: string) => container(app).ports.find((p: { name?: string }) => p.name === 'http')?.containerPort as number;

describe('deploy/kubernetes kustomization', () => {
  it('lists resources that all parse into named objects', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(2 + apps.length * 2);
    for (const m of manifests) expect({ kind: typeof m.kind, name: typeof m.metadata?.name }).toEqual({ kind: 'string', name: 'string' });
  });

  it('puts everything in its own namespace, created by the kustomization', () => {
    expect(kustomization.namespace).toBeTruthy();
    expect(find(manifests, 'Namespace', kustomization.namespace!)).toBeDefined();
  });

  it('applies no Secret: the committed one is an example with the keys operators create', () => {
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    expect(kustomization.resources).not.toContain(path.basename(secretExample));
    expect(readManifests(secretExample).map((m) => m.kind)).toEqual(['Secret']);
  });

  it('has one Deployment and one Service per app in apps/, plus the web apps\' nginx (gateway.yaml) and reporting\'s projector, and none for anything else', () => {
    expect(ofKind(manifests, 'Deployment').map((d) => d.metadata.name).sort()).toEqual([...apps, ...Object.keys(PROJECTORS), 'web'].sort());
    expect(ofKind(manifests, 'Service').map((s) => s.metadata.name).sort()).toEqual([...apps, 'web'].sort());
  });

  it('gives every app its own database schema', () => {
    const schemas = apps.map((app) => loadServiceConfig(appDefaults(app), withRealSecret(env(app).env)).databaseSchema);
    expect(new Set(schemas).size).toBe(apps.length);
  });

  it('pins a release tag for every app image', () => {
    for (const app of apps) {
      const entry = kustomization.images?.find((image) => image.name === container(app).image);
      expect({ app, tag: entry?.newTag ?? entry?.digest }).toEqual({ app, tag: expect.stringMatching(/^(\d+\.\d+\.\d+|sha256:[0-9a-f]{64})$/) });
    }
  });
});

describe.each(APP_DEPLOYMENTS)('%s on Kubernetes', (name, app) => {
  const defaults = appDefaults(app);

  it('runs the image the Dockerfile builds for it, with the image\'s own command', () => {
    // Dockerfile header: docker build --build-arg SERVICE=<app> -t <image> .
    const [, exampleApp, exampleImage] = /--build-arg SERVICE=(\S+) -t (\S+) \./.exec(dockerfile)!;
    expect(container(name).image).toBe(exampleImage.replace(exampleApp, app));
    // The image's CMD execs node as PID 1, so SIGTERM reaches the service; do not wrap it.
    expect(dockerfile).toMatch(/^CMD .*exec node /m);
    expect(container(name).command).toBeUndefined();
    expect(container(name).args).toBeUndefined();
  });

  it('gets an environment the service configuration accepts, on the port the container declares', () => {
    const config = loadServiceConfig(defaults, withRealSecret(env(name).env));
    expect(config.serviceName).toBe(app);
    expect(config.port).toBe(containerPort(name));
  });

  it('runs in production mode, which refuses the example Secret\'s placeholder until operators replace it', () => {
    expect(env(name).env.NODE_ENV).toBe('production');
    expect(() => loadServiceConfig(defaults, env(name).env)).toThrow(/JWT_SECRET is a secret published in the repository/);
  });

  it('needs the Secret: without it the configuration is refused', () => {
    const { env: vars, source } = env(name);
    const withoutSecret = Object.fromEntries(Object.entries(vars).filter(([name]) => source[name] !== 'Secret'));
    expect(() => loadServiceConfig(defaults, withoutSecret)).toThrow(/Invalid configuration/);
  });

  it('takes credentials from the Secret only: JWT_SECRET and URLs with a password', () => {
    const { env: vars, source } = env(name);
    const credentials = Object.keys(vars).filter((name) => name === 'JWT_SECRET' || (/^[a-z]+:\/\//.test(vars[name]) && new URL(vars[name]).password !== ''));
    expect(credentials).toContain('JWT_SECRET');
    for (const name of credentials) expect({ name, source: source[name] }).toEqual({ name, source: 'Secret' });
  });

  it('sets only variables the service reads (or Node itself)', () => {
    const known = new Set([...Object.values(serviceConfigSpec(defaults)).map((field) => field.env), ...appSettingVariables(app), ...RUNTIME_VARIABLES]);
    expect(Object.keys(env(name).env).filter((name) => !known.has(name))).toEqual([]);
  });

  it(PROJECTORS[name] ? 'is reached through no Service: it serves only probes and /metrics' : 'is reached through a Service that selects its pods on the container port', () => {
    if (PROJECTORS[name]) {
      for (const service of ofKind(manifests, 'Service')) expect({ service: service.metadata.name, selects: matches(service.spec!.selector, podLabels(name)) }).toEqual({ service: service.metadata.name, selects: false });
      return;
    }
    const service = find(manifests, 'Service', app)!;
    expect(matches(deployment(name).spec!.selector.matchLabels, podLabels(name))).toBe(true);
    expect(matches(service.spec!.selector, podLabels(name))).toBe(true);
    const [port] = service.spec!.ports;
    expect(port.targetPort === 'http' || port.targetPort === containerPort(name)).toBe(true);
    expect(port.port).toBe(containerPort(name));
  });

  it('is annotated for Prometheus on its metrics route and port', () => {
    const annotations = deployment(name).spec!.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': routes.metrics, 'prometheus.io/port': String(containerPort(name)) });
  });

  it('is ready when /health is, with a probe timeout longer than the health checks take', () => {
    const probe = container(name).readinessProbe;
    expect(probe.httpGet).toEqual({ path: routes.health, port: 'http' });
    expect(probe.timeoutSeconds * 1000).toBeGreaterThan(healthCheckTimeoutMs);
  });

  it('is restarted only when its HTTP server stops answering, not when a dependency is down', () => {
    const { livenessProbe, readinessProbe, startupProbe } = container(name);
    // /health fails when Postgres or Kafka is down; /health/live checks no dependency.
    expect(livenessProbe.httpGet).toEqual({ path: routes.liveness, port: 'http' });
    expect(livenessProbe.httpGet.path).not.toBe(routes.openApiJson);
    expect(livenessProbe.httpGet.path).not.toBe(readinessProbe.httpGet.path);
    expect(livenessProbe.failureThreshold * livenessProbe.periodSeconds).toBeGreaterThanOrEqual(30);
    // Start-up waits for migrations of other replicas (advisory lock) and up to a minute for Kafka.
    expect(startupProbe.httpGet).toEqual(livenessProbe.httpGet);
    expect(startupProbe.failureThreshold * startupProbe.periodSeconds).toBeGreaterThanOrEqual(120);
  });

  it('requests resources for about 300 MB resident memory, with a heap cap under the limit and the malloc arenas the soak ran with', () => {
    const { requests, limits } = container(name).resources;
    expect(quantity(requests.memory)).toBeGreaterThanOrEqual(EXPECTED_RSS_BYTES);
    expect(quantity(limits.memory)).toBeGreaterThan(quantity(requests.memory));
    expect(quantity(limits.cpu)).toBeGreaterThanOrEqual(quantity(requests.cpu));
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(env(name).env.NODE_OPTIONS ?? '')?.[1]);
    expect(heapMiB * 1024 ** 2).toBeLessThan(quantity(limits.memory));
    // The same cap as the image and the local runs.
    expect(env(name).env.NODE_OPTIONS).toBe(SERVICE_NODE_OPTIONS);
    expect(dockerfile).toContain(`ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}\n`);
    expect(env(name).env.MALLOC_ARENA_MAX).toBe(SERVICE_MALLOC_ARENA_MAX);
    expect(dockerfile).toContain(`ENV MALLOC_ARENA_MAX=${SERVICE_MALLOC_ARENA_MAX}\n`);
  });

  it(`runs ${REPLICAS[name] ?? DEFAULT_REPLICAS} replicas, spread over nodes, with rolling updates that keep capacity`, () => {
    const spec = deployment(name).spec!;
    expect(spec.replicas).toBe(REPLICAS[name] ?? DEFAULT_REPLICAS);
    expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(matches(podSpec(name).topologySpreadConstraints[0].labelSelector.matchLabels, podLabels(name))).toBe(true);
  });

  it('has a disruption budget that keeps an instance up and still lets nodes drain', () => {
    const pdb = ofKind(manifests, 'PodDisruptionBudget').find((p) => matches(p.spec!.selector.matchLabels, podLabels(name)));
    expect(pdb).toBeDefined();
    const unavailable = pdb!.spec!.maxUnavailable ?? deployment(name).spec!.replicas - pdb!.spec!.minAvailable;
    expect(unavailable).toBeGreaterThanOrEqual(1);
    expect(unavailable).toBeLessThan(deployment(name).spec!.replicas);
  });

  it('autoscales on CPU from its replica count, consumers no further than the topic partitions', () => {
    const hpa = ofKind(manifests, 'HorizontalPodAutoscaler').find((h: Manifest) => h.spec!.scaleTargetRef.kind === 'Deployment' && h.spec!.scaleTargetRef.name === name);
    expect(hpa).toBeDefined();
    expect(hpa!.spec!.minReplicas).toBe(deployment(name).spec!.replicas);
    expect(hpa!.spec!.maxReplicas).toBeGreaterThan(hpa!.spec!.minReplicas);
    if (consumes(name, app)) expect(hpa!.spec!.maxReplicas).toBeLessThanOrEqual(Number(env(name).env.KAFKA_TOPIC_PARTITIONS ?? serviceConfigSpec(defaults).topicPartitions.default));
    const cpu = hpa!.spec!.metrics.find((m: { resource?: { name: string } }) => m.resource?.name === 'cpu');
    expect(cpu.resource.target.type).toBe('Utilization');
    expect(container(name).resources.requests.cpu).toBeDefined();
  });

  it('drains before it is killed: a pre-stop pause within the grace period', () => {
    const pause = container(name).lifecycle.preStop.exec.command;
    const seconds = Number(pause[pause.length - 1]);
    expect(pause[0]).toBe('sleep');
    expect(podSpec(name).terminationGracePeriodSeconds).toBeGreaterThan(seconds + 10);
  });

  it('runs as the image\'s non-root user with a read-only root filesystem and a writable /tmp', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(podSpec(name).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container(name).securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    const tmp = container(name).volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(podSpec(name).volumes.find((v: { name: string }) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });
});

describe.each(Object.entries(PROJECTORS))('%s and %s on Kubernetes', (projector, app) => {
  it('splits the app in two: HTTP instances with their consumers off, and a projector that consumes', () => {
    expect(appConsumes(app)).toBe(true);
    expect(consumes(app, app)).toBe(false);
    expect(consumes(projector, app)).toBe(true);
  });

  it('runs the same image with the same environment but for KAFKA_CONSUMERS', () => {
    expect(container(projector).image).toBe(container(app).image);
    const { KAFKA_CONSUMERS: _off, ...http } = env(app).env;
    expect(env(projector).env).toEqual(http);
  });
});

