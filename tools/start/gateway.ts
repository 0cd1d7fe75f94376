/**
 * One origin for `npm start`: the web apps and the four APIs behind one port, so the phone app
 * calls its APIs same-origin (no CORS, one service-worker scope, one Content-Security-Policy).
 * docker-compose does the same with nginx (deploy/nginx/gateway.conf) and Kubernetes with an
 * Ingress (deploy/kubernetes/gateway.yaml); tests/compose and tests/deploy keep their routes equal
 * to API_ROUTES below.
 *
 *   /api/<service>/...  -> that service with the prefix stripped (streaming proxy; SSE flows through)
 *   /field/...          -> <webRoot>/field-app (the Vite build), SPA fallback for navigations
 *   /console/...        -> <webRoot>/console (the officials' console, Vite build), SPA fallback too
 *   /                   -> redirect to /field/
 *   /dev/roster, /dev/token -> development token picker, only with `devTokens` (npm start with the
 *                          development secret); 404 otherwise
 *
 * CLI (npm start runs it): node -r ./tools/runtime/register.js tools/start/gateway.ts [--dev-tokens]
 * reading GATEWAY_PORT (3000), GATEWAY_HOST (0.0.0.0), GATEWAY_WEB_ROOT (dist/web), REGISTRY_URL,
 * ENROLLMENT_URL, TRAINING_URL, REPORTING_URL (127.0.0.1:3001-3004), JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE,
 * and the field app's OpenID Connect provider: FIELD_OIDC_AUTHORITY, FIELD_OIDC_CLIENT_ID (dtc-field),
 * FIELD_OIDC_SCOPE (openid), FIELD_OIDC_RESOURCE. GET /field/config.json tells the app how to sign in.
 * CONSOLE_MAP_TILE_URL (e.g. https://tile.example.vn/{z}/{x}/{y}.png) and CONSOLE_MAP_ATTRIBUTION give the
 * console's map a base (GET /console/config.json); without them it draws on an empty base. CONSOLE_GRAFANA_URL
 * (e.g. http://127.0.0.1:3000) is linked from the console's operations page.
 */
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { signToken } from '@dtc/platform';
import { DEV_JWT_SECRET } from './dev-env';

export type UpstreamKey = 'registry' | 'enrollment' | 'training' | 'reporting';

/** Path prefix -> service; the nginx and Ingress routes are tested against this table. */
export const API_ROUTES: Record<UpstreamKey, { prefix: string; service: string }> = {
  registry: { prefix: '/api/registry', service: 'household-registry' },
  enrollment: { prefix: '/api/enrollment', service: 'enrollment' },
  training: { prefix: '/api/training', service: 'training' },
  reporting: { prefix: '/api/reporting', service: 'reporting' },
};
export const FIELD_PREFIX = '/field/';
export const CONSOLE_PREFIX = '/console/';

/** Scripts, styles, requests and images from this origin only (images also as data: URLs). */
export const FIELD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface GatewayOptions {
  /** 0 = any free port */
  port: number;
  /** default 127.0.0.1 */
  host?: string;
  upstreams: Record<UpstreamKey, string>;
  /** holds field-app/ and console/ (the output of npm run build:web) */
  webRoot: string;
  /** Enables /dev/roster and /dev/token, signing with these settings. Development only. */
  devTokens?: { secret: string; issuer: string; audience: string };
  /** The console's map tiles (served in /console/config.json; their origin joins the console's img-src). Without: an empty base. */
  consoleMap?: { tileUrl: string; attribution?: string };
  /** The operations dashboards (Grafana's base URL), linked from the console's operations page (served in /console/config.json). */
  consoleGrafanaUrl?: string;
  /** The province's OpenID Connect provider the field app signs in with (served in /field/config.json). */
  oidc?: FieldOidcConfig;
  /** Where errors go (one line each); default stderr. */
  log?: (line: string) => void;
}

export interface FieldOidcConfig {
  authority: string;
  clientId: string;
  scope?: string;
  /** RFC 8707 resource indicator for the APIs' access tokens */
  resource?: string;
}

/**
 * The page's Content-Security-Policy: everything from this origin, plus (for the token exchange
 * and discovery of the code flow) the OpenID Connect provider's origin when one is configured.
 */
export function fieldCsp(oidc?: FieldOidcConfig): string {
  return oidc ? FIELD_CSP.replace("connect-src 'self'", `connect-src 'self' ${new URL(oidc.authority).origin}`) : FIELD_CSP;
}

