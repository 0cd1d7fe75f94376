import type { Browser, Page } from 'playwright-core';
import { signToken } from '@dtc/platform';
import { deleteTestTopics, FieldStream, publish, type Resident, dropTestSchemas, eventually, newRunId, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import { launchChromium } from '../../support/browser';
import { request } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { startServices, type RunningService } from '../../support/services';

// The live dashboard in a real browser (Debian's Chromium driven by playwright-core): figures,
// villages, teams and chart render; new field events show up without a reload; Vietnamese and
// English. Two reporting instances: the page is served by one while the other may apply the
// events, so the update has to travel through Redis.
const runId = newRunId();
const prefix = `t-${runId}.`;
const admin = testToken({ sub: 'admin-16290', role: 'commune_admin', communes: ['16290'] });

describe('live dashboard in headless Chromium', () => {
  let viewerInstance: RunningService;
  let stop: () => Promise<void>;
  let stopSecond: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let campaignId: string;
  const stream = new FieldStream('16290', '38');
  const village = stream.village('THON-1', 'Thôn Trung Tâm');
  const team = stream.team(2);
  const residents: Resident[] = [];

  const figure = () => page.textContent('[data-testid="figure-cccd_applications"]');
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ services: { reporting: viewerInstance }, stop } = (await startServices(runId, ['reporting'])) as never);
    ({ stop: stopSecond } = await startServices(runId, ['reporting']));
    for (let i = 0; i < 200; i += 1) residents.push(stream.resident(stream.household(village, '2026-07-01'), village, 1970 + (i % 30), 1 + (i % 12), i % 2 === 0));
    residents.slice(0, 150).forEach((resident, i) => stream.enrollment(resident, 'cccd', [['applied', i % 2 ? '2026-07-21' : '2026-07-22']], { teamId: team.teamId, memberId: team.members[i % 2] }));
    await publish(prefix, stream.events);
    const created = await request<{ id: string }>('POST', `${viewerInstance.url}/campaigns`, admin, {
      name: 'Chiến dịch thử nghiệm bảng điều khiển',
      communeCode: '16290',
      provinceCode: '38',
      startsOn: '2026-07-21',
      endsOn: '2026-08-02',
      targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }],
    });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    await eventually(
      async () => {
        const progress = await request<{ indicators: Array<{ achieved: number; target: number }> }>('GET', `${viewerInstance.url}/campaigns/${campaignId}/progress?asOf=2026-08-02`, admin);
        expect(progress.body.indicators[0]).toMatchObject({ achieved: 150, target: 200 });
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );
    browser = await launchChromium();
    page = await browser.newPage();
    // The page runs under its Content-Security-Policy: any refused script or style shows here.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    await stopSecond?.();
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('shows progress bars, the village table, the team leaderboard and the daily chart', async () => {
    await page.goto(`${viewerInstance.url}/dashboard#token=${admin}&campaign=${campaignId}`);
    await page.fill('#asOf', '2026-08-02');
    await page.dispatchEvent('#asOf', 'change');
    await eventually(async () => expect(await figure()).toBe('150 / 200 = 75,00%'), { timeoutMs: 15000, intervalMs: 100 });
    expect(await page.textContent('[data-testid="villages"]')).toContain('Thôn Trung Tâm');
    expect(await page.locator('[data-testid="teams"] tr').count()).toBe(2);
    expect(await page.textContent('[data-testid="teams"]')).toContain(team.teamId.slice(0, 8));
    expect(await page.locator('[data-testid="chart"] svg rect').count()).toBe(13);
    expect(await page.textContent('h1')).toBe('Tiến độ chuyển đổi số');
    expect(await page.locator('[data-indicator="cccd_applications"] .fill').evaluate((el) => (el as unknown as { style: { width: string } }).style.width)).toBe('75%');
    expect(cspViolations).toEqual([]);
  });

  it('takes the token out of the address bar and keeps it only in the tab\'s sessionStorage', async () => {
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toContain(`campaign=${campaignId}`);
    const storage = await page.evaluate(() => {
      const w = globalThis as unknown as { sessionStorage: { getItem(k: string): string | null }; localStorage: { getItem(k: string): string | null } };
      return { session: w.sessionStorage.getItem('dtc.token'), local: w.localStorage.getItem('dtc.token') };
    });
    expect(storage).toEqual({ session: admin, local: null });
  });

  it('updates itself within seconds when new field events arrive, without a reload', async () => {
    await eventually(async () => expect(await page.getAttribute('body', 'data-live')).toBe('true'), { timeoutMs: 15000, intervalMs: 100 });
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const more = new FieldStream('16290', '38');
    residents.slice(150, 170).forEach((resident) => more.enrollment(resident, 'cccd', [['applied', '2026-07-23']]));
    await publish(prefix, more.events);
    await eventually(async () => expect(await figure()).toBe('170 / 200 = 85,00%'), { timeoutMs: 20000, intervalMs: 100 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('switches between Vietnamese and English', async () => {
    await page.click('#lang-en');
    await eventually(async () => expect(await figure()).toBe('170 / 200 = 85.00%'), { timeoutMs: 10000, intervalMs: 100 });
    expect(await page.textContent('h1')).toBe('Digital transformation progress');
    expect(await page.textContent('[data-indicator="cccd_applications"]')).toContain('Chip ID card applications');
  });

  it('serves the page with a Content-Security-Policy and without inline handlers or style attributes', async () => {
    const response = await fetch(`${viewerInstance.url}/dashboard`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toContain('unsafe-inline');
    expect([response.headers.get('x-content-type-options'), response.headers.get('referrer-policy')]).toEqual(['nosniff', 'no-referrer']);
    const html = await response.text();
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle="/);
    expect(cspViolations).toEqual([]);
  });

  it('drops an expired token instead of keeping it', async () => {
    // Long enough for the page to load and go live on a loaded CI machine (3 s was not, once),
    // short enough that the live stream's own "expired" event is what ends it.
    const lifetimeSeconds = 12;
    const shortLived = signToken({ secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, { sub: 'admin-16290', role: 'commune_admin', communes: ['16290'] }, lifetimeSeconds);
    const tab = await browser.newPage();
    await tab.goto(`${viewerInstance.url}/dashboard#token=${shortLived}&campaign=${campaignId}`);
    await eventually(async () => expect(await tab.getAttribute('body', 'data-live')).toBe('true'), { timeoutMs: lifetimeSeconds * 1000, intervalMs: 100 });
    await eventually(async () => expect(await tab.getAttribute('body', 'data-expired')).toBe('true'), { timeoutMs: (lifetimeSeconds + 15) * 1000, intervalMs: 200 });
    expect(await tab.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('dtc.token'))).toBeNull();
    expect(await tab.textContent('#error')).toMatch(/hết hạn|expired/);
    await tab.reload();
    await eventually(async () => expect(await tab.textContent('#error')).toContain('token'), { timeoutMs: 10000, intervalMs: 100 });
    await tab.close();
  });

  it('asks for a token instead of showing anything without one', async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${viewerInstance.url}/dashboard`);
    await anonymous.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
    await anonymous.reload();
    await eventually(async () => expect(await anonymous.textContent('#error')).toContain('token'), { timeoutMs: 10000, intervalMs: 100 });
    expect(await anonymous.textContent('[data-testid="indicators"]')).toBe('');
    await anonymous.close();
  });

  it('documents every reporting endpoint with a summary and responses, and every schema field with an example', async () => {
    const gaps = openApiGaps((await request<OpenApiDocument>('GET', `${viewerInstance.url}/docs-json`)).body);
    expect(gaps.operations).toBeGreaterThanOrEqual(18);
    expect([gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample]).toEqual([[], [], []]);
  });
});
