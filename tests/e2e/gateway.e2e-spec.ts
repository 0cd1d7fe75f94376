import * as fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { addDays, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, freePort, newRunId, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import { API_ROUTES, consoleCsp, FIELD_CSP, IMMUTABLE, startGateway, type Gateway, type UpstreamKey } from '../support/gateway';
import { householdBody, onboardCommune } from '../support/demo-commune';
import { request } from '../support/http';
import { startServices, type RunningService, type ServiceName } from '../support/services';
import { openStream } from '../support/event-stream';

// The one-origin gateway `npm start` runs (tools/start/gateway.ts) in front of the four real
// services: API routing with the prefix stripped, a live stream flowing through event by event,
// the field app's static files (cache and security headers, SPA fallback, no traversal), 502s
// naming the service, and the development token picker against the services' own data.
const runId = newRunId();
const COMMUNE = '50291';
const OTHER = '50292';
const admin = testToken({ sub: 'admin-50291', role: 'commune_admin', communes: [COMMUNE] });
const otherAdmin = testToken({ sub: 'admin-50292', role: 'commune_admin', communes: [OTHER] });
const devTokens = { secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' };
const SERVICE_OF: Record<UpstreamKey, ServiceName> = { registry: 'household-registry', enrollment: 'enrollment', training: 'training', reporting: 'reporting' };

interface Problem {
  statusCode: number;
  message: string;
  fields?: Array<{ field: string; reason: string }>;
  service?: string;
}

/** A request exactly as written (fetch would normalise `..` and `%2e%2e` segments away). */
function rawRequest(url: string, rawPath: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A small fake Vite build: the shell, a hashed script, the service worker, the manifest, an icon. */
function fakeWebRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-gateway-'));
  const app = path.join(root, 'field-app');
  fs.mkdirSync(path.join(app, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(app, 'index.html'), '<!doctype html><html><head><script type="module" src="/field/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>');
  fs.writeFileSync(path.join(app, 'assets', 'app-abc123.js'), 'console.log("field app");\n');
  fs.writeFileSync(path.join(app, 'sw.js'), 'self.addEventListener("fetch", () => {});\n');
  fs.writeFileSync(path.join(app, 'manifest.webmanifest'), JSON.stringify({ name: 'DTC', start_url: '/field/', scope: '/field/' }));
  fs.writeFileSync(path.join(app, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const console = path.join(root, 'console');
  fs.mkdirSync(path.join(console, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(console, 'index.html'), '<!doctype html><html><head><script type="module" src="/console/assets/console-def456.js"></script></head><body><div id="console-root"></div></body></html>');
  fs.writeFileSync(path.join(console, 'assets', 'console-def456.js'), 'console.log("console");\n');
  return root;
}

describe('one-origin gateway', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;
  let upstreams: Record<UpstreamKey, string>;
  let gateway: Gateway;
  const others: Gateway[] = [];
  const gatewayLog: string[] = [];
  const webRoot = fakeWebRoot();
  let villageIds: string[];
  let teamId: string;
  let memberId: string;
  let formerMemberId: string;
  let otherMemberId: string;
  const url = (pathAndQuery: string) => `${gateway.url}${pathAndQuery}`;
  const json = (token: string, body?: unknown) => ({ method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    // One live stream per token subject, so a stream the gateway failed to close would show as a 429.
    ({ services, stop } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting'], { reporting: { LIVE_STREAMS_PER_SUBJECT: '1' } }));
    upstreams = Object.fromEntries(Object.entries(SERVICE_OF).map(([key, name]) => [key, services[name].url])) as Record<UpstreamKey, string>;
    gateway = await startGateway({ port: 0, upstreams, webRoot, devTokens, log: (line) => gatewayLog.push(line) });

    const registry = services['household-registry'].url;
    const training = services.training.url;
    await onboardCommune(registry, COMMUNE, '38', ['THON-1', 'THON-2']);
    await onboardCommune(registry, OTHER, '38', ['THON-9']);
    villageIds = (await request<Array<{ id: string }>>('GET', `${registry}/communes/${COMMUNE}/villages`, admin)).body.map((v) => v.id).sort();
    const team = async (token: string, communeCode: string, name: string) =>
      (await request<{ id: string }>('POST', `${training}/teams`, token, { communeCode, name, kind: 'mobile_working_group', activeFrom: addDays(vietnamToday(), -30) })).body.id;
    const join = async (token: string, id: string, fullName: string) =>
      (await request<{ memberships: Array<{ memberId: string; fullName: string }> }>('POST', `${training}/teams/${id}/members`, token, { fullName, affiliation: 'youth_union' })).body.memberships.find((m) => m.fullName === fullName)!.memberId;
    teamId = await team(admin, COMMUNE, 'Tổ công tác số 1');
    memberId = await join(admin, teamId, 'Hà Văn Tuấn');
    formerMemberId = await join(admin, teamId, 'Đinh Thị Mai');
    expect((await request('POST', `${training}/teams/${teamId}/members/${formerMemberId}/leave`, admin, {})).status).toBe(200);
    otherMemberId = await join(otherAdmin, await team(otherAdmin, OTHER, 'Tổ xã bên'), 'Lò Văn Sáng');
  }, 180000);

  afterAll(async () => {
    for (const g of [gateway, ...others]) await g?.close();
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  describe('APIs under /api/<service>/', () => {
    it.each(Object.keys(API_ROUTES) as UpstreamKey[])('%s: the prefix is stripped and the right service answers', async (key) => {
      const through = await fetch(url(`${API_ROUTES[key].prefix}/docs-json`));
      expect(through.status).toBe(200);
      const direct = (await (await fetch(`${upstreams[key]}/docs-json`)).json()) as { info: { title: string } };
      expect(((await through.json()) as { info: { title: string } }).info.title).toBe(direct.info.title);
      expect((await fetch(url(`${API_ROUTES[key].prefix}/health`))).status).toBe(200);
    });

    it('keeps the query string', async () => {
      const teams = async (communeCode: string, token: string) => ((await (await fetch(url(`/api/training/teams?communeCode=${communeCode}`), json(token))).json()) as Array<{ communeCode: string }>);
      expect((await teams(COMMUNE, admin)).map((t) => t.communeCode)).toEqual([COMMUNE]);
      expect((await teams(OTHER, otherAdmin)).map((t) => t.communeCode)).toEqual([OTHER]);
      const refused = await fetch(url(`/api/training/teams?communeCode=${OTHER}`), json(admin));
      expect(refused.status).toBe(403);
    });

    it('forwards request bodies and passes the service\'s answer through', async () => {
      const created = await fetch(url('/api/registry/households'), json(admin, householdBody(COMMUNE, 'THON-1', { headName: 'Nguyễn Văn Qua Cổng' })));
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const stored = await request<{ headName: string }>('GET', `${upstreams.registry}/households/${id}`, admin);
      expect(stored.body.headName).toBe('Nguyễn Văn Qua Cổng');
      // The service's own refusals come back unchanged (not turned into gateway errors).
      const invalid = await fetch(url('/api/registry/households'), json(admin, { communeCode: COMMUNE }));
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as Problem).fields?.length).toBeGreaterThan(0);
    });

    it('drops hop-by-hop headers and adds X-Forwarded-*', async () => {
      const seen: http.IncomingHttpHeaders[] = [];
      const echo = http.createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'text/plain', 'x-from-upstream': 'yes', 'keep-alive': 'timeout=99' });
        res.end(req.url);
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      const probe = await startGateway({ port: 0, upstreams: { ...upstreams, enrollment: `http://127.0.0.1:${(echo.address() as { port: number }).port}` }, webRoot });
      others.push(probe);
      const answer = await rawRequest(probe.url, '/api/enrollment/a/b?c=d&e=%2F', { connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'x-kept': 'yes', 'x-forwarded-for': '10.0.0.7' });
      echo.close();
      expect(answer.body).toBe('/a/b?c=d&e=%2F');
      expect(answer.headers['x-from-upstream']).toBe('yes');
      expect(answer.headers['keep-alive']).not.toBe('timeout=99');
      expect(seen[0]).toMatchObject({ 'x-kept': 'yes', 'x-forwarded-for': '10.0.0.7, 127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': new URL(probe.url).host, 'x-forwarded-prefix': '/api/enrollment' });
      expect(seen[0]['x-hop']).toBeUndefined();
    });

    it('streams server-sent events through event by event, and a client that leaves ends the upstream stream', async () => {
      const campaignId = await eventually(
        async () => {
          const created = await request<{ id: string }>('POST', `${upstreams.reporting}/campaigns`, admin, {
            name: 'Chiến dịch qua cổng',
            communeCode: COMMUNE,
            provinceCode: '38',
            startsOn: addDays(vietnamToday(), -1),
            endsOn: addDays(vietnamToday(), 30),
            targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }],
          });
          expect(created.status).toBe(201);
          return created.body.id;
        },
        { timeoutMs: 60000, intervalMs: 250 },
      );
      const live = url(`/api/reporting/campaigns/${campaignId}/live`);
      const stream = await openStream(live, admin);
      expect({ status: stream.status, type: stream.contentType }).toEqual({ status: 200, type: expect.stringMatching(/^text\/event-stream/) });
      // A household registered now reaches reporting through Kafka; its notice must arrive while the stream stays open.
      expect((await fetch(url('/api/registry/households'), json(admin, householdBody(COMMUNE, 'THON-2')))).status).toBe(201);
      await eventually(() => expect(stream.text()).toMatch(/^event: changed$/m), { timeoutMs: 30000, intervalMs: 100 });
      expect(stream.done()).toBe(false);

      // The service allows this subject one stream: a second is refused while the first is open...
      const second = await openStream(live, admin);
      expect(second.status).toBe(429);
      // ...and once the client closes the first, the gateway closes its upstream request, freeing the slot.
      stream.close();
      await eventually(
        async () => {
          const again = await openStream(live, admin);
          again.close();
          expect(again.status).toBe(200);
        },
        { timeoutMs: 10000, intervalMs: 100 },
      );
    });

    it('answers 502 naming the service when it is down, without a stack', async () => {
      const down = await startGateway({ port: 0, upstreams: { ...upstreams, registry: `http://127.0.0.1:${await freePort()}` }, webRoot, log: (line) => gatewayLog.push(line) });
      others.push(down);
      const answer = await fetch(`${down.url}/api/registry/health`);
      expect(answer.status).toBe(502);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      const text = await answer.text();
      expect(JSON.parse(text)).toMatchObject({ statusCode: 502, error: 'Bad Gateway', service: 'household-registry', message: expect.stringMatching(/household-registry/) });
      expect(text).not.toMatch(/ECONNREFUSED|\sat\s/);
      expect(gatewayLog.some((line) => /household-registry unreachable .*ECONNREFUSED/.test(line))).toBe(true);
      // The others still answer through the same gateway.
      expect((await fetch(`${down.url}/api/training/health`)).status).toBe(200);
    });
  });

  describe('the field app under /field/', () => {
    it('redirects / and /field to /field/', async () => {
      for (const [from, status] of [['/', 302], ['/field', 301]] as const) {
        const answer = await fetch(url(from), { redirect: 'manual' });
        expect({ from, status: answer.status, location: answer.headers.get('location') }).toEqual({ from, status, location: '/field/' });
      }
    });

    it('serves the shell with its Content-Security-Policy, never cached without revalidation', async () => {
      const answer = await fetch(url('/field/'));
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('<div id="root">');
      expect(Object.fromEntries(['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy'].map((h) => [h, answer.headers.get(h)]))).toEqual({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': FIELD_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      expect(FIELD_CSP).toMatch(/script-src 'self';.*style-src 'self';.*connect-src 'self';.*img-src 'self' data:/);
      // Revalidation is cheap: the same file answers 304.
      const again = await fetch(url('/field/index.html'), { headers: { 'if-none-match': answer.headers.get('etag')! } });
      expect(again.status).toBe(304);
    });

    it.each([
      ['assets/app-abc123.js', 'text/javascript; charset=utf-8', IMMUTABLE],
      ['sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
      ['manifest.webmanifest', 'application/manifest+json', 'no-cache'],
      ['icon.svg', 'image/svg+xml', 'no-cache'],
    ])('serves %s as %s with Cache-Control %s', async (file, type, cache) => {
      const answer = await fetch(url(`/field/${file}`));
      expect({ status: answer.status, type: answer.headers.get('content-type'), cache: answer.headers.get('cache-control'), csp: answer.headers.get('content-security-policy') }).toEqual({ status: 200, type, cache, csp: null });
    });

    it('answers navigations to client-side routes with the shell, and missing files with 404', async () => {
      const navigation = await fetch(url('/field/households/42?tab=visits'), { headers: { accept: 'text/html,application/xhtml+xml' } });
      expect({ status: navigation.status, cache: navigation.headers.get('cache-control') }).toEqual({ status: 200, cache: 'no-cache' });
      expect(await navigation.text()).toContain('<div id="root">');
      for (const missing of ['/field/assets/app-old999.js', '/field/households/42']) expect((await fetch(url(missing))).status).toBe(404);
      expect((await fetch(url('/field/'), { method: 'POST' })).status).toBe(405);
    });

    it.each(['/field/..%2f..%2fpackage.json', '/field/../../package.json', '/field/%2e%2e/%2e%2e/package.json', '/field/assets/..%5c..%5c..%5cpackage.json', '/field/%00'])('refuses %s', async (rawPath) => {
      const answer = await rawRequest(gateway.url, rawPath, { accept: 'text/html' });
      expect([400, 404]).toContain(answer.status);
      expect(answer.body).not.toContain('dtc-platform');
    });

    it('says how to build the app when the build output is missing', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dtc-gateway-empty-'));
      const unbuilt = await startGateway({ port: 0, upstreams, webRoot: empty });
      others.push(unbuilt);
      const answer = await fetch(`${unbuilt.url}/field/`);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toMatch(/run npm run build:web/);
      fs.rmSync(empty, { recursive: true, force: true });
    });
  });

  describe('the console under /console/', () => {
    it("redirects /console to /console/ and serves the shell with the field app's Content-Security-Policy plus React Aria's two style rules by hash", async () => {
      const redirect = await fetch(url('/console?campaign=x'), { redirect: 'manual' });
      expect({ status: redirect.status, location: redirect.headers.get('location') }).toEqual({ status: 301, location: '/console/?campaign=x' });
      const answer = await fetch(url('/console/'));
      expect(await answer.text()).toContain('<div id="console-root">');
      expect({ status: answer.status, cache: answer.headers.get('cache-control'), csp: answer.headers.get('content-security-policy') }).toEqual({ status: 200, cache: 'no-cache', csp: consoleCsp() });
      expect(consoleCsp().replace(/ 'sha256-[A-Za-z0-9+/=]+'/g, '')).toBe(FIELD_CSP);
      const script = await fetch(url('/console/assets/console-def456.js'));
      expect({ status: script.status, cache: script.headers.get('cache-control') }).toEqual({ status: 200, cache: IMMUTABLE });
    });

    it('answers navigations with the console shell (never the field app), missing files with 404, and refuses traversal', async () => {
      const navigation = await fetch(url('/console/?campaign=abc&commune=50391'), { headers: { accept: 'text/html' } });
      expect(await navigation.text()).toContain('<div id="console-root">');
      const deep = await fetch(url('/console/communes/50391'), { headers: { accept: 'text/html' } });
      expect(await deep.text()).toContain('<div id="console-root">');
      expect((await fetch(url('/console/assets/console-old.js'))).status).toBe(404);
      // No map settings and no config.json in this build: nothing to configure.
      expect((await fetch(url('/console/config.json'))).status).toBe(404);
      expect([400, 404]).toContain((await rawRequest(gateway.url, '/console/..%2f..%2fpackage.json', { accept: 'text/html' })).status);
    });
  });

  it("gives the console a map base when one is configured, and lets its page load that server's tiles", async () => {
    const mapped = await startGateway({ port: 0, upstreams, webRoot, consoleMap: { tileUrl: 'https://{s}.tiles.example.vn/{z}/{x}/{y}.png', attribution: '© Bản đồ Việt Nam' } });
    others.push(mapped);
    expect(await (await fetch(`${mapped.url}/console/config.json`)).json()).toEqual({ mapTileUrl: 'https://{s}.tiles.example.vn/{z}/{x}/{y}.png', mapAttribution: '© Bản đồ Việt Nam' });
    const csp = (await fetch(`${mapped.url}/console/`)).headers.get('content-security-policy')!;
    expect(csp).toBe(consoleCsp({ tileUrl: 'https://{s}.tiles.example.vn/{z}/{x}/{y}.png' }));
    expect(csp).toContain("img-src 'self' data: https://*.tiles.example.vn;");
    expect(csp).toContain("connect-src 'self';");
  });

  describe('development token picker', () => {
    interface Roster {
      commune: { code: string; name: string; provinceCode: string };
      villages: Array<{ id: string; name: string }>;
      teams: Array<{ id: string; name: string; kind: string; villageIds: string[]; members: Array<{ id: string; fullName: string }> }>;
    }
    const mint = (body: unknown) => fetch(url('/dev/token'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    it("lists a commune's villages and teams with their current members", async () => {
      const answer = await fetch(url(`/dev/roster?communeCode=${COMMUNE}`));
      expect(answer.status).toBe(200);
      const roster = (await answer.json()) as Roster;
      expect(roster.commune).toEqual({ code: COMMUNE, name: `Xã ${COMMUNE}`, provinceCode: '38' });
      expect(roster.villages.map((v) => v.id).sort()).toEqual(villageIds);
      expect(roster.villages.map((v) => v.name).sort()).toEqual(['Thôn THON-1', 'Thôn THON-2']);
      expect(roster.teams).toEqual([{ id: teamId, name: 'Tổ công tác số 1', kind: 'mobile_working_group', villageIds: [], members: [{ id: memberId, fullName: 'Hà Văn Tuấn' }] }]);
      expect((await fetch(url('/dev/roster?communeCode=99999'))).status).toBe(404);
      expect((await fetch(url('/dev/roster?communeCode=abc'))).status).toBe(400);
    });

    it("mints a 12-hour field agent token for a member, which the services accept for that commune only", async () => {
      const answer = await mint({ communeCode: COMMUNE, memberId });
      expect(answer.status).toBe(200);
      const minted = (await answer.json()) as { token: string; expiresAt: string; member: { id: string; fullName: string }; teams: Array<{ id: string; name: string }> };
      expect(minted.member).toEqual({ id: memberId, fullName: 'Hà Văn Tuấn' });
      expect(minted.teams).toEqual([{ id: teamId, name: 'Tổ công tác số 1', kind: 'mobile_working_group', villageIds: [] }]);
      expect(Math.abs(Date.parse(minted.expiresAt) - Date.now() - 12 * 3600 * 1000)).toBeLessThan(60000);
      const claims = JSON.parse(Buffer.from(minted.token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: memberId, role: 'field_agent', communes: [COMMUNE] });

      const workList = (communeCode: string) => fetch(url(`/api/registry/work-list?communeCode=${communeCode}`), json(minted.token));
      expect((await workList(COMMUNE)).status).toBe(200);
      expect((await workList(OTHER)).status).toBe(403);
    });

    it.each([
      ['a member of another commune', () => ({ communeCode: COMMUNE, memberId: otherMemberId }), 'memberId'],
      ['a member who left the team', () => ({ communeCode: COMMUNE, memberId: formerMemberId }), 'memberId'],
      ['an unknown member', () => ({ communeCode: COMMUNE, memberId: 'nobody' }), 'memberId'],
      ['an unknown commune', () => ({ communeCode: '99999', memberId }), 'communeCode'],
    ])('refuses %s with 422 naming the field', async (_case, body, field) => {
      const answer = await mint(body());
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(((await answer.json()) as Problem).fields).toEqual([{ field, reason: expect.any(String) }]);
    });

    it.each([['not JSON', '{'], ['an array', '[]'], ['a bad commune code', { communeCode: '1', memberId: 'x' }], ['no member', { communeCode: COMMUNE }]])('refuses %s with 400', async (_case, body) => {
      expect((await mint(body)).status).toBe(400);
    });

    it('does not exist without devTokens', async () => {
      const plain = await startGateway({ port: 0, upstreams, webRoot });
      others.push(plain);
      expect((await fetch(`${plain.url}/dev/roster?communeCode=${COMMUNE}`)).status).toBe(404);
      expect((await fetch(`${plain.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ communeCode: COMMUNE, memberId }) })).status).toBe(404);
    });
  });
});
