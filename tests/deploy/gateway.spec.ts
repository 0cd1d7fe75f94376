import { API_ROUTES, CONSOLE_PREFIX, FIELD_PREFIX } from '../support/gateway';
import { find, loadKustomization, ofKind, quantity, type Manifest } from '../support/kubernetes-manifests';
import { one, readNginx } from '../support/nginx-conf';

// deploy/kubernetes/gateway.yaml: the one-origin layout of `npm start` (tools/start/gateway.ts)
// and docker-compose, on ingress-nginx: every Ingress route goes to a Service and port the
// manifests define, and the routes are exactly the four APIs and the web apps.
const { kustomization, manifests } = loadKustomization();
const ingresses = ofKind(manifests, 'Ingress');
const routes = Object.values(API_ROUTES);

interface Route {
  ingress: Manifest;
  path: string;
  pathType: string;
  service: string;
  port: number | string;
}
const allRoutes: Route[] = ingresses.flatMap((ingress) =>
  (ingress.spec!.rules ?? []).flatMap((rule: { http: { paths: Array<{ path: string; pathType: string; backend: { service: { name: string; port: { number?: number; name?: string } } } }> } }) =>
    rule.http.paths.map((p) => ({ ingress, path: p.path, pathType: p.pathType, service: p.backend.service.name, port: p.backend.service.port.number ?? p.backend.service.port.name! })),
  ),
);
const annotations = (route: Route) => route.ingress.metadata.annotations ?? {};
/** What ingress-nginx does with a request on a route: its regex, then rewrite-target (query kept apart). */
function forwarded(route: Route, uri: string): string | undefined {
  const match = new RegExp(`^${route.path}`, 'i').exec(uri);
  if (!match) return undefined;
  const target = annotations(route)['nginx.ingress.kubernetes.io/rewrite-target'];
  return target ? target.replace(/\$(\d)/g, (_all, n: string) => match[Number(n)] ?? '') : uri;
}
const apiRoute = (prefix: string) => allRoutes.find((route) => forwarded(route, `${prefix}/health`) !== undefined && route.path.startsWith(prefix));

describe('Ingress routes (deploy/kubernetes/gateway.yaml)', () => {
  it('are all for ingress-nginx', () => {
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) expect({ name: ingress.metadata.name, class: ingress.spec!.ingressClassName }).toEqual({ name: ingress.metadata.name, class: 'nginx' });
  });

  it('cover exactly the four APIs, the web apps under /field/ and /console/ and the / redirect', () => {
    expect(allRoutes.map((r) => r.path).sort()).toEqual([...routes.map((r) => `${r.prefix}(/|$)(.*)`), '/field', '/console', '/'].sort());
    expect(allRoutes.find((r) => r.path === '/')?.pathType).toBe('Exact');
    expect(allRoutes.some((r) => /\/dev\b/.test(r.path))).toBe(false);
  });

  it('point at Services and ports that exist, which select pods with that port', () => {
    for (const route of allRoutes) {
      const service = find(manifests, 'Service', route.service);
      expect({ path: route.path, service: service?.metadata.name }).toEqual({ path: route.path, service: route.service });
      const port = service!.spec!.ports.find((p: { port: number; name?: string }) => p.port === route.port || p.name === route.port);
      expect({ path: route.path, port: port?.port }).toEqual({ path: route.path, port: expect.any(Number) });
      const deployment = ofKind(manifests, 'Deployment').find((d) => Object.entries(service!.spec!.selector).every(([k, v]) => d.spec!.template.metadata.labels[k] === v))!;
      const containerPorts = deployment.spec!.template.spec.containers.flatMap((c: { ports: Array<{ name: string; containerPort: number }> }) => c.ports);
      expect(containerPorts.some((p: { name: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort)).toBe(true);
    }
  });

  it.each(routes)('$prefix/ goes to the $service Service with the prefix stripped', ({ prefix, service }) => {
    const route = apiRoute(prefix)!;
    expect(route.service).toBe(service);
    expect(annotations(route)['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    expect(forwarded(route, `${prefix}/households/42`)).toBe('/households/42');
    expect(forwarded(route, `${prefix}/`)).toBe('/');
    expect(forwarded(route, prefix)).toBe('/');
    // Another prefix that merely starts the same is not this service's.
    expect(forwarded(route, `${prefix}x/health`)).toBeUndefined();
  });

  it('streams the live events unbuffered, keeps them open for hours and takes a 500-item sync batch', () => {
    const api = annotations(apiRoute(API_ROUTES.reporting.prefix)!);
    expect(api['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(Number(api['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(quantity(api['nginx.ingress.kubernetes.io/proxy-body-size'].replace(/m$/i, 'Mi'))).toBeGreaterThanOrEqual(5 * 1024 ** 2);
    for (const { prefix } of routes) expect(annotations(apiRoute(prefix)!)).toEqual(api);
  });

  it.each([FIELD_PREFIX, CONSOLE_PREFIX])('sends %s to the web apps with the path unchanged (nginx serves them there)', (prefix) => {
    const app = allRoutes.find((r) => r.path === prefix.replace(/\/$/, ''))!;
    expect(app.service).toBe('web');
    expect(forwarded(app, `${prefix}assets/app-abc123.js`)).toBe(`${prefix}assets/app-abc123.js`);
    expect(annotations(app)['nginx.ingress.kubernetes.io/rewrite-target']).toBeUndefined();
  });
});

describe('the web Deployment', () => {
  const web = find(manifests, 'Deployment', 'web')!;
  const container = web.spec!.template.spec.containers[0];
  const webConf = one(readNginx('web.conf'), 'server')!.block!;

  it('runs the Dockerfile\'s gateway image at a pinned tag, on the port its nginx listens on', () => {
    expect(container.image).toBe('dtc/gateway');
    expect(kustomization.images?.find((image) => image.name === container.image)?.newTag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(container.ports.map((p: { containerPort: number }) => String(p.containerPort))).toEqual([one(webConf, 'listen')!.args[0]]);
  });

  it('is ready and alive when it serves the field app', () => {
    expect(container.readinessProbe.httpGet.path).toBe(FIELD_PREFIX);
    expect(container.livenessProbe.httpGet.path).toBe(FIELD_PREFIX);
  });

  it('runs as the image\'s nginx user with a read-only root and writable pid and cache directories', () => {
    expect(web.spec!.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    const mounts = container.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort();
    expect(mounts).toEqual(['/tmp', '/var/cache/nginx']);
  });

  it('keeps its replicas through rollouts', () => {
    expect(web.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(web.spec!.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});
