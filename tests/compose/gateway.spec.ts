import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { API_ROUTES, CONSOLE_PREFIX, consoleConfigOf, consoleCsp, FIELD_CSP, FIELD_PREFIX, fieldCsp, IMMUTABLE } from '../support/gateway';
import { hostPath, loadCompose, portMappings, repoRoot, stringMap } from '../support/compose-file';
import { addedHeader, all, locations, nginxSeconds, nginxSize, one, readNginx, type Directive } from '../support/nginx-conf';

// docker-compose's one origin (nginx, deploy/nginx) has the routes and headers of `npm start`'s
// gateway (tools/start/gateway.ts, whose behaviour tests/e2e/gateway.e2e-spec.ts checks against
// the real services), and the gateway image is built and configured the way those files expect.
const compose = loadCompose();
const gateway = compose.services.gateway;
const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const routes = Object.values(API_ROUTES);

/** The first `server` block of a conf.d file, and the http-level directives around it. */
function confFile(file: string): { http: Directive[]; server: Directive[] } {
  const http = readNginx(file);
  return { http, server: one(http, 'server')?.block ?? [] };
}
const composeConf = confFile('gateway.conf');
const webConf = confFile('web.conf');
const snippet = readNginx('field-app.conf');
const snippetLocations = locations(snippet);
const consoleSnippet = readNginx('console-app.conf');
const consoleLocations = locations(consoleSnippet);

/** A Dockerfile stage's lines, from its FROM to the next. */
function stage(name: string): string[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, 'i').test(line));
  if (start === -1) return [];
  const end = lines.findIndex((line, i) => i > start && /^FROM\s/i.test(line));
  return lines.slice(start, end === -1 ? undefined : end);
}
/** Destinations of COPY lines of a stage, by source. */
const copies = (lines: string[]) => new Map(lines.filter((l) => /^COPY\s/.test(l)).map((l) => { const parts = l.trim().split(/\s+/); return [parts[parts.length - 2], parts[parts.length - 1]]; }));

