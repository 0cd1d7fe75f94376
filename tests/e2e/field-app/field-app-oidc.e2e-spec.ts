import fs from 'node:fs';
import path from 'node:path';
import { addDays, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, freePort, newRunId, query } from '@dtc/testkit';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { householdBody } from '../../support/demo-commune';
import { startGateway, type Gateway } from '../../support/gateway';
import { request } from '../../support/http';
import { startOidcProvider, type OidcProvider } from '../../support/oidc-provider';
import { startServices, type RunningService, type ServiceName } from '../../support/services';

// Production sign-in: the field app runs the authorization code flow with PKCE (oidc-client-ts)
// against a real OpenID Connect provider started here, and the four services verify the access
// tokens against that provider's JWKS (no shared secret anywhere). The token stays out of the URL
// and of persistent storage; the member's teams come from the training service.
const runId = newRunId();
const COMMUNE = '50491';
const VILLAGE = 'THON-O';
const webRoot = path.resolve(__dirname, '..', '..', '..', 'dist', 'web');

describe('field app sign-in with OpenID Connect (authorization code + PKCE)', () => {
  let provider: OidcProvider;
  let services: Record<string, RunningService>;
  let stopServices: () => Promise<void>;
  let gateway: Gateway;
  let browser: Browser;
  let page: Page;
  let memberId: string;
  const registry = () => services['household-registry'];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webRoot, 'field-app', 'index.html'))) throw new Error('dist/web/field-app is missing: run npm run build:web (npm test does)');
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    provider = await startOidcProvider({ redirectUri: `${gatewayUrl}/field/` });
    const jwksEnv = { JWT_JWKS_URL: provider.jwksUrl, JWT_ISSUER: provider.issuer, JWT_AUDIENCE: provider.audience, JWT_SECRET: '' };
    const names: ServiceName[] = ['household-registry', 'enrollment', 'training', 'reporting'];
    ({ services, stop: stopServices } = await startServices(runId, names, Object.fromEntries(names.map((name) => [name, jwksEnv]))));

    const ops = provider.sign({ sub: 'ops-oidc', role: 'operations' });
    const admin = provider.sign({ sub: 'admin-50491', role: 'commune_admin', communes: [COMMUNE] });
    expect((await request('POST', `${registry().url}/communes`, ops, { code: COMMUNE, name: 'Xã OIDC', provinceCode: '38', provinceName: 'Tỉnh 38' })).status).toBe(201);
    const village = await request<{ id: string }>('POST', `${registry().url}/communes/${COMMUNE}/villages`, ops, { code: VILLAGE, name: 'Thôn OIDC' });
    expect((await request('POST', `${registry().url}/households`, admin, householdBody(COMMUNE, VILLAGE, { headName: 'Hộ Trên Máy Chủ' }))).status).toBe(201);
    const team = await request<{ id: string }>('POST', `${services.training.url}/teams`, admin, { communeCode: COMMUNE, name: 'Tổ OIDC', kind: 'mobile_working_group', activeFrom: addDays(vietnamToday(), -400) });
    const joined = await request<{ memberships: Array<{ memberId: string }> }>('POST', `${services.training.url}/teams/${team.body.id}/members`, admin, { fullName: 'Phạm Văn Định', affiliation: 'youth_union' });
    memberId = joined.body.memberships[0].memberId;
    provider.addAccount(memberId, { role: 'field_agent', communes: [COMMUNE] });
    await eventually(async () => expect((await request('PUT', `${services.training.url}/teams/${team.body.id}/villages`, admin, { villageIds: [village.body.id] })).status).toBe(200), { timeoutMs: 30000 });
    await eventually(async () => expect(Number((await query<{ n: number }>(`select count(*)::int as n from "${registry().schema}".field_team_villages`))[0].n)).toBe(1), { timeoutMs: 30000 });

    gateway = await startGateway({
      port: gatewayPort,
      upstreams: { registry: registry().url, enrollment: services.enrollment.url, training: services.training.url, reporting: services.reporting.url },
      webRoot,
      oidc: { authority: provider.issuer, clientId: 'dtc-field', resource: provider.resource },
      log: () => undefined,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true })).newPage();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await stopServices?.();
    await provider?.stop();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('signs in at the provider, comes back without the code in the URL, and works with the provider token', async () => {
    await page.goto(`${gateway.url}/field/`);
    // No development picker here: only the province's sign-in.
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản của tỉnh' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill(memberId);
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();

    await page.getByRole('heading', { name: 'Việc trong ngày' }).waitFor();
    expect(page.url()).toBe(`${gateway.url}/field/`);
    expect(await page.getByText('Phạm Văn Định').count()).toBeGreaterThan(0);
    expect(await page.evaluate('Object.keys(localStorage).filter((key) => /token|oidc/i.test(key))')).toEqual([]);

    await page.getByRole('button', { name: 'Tải danh sách hộ' }).click();
    await page.getByRole('button', { name: /Hộ Trên Máy Chủ/ }).waitFor();
    await page.getByRole('button', { name: '+ Thêm hộ' }).click();
    await page.getByLabel('Chủ hộ', { exact: true }).fill('Hộ Đăng Nhập OIDC');
    await page.getByLabel('Địa chỉ').fill('Xóm Núi');
    await page.getByRole('button', { name: 'Lưu' }).click();

    // Stored as the member the provider signed in: the upload's stored result names the token subject.
    await eventually(async () => {
      const rows = await query<{ actor: string }>(`select actor from "${registry().schema}".sync_results where command = 'household.register'`);
      expect(rows).toEqual([{ actor: memberId }]);
    }, { timeoutMs: 30000 });
    await page.getByTestId('waiting').filter({ hasText: /^Đã đồng bộ hết$/ }).waitFor();

    // Signing out takes the residents' data and the token off the phone.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản của tỉnh' }).waitFor();
    const left = await page.evaluate(`new Promise((resolve) => {
      const open = indexedDB.open('dtc-field');
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction(['households', 'residents', 'queue'], 'readonly');
        const counts = {};
        for (const name of ['households', 'residents', 'queue']) tx.objectStore(name).count().onsuccess = (event) => (counts[name] = event.target.result);
        tx.oncomplete = () => { db.close(); resolve(counts); };
      };
    })`);
    expect(left).toEqual({ households: 0, residents: 0, queue: 0 });
    expect(await page.evaluate("Object.keys(sessionStorage).filter((key) => sessionStorage.getItem(key).includes('eyJ'))")).toEqual([]);
  });

  it('answers the development routes 404 when the services do not run on the development secret', async () => {
    const response = await fetch(`${gateway.url}/dev/roster?communeCode=${COMMUNE}`);
    expect(response.status).toBe(404);
    const config = await (await fetch(`${gateway.url}/field/config.json`)).json();
    expect(config).toEqual({ oidc: { authority: provider.issuer, clientId: 'dtc-field', resource: provider.resource }, devSignIn: false });
  });
});