/** The console's Content-Security-Policy: this origin only, plus the map tiles' origin when a tile server is configured. */
/**
 * The two fixed <style> rules React Aria Components inject (press: touch-action on pressable
 * elements; modal: overscroll-behavior while a dialog is open), allowed by their SHA-256 so the
 * console needs no 'unsafe-inline'. tools/start/console-csp.spec.ts recomputes them from the
 * installed library: an upgrade that changes a rule fails there, naming the new hash.
 */
export const CONSOLE_STYLE_HASHES = ["'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='", "'sha256-gYiS/BvZvRcK27JIXTuwhZ3hs2+VJ1X+2gUlE+farlg='"];
export const CONSOLE_CSP = FIELD_CSP.replace("style-src 'self'", `style-src 'self' ${CONSOLE_STYLE_HASHES.join(' ')}`);

export function consoleCsp(map?: { tileUrl: string }): string {
  if (!map) return CONSOLE_CSP;
  // Leaflet's {s} spreads tiles over subdomains (a, b, c): allow them all.
  const origin = new URL(map.tileUrl.replace('{s}', 'subdomain').replace(/\{[a-z]+\}/g, '0')).origin.replace('//subdomain.', '//*.');
  return CONSOLE_CSP.replace("img-src 'self' data:", `img-src 'self' data: ${origin}`);
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

// RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};
const DEV_ROUTES = ['/dev/roster', '/dev/token'];
const COMMUNE_CODE = /^[0-9]{5}$/;
const DEV_TOKEN_SECONDS = 12 * 3600;
const MAX_DEV_BODY_BYTES = 16 * 1024;

interface Problem {
  statusCode: number;
  error: string;
  message: string;
  fields?: Array<{ field: string; reason: string }>;
  [extra: string]: unknown;
}

function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendProblem(res: ServerResponse, problem: Problem): void {
  sendJson(res, problem.statusCode, problem, 'application/problem+json');
}

function sendText(res: ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

/** Headers without the hop-by-hop ones, including those the Connection header names. */
function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim());
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !HOP_BY_HOP.has(name) && !listed.includes(name)));
}

const redirect = (res: ServerResponse, status: 301 | 302, location: string) => sendText(res, status, `See ${location}\n`, { location });

/** An upstream that could not be reached or answered unexpectedly (the dev routes' own calls). */
class UpstreamError extends Error {
  constructor(readonly service: string, detail: string) {
    super(`${service}: ${detail}`);
  }
}