describe('the gateway service in docker-compose.yml', () => {
  it('exists and is built from the Dockerfile\'s gateway target', () => {
    expect(gateway).toBeDefined();
    expect(gateway.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', target: 'gateway' });
  });

  it('runs nginx with deploy/nginx/gateway.conf as its server, published on port 8080', () => {
    expect(hostPath(gateway, '/etc/nginx/conf.d/default.conf')).toBe(path.join(repoRoot, 'deploy/nginx/gateway.conf'));
    const listen = one(composeConf.server, 'listen')!.args[0];
    expect(portMappings(gateway)).toContainEqual({ hostIp: '', published: '8080', target: listen });
  });

  it('has a healthcheck on the field app', () => {
    expect([gateway.healthcheck?.test].flat().join(' ')).toContain(`:${one(composeConf.server, 'listen')!.args[0]}${FIELD_PREFIX}`);
  });

  it('holds no secret and no development token route', () => {
    expect(Object.keys(stringMap(gateway.environment))).not.toContain('JWT_SECRET');
    for (const file of ['gateway.conf', 'web.conf', 'field-app.conf', 'console-app.conf']) expect(fs.readFileSync(path.join(repoRoot, 'deploy/nginx', file), 'utf8')).not.toMatch(/\/dev\//);
  });
});

describe('deploy/nginx/gateway.conf routes', () => {
  const serverLocations = locations(composeConf.server);
  const apiLocations = [...serverLocations.keys()].filter((key) => key.startsWith('/api/'));

  it('sends exactly the gateway\'s API prefixes to services', () => {
    expect(apiLocations.sort()).toEqual(routes.map((r) => `${r.prefix}/`).sort());
  });

  it.each(routes)('$prefix/ goes to the $service compose service on its PORT, prefix stripped, query kept', ({ prefix, service }) => {
    const block = serverLocations.get(`${prefix}/`)!;
    const set = Object.fromEntries(all(block, 'set').map((d) => [d.args[0], d.args[1]]));
    const [host, port] = set.$api_upstream.split(':');
    expect(compose.services[host]).toBeDefined();
    expect(host).toBe(service);
    expect(stringMap(compose.services[host].environment).PORT).toBe(port);
    expect(set).toMatchObject({ $api_prefix: prefix, $api_service: service });
    expect(one(block, 'proxy_pass')!.args).toEqual(['http://$api_upstream']);
    // nginx's rewrite (without `?`, the query string is appended as it came): what the gateway forwards.
    const [pattern, replacement, flag] = one(block, 'rewrite')!.args;
    expect(flag).toBe('break');
    const rewrite = (uri: string) => uri.replace(new RegExp(pattern), replacement.replace(/\$(\d)/g, '$$$1'));
    expect(rewrite(`${prefix}/households/42`)).toBe('/households/42');
    expect(rewrite(`${prefix}/`)).toBe('/');
  });

  it('streams the reporting service\'s live events unbuffered and keeps them open for hours', () => {
    const reporting = serverLocations.get(`${API_ROUTES.reporting.prefix}/`)!;
    expect(one(reporting, 'proxy_buffering')?.args).toEqual(['off']);
    expect(nginxSeconds(one(reporting, 'proxy_read_timeout')!.args[0])).toBeGreaterThanOrEqual(3600);
    expect(one(composeConf.server, 'proxy_http_version')?.args).toEqual(['1.1']);
  });

  it('takes a 500-item sync batch in one request', () => {
    expect(nginxSize(one(composeConf.server, 'client_max_body_size')!.args[0])).toBeGreaterThanOrEqual(5 * 1024 ** 2);
  });

  it('adds the X-Forwarded headers the gateway adds', () => {
    const headers = all(composeConf.server, 'proxy_set_header').map((d) => d.args[0].toLowerCase());
    expect(headers).toEqual(expect.arrayContaining(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-prefix']));
  });

  it('answers an unreachable service with a problem naming it', () => {
    const errorPage = one(composeConf.server, 'error_page')!.args;
    expect(errorPage).toContain('502');
    expect(errorPage.at(-1)).toBe('@service_unreachable');
    const handler = serverLocations.get('@service_unreachable')!;
    expect(one(handler, 'default_type')?.args).toEqual(['application/problem+json']);
    expect(one(handler, 'return')!.args[1]).toContain('"service":"$api_service"');
  });

  it.each([['gateway.conf', composeConf], ['web.conf', webConf]] as const)('%s serves the field app and the console, and redirects / to the field app', (_file, conf) => {
    expect(all(conf.server, 'include').map((d) => d.args[0])).toEqual(['/etc/nginx/snippets/field-app.conf', '/etc/nginx/snippets/console-app.conf']);
    expect(one(locations(conf.server).get('= /')!, 'return')!.args).toEqual(['302', FIELD_PREFIX]);
    expect(one(conf.server, 'absolute_redirect')?.args).toEqual(['off']);
    // nginx's own mime.types has no entry for the web app manifest.
    expect(one(conf.http, 'types')?.block).toContainEqual({ name: 'application/manifest+json', args: ['webmanifest'] });
  });

  it('web.conf (the image default, behind the Kubernetes Ingress) proxies nothing', () => {
    const names = (directives: Directive[]): string[] => directives.flatMap((d) => [d.name, ...names(d.block ?? [])]);
    expect(names([...webConf.http, ...snippet, ...consoleSnippet])).not.toContain('proxy_pass');
    expect([...locations(webConf.server).keys()].sort()).toEqual(['/', '= /']);
  });
});

describe('deploy/nginx/field-app.conf', () => {
  const root = (block: Directive[]) => one(block, 'root')?.args[0];

  it('serves hashed assets immutable for a year, and everything else revalidated', () => {
    expect(addedHeader(snippetLocations.get('/field/assets/')!, 'Cache-Control')).toBe(IMMUTABLE);
    for (const key of ['/field/', '= /field/index.html']) expect(addedHeader(snippetLocations.get(key)!, 'Cache-Control')).toBe('no-cache');
  });

  it('sends the gateway\'s Content-Security-Policy with the shell, and nosniff and no-referrer everywhere', () => {
    const shell = snippetLocations.get('= /field/index.html')!;
    // connect-src is $field_connect_src: 'self', unless 40-field-config.sh adds the provider (next test).
    expect(one(shell, 'set')!.args).toEqual(['$field_connect_src', "'self'"]);
    expect(one(shell, 'include')!.args).toEqual(['/tmp/dtc-field/*.conf']);
    expect(addedHeader(shell, 'Content-Security-Policy')!.replace('$field_connect_src', "'self'")).toBe(FIELD_CSP);
    for (const key of ['/field/', '/field/assets/', '= /field/index.html']) {
      expect({ key, nosniff: addedHeader(snippetLocations.get(key)!, 'X-Content-Type-Options'), referrer: addedHeader(snippetLocations.get(key)!, 'Referrer-Policy') }).toEqual({ key, nosniff: 'nosniff', referrer: 'no-referrer' });
    }
  });

  it("serves the app's sign-in settings written at container start from FIELD_OIDC_*, and lets the page reach that provider", () => {
    const script = path.join(repoRoot, 'deploy/nginx/40-field-config.sh');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-field-config-'));
    const run = (env: Record<string, string>) => execFileSync('sh', [script], { env: { PATH: process.env.PATH!, FIELD_CONFIG_DIR: dir, ...env } });
    const oidc = { authority: 'https://sso.example.gov.vn/realms/dtc', clientId: 'dtc-field', scope: 'openid', resource: 'https://dtc.example/api' };
    run({ FIELD_OIDC_AUTHORITY: oidc.authority, FIELD_OIDC_RESOURCE: oidc.resource });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({ oidc, devSignIn: false });
    // The value nginx puts in connect-src is the gateway's for the same provider.
    const connectSrc = /^set \$field_connect_src "(.*)";$/.exec(fs.readFileSync(path.join(dir, 'csp.conf'), 'utf8').trim())![1];
    expect(FIELD_CSP.replace("connect-src 'self'", `connect-src ${connectSrc}`)).toBe(fieldCsp(oidc));
    // Without a provider: no sign-in offered, and requests to this origin only.
    run({});
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({ devSignIn: false });
    expect(fs.existsSync(path.join(dir, 'csp.conf'))).toBe(false);
    const config = snippetLocations.get('= /field/config.json')!;
    expect(one(config, 'alias')!.args).toEqual(['/tmp/dtc-field/config.json']);
    expect(addedHeader(config, 'Cache-Control')).toBe('no-store');
    expect(stage('gateway')).toContain('COPY deploy/nginx/40-field-config.sh /docker-entrypoint.d/40-field-config.sh');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('redirects /field to /field/ and answers navigations to client-side routes with the shell', () => {
    expect(one(snippetLocations.get('= /field')!, 'return')!.args).toEqual(['301', '/field/$is_args$args']);
    expect(one(snippetLocations.get('/field/')!, 'try_files')!.args.at(-1)).toBe('@field_app_shell');
    const shell = snippetLocations.get('@field_app_shell')!;
    expect(one(shell, 'if')!.args.join(' ')).toMatch(/\$http_accept !~\* text\/html/);
    expect(one(shell, 'rewrite')!.args).toEqual(['^', '/field/index.html', 'last']);
    expect(one(snippetLocations.get('/field/assets/')!, 'try_files')!.args).toEqual(['$uri', '=404']);
  });

  it('serves from where the image puts the build', () => {
    const roots = new Set(['/field/', '/field/assets/', '= /field/index.html'].map((key) => root(snippetLocations.get(key)!)));
    expect(roots.size).toBe(1);
    const gatewayCopies = copies(stage('gateway'));
    expect(gatewayCopies.get('/app/dist/web/field-app')).toBe(`${[...roots][0]}/field`);
  });
});

describe('deploy/nginx/console-app.conf', () => {
  const at = (key: string) => consoleLocations.get(key)!;

  it('serves hashed assets immutable for a year, everything else revalidated, nosniff and no-referrer everywhere', () => {
    expect(addedHeader(at('/console/assets/'), 'Cache-Control')).toBe(IMMUTABLE);
    for (const key of ['/console/', '= /console/index.html']) expect(addedHeader(at(key), 'Cache-Control')).toBe('no-cache');
    for (const key of ['/console/', '/console/assets/', '= /console/index.html']) {
      expect({ key, nosniff: addedHeader(at(key), 'X-Content-Type-Options'), referrer: addedHeader(at(key), 'Referrer-Policy') }).toEqual({ key, nosniff: 'nosniff', referrer: 'no-referrer' });
    }
  });

  it("sends the gateway's Content-Security-Policy with the shell (this origin only, unless a tile server is configured)", () => {
    const shell = at('= /console/index.html');
    expect(one(shell, 'set')!.args).toEqual(['$console_img_src', "'self' data:"]);
    expect(one(shell, 'include')!.args).toEqual(['/tmp/dtc-console/*.conf']);
    expect(addedHeader(shell, 'Content-Security-Policy')!.replace('$console_img_src', "'self' data:")).toBe(consoleCsp());
  });

  it("serves the map base written at container start from CONSOLE_MAP_*, as the gateway does, and lets the page load those tiles", () => {
    const script = path.join(repoRoot, 'deploy/nginx/41-console-config.sh');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-console-config-'));
    const run = (env: Record<string, string>) => execFileSync('sh', [script], { env: { PATH: process.env.PATH!, CONSOLE_CONFIG_DIR: dir, ...env } });
    const imgSrc = () => /^set \$console_img_src "(.*)";$/.exec(fs.readFileSync(path.join(dir, 'csp.conf'), 'utf8').trim())![1];
    const shellCsp = addedHeader(at('= /console/index.html'), 'Content-Security-Policy')!;
    for (const map of [
      { tileUrl: 'https://{s}.tile.example.vn/{z}/{x}/{y}.png', attribution: '© "Bản đồ" \\ Cục Đo đạc' },
      { tileUrl: 'https://tiles.example.gov.vn/osm/{z}/{x}/{y}.png' },
    ]) {
      run({ CONSOLE_MAP_TILE_URL: map.tileUrl, ...(map.attribution ? { CONSOLE_MAP_ATTRIBUTION: map.attribution } : {}) });
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual(consoleConfigOf({ consoleMap: map }));
      expect(shellCsp.replace('$console_img_src', imgSrc())).toBe(consoleCsp(map));
    }
    // Grafana linked from the operations page, with or without a map.
    const grafana = 'http://grafana.example.vn:3000';
    run({ CONSOLE_GRAFANA_URL: grafana, CONSOLE_MAP_TILE_URL: 'https://tiles.example.gov.vn/osm/{z}/{x}/{y}.png' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual(consoleConfigOf({ consoleMap: { tileUrl: 'https://tiles.example.gov.vn/osm/{z}/{x}/{y}.png' }, consoleGrafanaUrl: grafana }));
    run({ CONSOLE_GRAFANA_URL: grafana });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({ grafanaUrl: grafana });
    expect(fs.existsSync(path.join(dir, 'csp.conf'))).toBe(false);
    // Without a tile server: an empty base, images from this origin only.
    run({});
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'))).toEqual({});
    expect(consoleConfigOf({})).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'csp.conf'))).toBe(false);
    const config = at('= /console/config.json');
    expect(one(config, 'alias')!.args).toEqual(['/tmp/dtc-console/config.json']);
    expect(addedHeader(config, 'Cache-Control')).toBe('no-store');
    expect(stage('gateway')).toContain('COPY deploy/nginx/41-console-config.sh /docker-entrypoint.d/41-console-config.sh');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('redirects /console to /console/ and answers navigations to client-side places with the shell', () => {
    expect(one(at('= /console'), 'return')!.args).toEqual(['301', `${CONSOLE_PREFIX}$is_args$args`]);
    expect(one(at(CONSOLE_PREFIX), 'try_files')!.args.at(-1)).toBe('@console_app_shell');
    const shell = at('@console_app_shell');
    expect(one(shell, 'if')!.args.join(' ')).toMatch(/\$http_accept !~\* text\/html/);
    expect(one(shell, 'rewrite')!.args).toEqual(['^', `${CONSOLE_PREFIX}index.html`, 'last']);
    expect(one(at('/console/assets/'), 'try_files')!.args).toEqual(['$uri', '=404']);
  });

  it('serves from where the image puts the build, and the image puts the snippet where the servers include it', () => {
    const roots = new Set(['/console/', '/console/assets/', '= /console/index.html'].map((key) => one(at(key), 'root')?.args[0]));
    expect(roots.size).toBe(1);
    const gatewayCopies = copies(stage('gateway'));
    expect(gatewayCopies.get('/app/dist/web/console')).toBe(`${[...roots][0]}/console`);
    expect(gatewayCopies.get('deploy/nginx/console-app.conf')).toBe('/etc/nginx/snippets/console-app.conf');
  });
});

describe('Dockerfile gateway target', () => {
  const lines = stage('gateway');

  it('is nginx, pinned to a version', () => {
    expect(lines[0]).toMatch(/^FROM nginx:\d+\.\d+[\w.-]*\s+AS gateway$/);
  });

  it('builds the web apps from the lockfile in its own stage', () => {
    const from = /COPY --from=(\S+) \/app\/dist\/web\/field-app /.exec(lines.join('\n'))?.[1];
    const web = stage(from ?? 'missing').join('\n');
    expect(web).toMatch(/^RUN npm ci$/m);
    expect(web).toMatch(/^RUN npm run build:web$/m);
    expect(web.indexOf('npm ci')).toBeLessThan(web.indexOf('npm run build:web'));
  });

  it('puts the snippet where the servers include it, and web.conf as the default server', () => {
    expect(copies(lines).get('deploy/nginx/field-app.conf')).toBe('/etc/nginx/snippets/field-app.conf');
    expect(copies(lines).get('deploy/nginx/web.conf')).toBe('/etc/nginx/conf.d/default.conf');
  });

  it('runs as nginx\'s unprivileged user, listening on an unprivileged port', () => {
    expect(lines).toContain('USER nginx');
    expect(Number(one(webConf.server, 'listen')!.args[0])).toBeGreaterThan(1024);
  });

  it('leaves runtime as the last stage, so a build without --target is a service image', () => {
    const froms = dockerfile.split('\n').filter((line) => /^FROM\s/i.test(line));
    expect(froms[froms.length - 1]).toMatch(/\sAS\s+runtime$/i);
  });
});