/** GET /console/config.json: the map base and the Grafana link, when configured (none: the build's own empty config answers). */
export function consoleConfigOf({ consoleMap, consoleGrafanaUrl }: Pick<GatewayOptions, 'consoleMap' | 'consoleGrafanaUrl'>): Record<string, string> | undefined {
  const config = {
    ...(consoleMap ? { mapTileUrl: consoleMap.tileUrl, ...(consoleMap.attribution ? { mapAttribution: consoleMap.attribution } : {}) } : {}),
    ...(consoleGrafanaUrl ? { grafanaUrl: consoleGrafanaUrl } : {}),
  };
  return Object.keys(config).length > 0 ? config : undefined;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const log = options.log ?? ((line: string) => process.stderr.write(`gateway: ${line}\n`));
  // Pooled upstream connections; a stream the client abandons destroys its own socket only.
  const agent = new http.Agent({ keepAlive: true });

  // ---------------------------------------------------------------- API proxy
  function proxy(req: IncomingMessage, res: ServerResponse, key: UpstreamKey, rest: string): void {
    const { prefix, service } = API_ROUTES[key];
    const base = new URL(options.upstreams[key]);
    const headers = endToEnd(req.headers);
    const client = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-prefix'] = prefix;
    headers.host = base.host;

    const upstream = http.request(
      { protocol: base.protocol, hostname: base.hostname, port: base.port, method: req.method, path: `${base.pathname.replace(/\/$/, '')}${rest}`, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        // An event stream may stay silent for a while: the client gets the headers now, and
        // every chunk as it arrives (pipeline writes through; nothing is buffered here).
        res.flushHeaders();
        pipeline(answer, res, (error) => {
          if (error && !res.destroyed) res.destroy();
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      log(`${service} unreachable at ${base.origin} (${error.code ?? error.message}) for ${req.method} ${prefix}${rest.split('?')[0]}`);
      sendProblem(res, { statusCode: 502, error: 'Bad Gateway', message: `The ${service} service is unreachable; try again shortly.`, service });
    });
    // The client went away (closed tab, aborted fetch, ended live stream): stop the upstream
    // request too, so the service frees what it holds for it (a live stream's slot).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  // ---------------------------------------------------------------- web apps
  async function fileStats(file: string): Promise<Stats | undefined> {
    try {
      const stats = await fsp.stat(file);
      return stats.isFile() ? stats : undefined;
    } catch {
      return undefined;
    }
  }

  // How the app signs in here: read by the app at sign-in time (never precached by its worker).
  const fieldConfig = { ...(options.oidc ? { oidc: options.oidc } : {}), devSignIn: Boolean(options.devTokens) };

  /** The web apps by path prefix: each a Vite build under webRoot, served the same way. */
  const webApps = [
    { prefix: FIELD_PREFIX, root: path.resolve(options.webRoot, 'field-app'), config: fieldConfig, csp: fieldCsp(options.oidc) },
    // The console signs in with a link's token (no provider of its own yet); without map settings
    // its own build's config.json (no tiles) answers.
    {
      prefix: CONSOLE_PREFIX,
      root: path.resolve(options.webRoot, 'console'),
      config: consoleConfigOf(options),
      csp: consoleCsp(options.consoleMap),
    },
  ];

  async function serveWebApp(req: IncomingMessage, res: ServerResponse, rawPath: string, app: (typeof webApps)[number]): Promise<void> {
    const { prefix, root: appRoot } = app;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
    if (app.config && rawPath === `${prefix}config.json`) return sendJson(res, 200, app.config);
    let relative: string;
    try {
      relative = decodeURIComponent(rawPath.slice(prefix.length));
    } catch {
      return sendText(res, 400, 'Bad request: malformed path\n');
    }
    // Decoded, `..%2f` is a traversal too: refuse any `..` segment before touching the disk.
    if (relative.includes('\0') || relative.split(/[\\/]/).includes('..')) return sendText(res, 400, 'Bad request: path outside the app\n');
    const file = path.resolve(appRoot, relative || 'index.html');
    if (!file.startsWith(appRoot + path.sep)) return sendText(res, 400, 'Bad request: path outside the app\n');

    const index = path.join(appRoot, 'index.html');
    const indexStats = await fileStats(index);
    if (!indexStats) return sendText(res, 503, `The web app under ${prefix} is not built: run npm run build:web (it writes ${appRoot}).\n`);
    let stats = await fileStats(file);
    let served = file;
    if (!stats) {
      // Client-side routes (/field/households/42, /console/?campaign=…) are navigations: the app shell answers them.
      // Anything else missing (a stale hashed script, an icon) is a real 404, never HTML.
      if (!String(req.headers.accept ?? '').includes('text/html')) return sendText(res, 404, 'Not found\n');
      stats = indexStats;
      served = index;
    }
    const type = TYPES[path.extname(served).toLowerCase()] ?? 'application/octet-stream';
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': type,
      // Hashed assets never change under their name; everything else (index.html, sw.js, the
      // manifest, icons) is revalidated on every load so a new release is picked up at once.
      'cache-control': path.relative(appRoot, served).startsWith(`assets${path.sep}`) ? IMMUTABLE : 'no-cache',
      etag,
      'last-modified': stats.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(type.startsWith('text/html') ? { 'content-security-policy': app.csp } : {}),
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, { ...headers, 'content-length': stats.size });
    if (req.method === 'HEAD') return void res.end();
    pipeline(createReadStream(served), res, (error) => {
      if (error && !res.destroyed) res.destroy();
    });
  }

  // ---------------------------------------------------------------- development tokens
  const dev = options.devTokens;

  async function upstreamJson<T>(key: UpstreamKey, pathAndQuery: string, token: string): Promise<T | undefined> {
    const { service } = API_ROUTES[key];
    let response: Response;
    try {
      response = await fetch(`${options.upstreams[key].replace(/\/$/, '')}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new UpstreamError(service, `unreachable (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new UpstreamError(service, `answered ${response.status} to GET ${pathAndQuery.split('?')[0]}`);
    return (await response.json()) as T;
  }

  interface Roster {
    commune: { code: string; name: string; provinceCode: string };
    villages: Array<{ id: string; name: string }>;
    teams: Array<{ id: string; name: string; kind: string; villageIds: string[]; members: Array<{ id: string; fullName: string }> }>;
  }

  /** The commune's villages and teams with their active members; undefined when the registry has no such commune. */
  async function roster(communeCode: string): Promise<Roster | undefined> {
    // Read as operations (the picker runs before anyone has a token), for a few minutes only.
    const token = signToken(dev!, { sub: 'dev-token-picker', role: 'operations' }, 300);
    const commune = await upstreamJson<{ code: string; name: string; provinceCode: string }>('registry', `/communes/${communeCode}`, token);
    if (!commune) return undefined;
    const [villages, teams] = await Promise.all([
      upstreamJson<Array<{ id: string; name: string }>>('registry', `/communes/${communeCode}/villages`, token),
      upstreamJson<Array<{ id: string; name: string; kind: string; villageIds: string[]; memberships: Array<{ memberId: string; fullName?: string; leftAt?: string | null }> }>>(
        'training',
        `/teams?communeCode=${communeCode}`,
        token,
      ),
    ]);
    return {
      commune: { code: commune.code, name: commune.name, provinceCode: commune.provinceCode },
      villages: (villages ?? []).map(({ id, name }) => ({ id, name })),
      teams: (teams ?? []).map((team) => ({
        id: team.id,
        name: team.name,
        kind: team.kind,
        villageIds: team.villageIds,
        // A member who left keeps a membership row with leftAt; only current members may sign in.
        members: team.memberships.filter((m) => !m.leftAt).map((m) => ({ id: m.memberId, fullName: m.fullName ?? '' })),
      })),
    };
  }

  async function readJsonBody(req: IncomingMessage): Promise<unknown> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_DEV_BODY_BYTES) throw new SyntaxError('body too large');
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }

  async function devRoute(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams): Promise<void> {
    const invalid = (fields: Problem['fields']) => sendProblem(res, { statusCode: 400, error: 'Bad Request', message: 'Malformed request', fields });
    const refused = (field: string, reason: string) => sendProblem(res, { statusCode: 422, error: 'Unprocessable Entity', message: reason, fields: [{ field, reason }] });
    if (pathname === '/dev/roster' && req.method === 'GET') {
      const communeCode = query.get('communeCode') ?? '';
      if (!COMMUNE_CODE.test(communeCode)) return invalid([{ field: 'communeCode', reason: 'must be a 5-digit commune code' }]);
      const found = await roster(communeCode);
      if (!found) return sendProblem(res, { statusCode: 404, error: 'Not Found', message: `No commune ${communeCode} in the registry`, fields: [{ field: 'communeCode', reason: 'no such commune in the registry' }] });
      return sendJson(res, 200, found);
    }
    if (pathname === '/dev/token' && req.method === 'POST') {
      let body: unknown;
      try {
        body = await readJsonBody(req);
      } catch {
        return invalid([{ field: 'body', reason: 'must be a JSON object of at most 16 KiB' }]);
      }
      const { communeCode, memberId } = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
      const fields = [
        ...(typeof communeCode === 'string' && COMMUNE_CODE.test(communeCode) ? [] : [{ field: 'communeCode', reason: 'must be a 5-digit commune code' }]),
        ...(typeof memberId === 'string' && memberId.length > 0 && memberId.length <= 64 ? [] : [{ field: 'memberId', reason: 'must be a training member id' }]),
      ];
      if (fields.length > 0) return invalid(fields);
      const found = await roster(communeCode as string);
      if (!found) return refused('communeCode', `No commune ${communeCode} in the registry`);
      const teams = found.teams.filter((team) => team.members.some((m) => m.id === memberId));
      const member = teams[0]?.members.find((m) => m.id === memberId);
      if (!member) return refused('memberId', `${memberId} is not an active member of any team of commune ${communeCode}`);
      // The subject is the training member id: GET /work-list finds the member's teams by it.
      const token = signToken(dev!, { sub: member.id, role: 'field_agent', communes: [communeCode as string] }, DEV_TOKEN_SECONDS);
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };
      return sendJson(res, 200, { token, expiresAt: new Date(exp * 1000).toISOString(), member, teams: teams.map(({ members: _members, ...team }) => team) });
    }
    return sendProblem(res, { statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed on ${pathname}` });
  }

  // ---------------------------------------------------------------- routing
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const queryAt = raw.indexOf('?');
    const pathname = queryAt === -1 ? raw : raw.slice(0, queryAt);
    const search = queryAt === -1 ? '' : raw.slice(queryAt);
    for (const key of Object.keys(API_ROUTES) as UpstreamKey[]) {
      const { prefix } = API_ROUTES[key];
      if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return proxy(req, res, key, `${pathname.slice(prefix.length) || '/'}${search}`);
    }
    if (pathname === '/' || pathname === '/field') return redirect(res, pathname === '/' ? 302 : 301, `${FIELD_PREFIX}${search}`);
    if (pathname === '/console') return redirect(res, 301, `${CONSOLE_PREFIX}${search}`);
    for (const app of webApps) if (pathname.startsWith(app.prefix)) return serveWebApp(req, res, pathname, app);
    if (dev && DEV_ROUTES.includes(pathname)) return devRoute(req, res, pathname, new URLSearchParams(search));
    sendProblem(res, { statusCode: 404, error: 'Not Found', message: `Nothing at ${pathname}: the field app is at ${FIELD_PREFIX}, the console at ${CONSOLE_PREFIX}, the APIs under /api/<service>/` });
  }

  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof UpstreamError) log(error.message);
      // The path only: query strings may carry personal data (names searched for).
      else log(`${req.method} ${(req.url ?? '').split('?')[0]}: ${(error as Error).stack ?? String(error)}`);
      if (res.headersSent) return void res.destroy();
      const service = error instanceof UpstreamError ? error.service : undefined;
      sendProblem(res, service
        ? { statusCode: 502, error: 'Bad Gateway', message: `The ${service} service is unreachable or failed; try again shortly.`, service }
        : { statusCode: 500, error: 'Internal Server Error', message: 'The gateway failed; see its log.' });
    });
  });
  // Live streams stay open for hours: no request or idle timeout on the gateway itself.
  server.requestTimeout = 0;
  server.timeout = 0;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as { port: number };
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams and idle keep-alive connections would hold close() forever.
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

// ---------------------------------------------------------------- CLI
if (require.main === module) {
  const env = process.env;
  const secret = env.JWT_SECRET || DEV_JWT_SECRET;
  const wantsDevTokens = process.argv.includes('--dev-tokens');
  // The picker mints field agent tokens for anyone who asks: never with a real secret.
  if (wantsDevTokens && secret !== DEV_JWT_SECRET) {
    process.stderr.write('gateway: --dev-tokens needs the development JWT secret (npm start without JWT_SECRET); refusing to mint tokens with a real one\n');
    process.exit(2);
  }
  startGateway({
    port: Number(env.GATEWAY_PORT || 3000),
    host: env.GATEWAY_HOST || '0.0.0.0',
    webRoot: path.resolve(env.GATEWAY_WEB_ROOT || path.join(__dirname, '..', '..', 'dist', 'web')),
    upstreams: {
      registry: env.REGISTRY_URL || 'http://127.0.0.1:3001',
      enrollment: env.ENROLLMENT_URL || 'http://127.0.0.1:3002',
      training: env.TRAINING_URL || 'http://127.0.0.1:3003',
      reporting: env.REPORTING_URL || 'http://127.0.0.1:3004',
    },
    devTokens: wantsDevTokens ? { secret, issuer: env.JWT_ISSUER || 'dtc-platform', audience: env.JWT_AUDIENCE || 'dtc-api' } : undefined,
    consoleMap: env.CONSOLE_MAP_TILE_URL ? { tileUrl: env.CONSOLE_MAP_TILE_URL, attribution: env.CONSOLE_MAP_ATTRIBUTION || undefined } : undefined,
    consoleGrafanaUrl: env.CONSOLE_GRAFANA_URL || undefined,
    oidc: env.FIELD_OIDC_AUTHORITY
      ? { authority: env.FIELD_OIDC_AUTHORITY, clientId: env.FIELD_OIDC_CLIENT_ID || 'dtc-field', scope: env.FIELD_OIDC_SCOPE || undefined, resource: env.FIELD_OIDC_RESOURCE || undefined }
      : undefined,
  }).then(
    (gateway) => {
      process.stdout.write(`gateway listening on ${gateway.url}${wantsDevTokens ? ' (development tokens on)' : ''}\n`);
      const stop = () => void gateway.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: Error) => {
      process.stderr.write(`gateway: cannot listen: ${error.message}\n`);
      process.exit(1);
    },
  );
}
