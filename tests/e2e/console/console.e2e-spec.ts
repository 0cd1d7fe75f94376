import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { addDays, signToken, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, TEST_JWT_SECRET, testKafka, testToken } from '@dtc/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { startGateway, type Gateway } from '../../support/gateway';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// The officials' console (apps/console, built by `npm run build:web`) in headless Chromium at
// desktop size, behind the one-origin gateway, against the real registry, training and reporting
// services and the real broker: a commune official signs in from a link and sees the campaign's
// indicators, teams by name, obstacles by label and the days; a field member's upload appears
// without a reload; the exports hold the figures on screen; a province officer ranks communes and
// opens one; both languages; no serious or critical accessibility violation on any page. Two
// reporting instances: the console reads from one while the other may apply the events, so the
// live notice has to travel through Redis.
const runId = newRunId();
const COMMUNE = '50481';
const PROVINCE = '48';
const TEAM_NAME = 'Tổ công tác lưu động thôn Đông';
const MEMBER_NAME = 'Nguyễn Thị Mai';
const admin = testToken({ sub: 'admin-50481', role: 'commune_admin', communes: [COMMUNE] });
const provinceOfficer = testToken({ sub: 'officer-48', role: 'province_officer', province: PROVINCE });
const operations = testToken({ sub: 'ops-oncall', role: 'operations' });
const GRAFANA = 'http://grafana.dtc.test:3000';
const webRoot = path.resolve(__dirname, '..', '..', '..', 'dist', 'web');
const DESKTOP = { width: 1366, height: 900 };
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** axe-core in the page (evaluated through the debugging protocol, so the page's CSP does not apply to it). */
async function seriousViolations(page: Page): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

describe('console (officials and province officers, desktop)', () => {
  let services: Record<string, RunningService>;
  let stopServices: () => Promise<void>;
  let stopSecondReporting: () => Promise<void>;
  let gateway: Gateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let teamId: string;
  let memberId: string;
  let agent: string;
  let campaignId: string;
  let provinceCampaignId: string;
  const households: string[] = [];
  const cspViolations: string[] = [];
  const today = vietnamToday();
  const registry = () => services['household-registry'];
  const visitedFigure = () => page.getByTestId('figure-households_visited');

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webRoot, 'console', 'index.html'))) throw new Error('dist/web/console is missing: run npm run build:web (npm test does)');
    // Enrollments held for their resident count as overdue at once, so the review queue has one to show.
    ({ services, stop: stopServices } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting'], { enrollment: { ENROLLMENT_PENDING_REPORT_MINUTES: '0' } }));
    ({ stop: stopSecondReporting } = await startServices(runId, ['reporting']));
    await onboardCommune(registry().url, COMMUNE, PROVINCE, ['DONG', 'TAY']);
    const team = await request<{ id: string }>('POST', `${services.training.url}/teams`, admin, { communeCode: COMMUNE, name: TEAM_NAME, kind: 'mobile_working_group', activeFrom: addDays(today, -30) });
    expect(team.status).toBe(201);
    teamId = team.body.id;
    const joined = await request<{ memberships: Array<{ memberId: string }> }>('POST', `${services.training.url}/teams/${teamId}/members`, admin, { fullName: MEMBER_NAME, affiliation: 'youth_union' });
    memberId = joined.body.memberships[0].memberId;
    agent = testToken({ sub: memberId, role: 'field_agent', communes: [COMMUNE] });
    for (const [index, headName] of ['Hộ Lê Văn Một', 'Hộ Trần Thị Hai', 'Hộ Phạm Văn Ba', 'Hộ Đỗ Thị Bốn'].entries()) {
      const position = { latitude: 19.9 + index * 0.002, longitude: 105.65 + (index % 2) * 0.003 };
      const created = await request<{ id: string }>('POST', `${registry().url}/households`, admin, householdBody(COMMUNE, 'DONG', { headName, ...position }));
      expect(created.status).toBe(201);
      households.push(created.body.id);
    }
    // Two visits already made: one done, one where nobody was home and there was no signal.
    for (const [index, body] of [{ outcome: 'done', obstacles: [] }, { outcome: 'nobody_home', obstacles: ['no_signal'] }].entries()) {
      const visit = await request('POST', `${registry().url}/households/${households[index]}/visits`, agent, { ...body, teamId, memberId });
      expect(visit.status).toBe(201);
    }
    const created = await request<{ id: string }>('POST', `${services.reporting.url}/campaigns`, admin, {
      name: 'Chiến dịch 30 ngày thôn Đông',
      communeCode: COMMUNE,
      provinceCode: PROVINCE,
      startsOn: addDays(today, -5),
      endsOn: addDays(today, 25),
      targets: [{ indicatorCode: 'households_visited', targetCount: 4 }],
    });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    const province = await request<{ id: string }>('POST', `${services.reporting.url}/campaigns`, testToken({ sub: 'ops', role: 'operations' }), {
      name: 'Chiến dịch toàn tỉnh',
      provinceCode: PROVINCE,
      startsOn: addDays(today, -5),
      endsOn: addDays(today, 25),
      targets: [{ indicatorCode: 'households_visited', targetCount: 10, communeTargets: { [COMMUNE]: 4 } }],
    });
    expect(province.status).toBe(201);
    provinceCampaignId = province.body.id;
    await eventually(
      async () => {
        const progress = await request<{ indicators: Array<{ achieved: number }> }>('GET', `${services.reporting.url}/campaigns/${campaignId}/progress`, admin);
        expect(progress.body.indicators[0]?.achieved).toBe(2);
      },
      { timeoutMs: 60000, intervalMs: 250 },
    );

    gateway = await startGateway({
      port: 0,
      upstreams: { registry: registry().url, enrollment: services.enrollment.url, training: services.training.url, reporting: services.reporting.url },
      webRoot,
      consoleGrafanaUrl: GRAFANA,
      log: () => undefined,
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN', acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await stopSecondReporting?.();
    await stopServices?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('asks for a sign-in without a token, and the page has no serious accessibility problem', async () => {
    await page.goto(`${gateway.url}/console/`);
    await page.getByRole('heading', { name: 'Đăng nhập bảng điều hành' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("signs a commune official in from a link and shows the campaign's figures, teams by name and obstacles by label", async () => {
    await page.goto(`${gateway.url}/console/?campaign=${campaignId}#token=${admin}`);
    await visitedFigure().filter({ hasText: '2 / 4 50,0%' }).waitFor();
    // The token left the address bar for this tab's session storage only.
    expect(page.url()).toBe(`${gateway.url}/console/?campaign=${campaignId}`);
    expect(await page.evaluate('sessionStorage.getItem("dtc-console-token")')).toBe(admin);
    expect(await page.evaluate('Object.keys(localStorage).filter((key) => /token/i.test(key))')).toEqual([]);
    expect(await page.getByTestId('role').textContent()).toBe(`Cán bộ xã · ${COMMUNE}`);
    const teams = page.getByTestId('teams');
    expect(await teams.getByRole('rowheader').first().textContent()).toContain(TEAM_NAME);
    expect(await teams.textContent()).not.toContain(teamId.slice(0, 8));
    expect(await page.getByTestId('obstacles').textContent()).toMatch(/sóng/i);
    expect(await page.getByTestId('obstacles').textContent()).not.toContain('no_signal');
    expect(await page.getByTestId('villages').textContent()).toContain('Thôn DONG');
    expect(await page.getByTestId('households').textContent()).toBe('4');
    // The daily chart is drawn (a canvas) and its figures are in a table too.
    await page.locator('.chart-canvas canvas').first().waitFor();
    expect(await page.getByTestId('series-households_visited').locator('tbody tr').count()).toBeGreaterThan(0);
    // Data as of, always visible.
    await page.getByTestId('live').and(page.locator('[data-live="true"]')).waitFor();
    expect(await page.getByTestId('freshness').textContent()).toMatch(/Số liệu đã gồm mọi sự kiện đến/);
    // The coverage map draws the households by status on an empty base (no tile server here) and
    // labels the village; nothing is fetched from another origin.
    const map = page.getByTestId('coverage-map');
    await map.locator('path.household').nth(3).waitFor();
    const drawn = async (status: string) => map.locator(`path.household-${status}`).count();
    expect({ all: await map.locator('path.household').count(), visited: await drawn('visited'), obstacle: await drawn('obstacle'), notVisited: await drawn('not_visited') }).toEqual({ all: 4, visited: 1, obstacle: 1, notVisited: 2 });
    expect(await map.locator('.village-label').allTextContents()).toEqual(['Thôn DONG']);
    expect(await page.getByTestId('map-legend').textContent()).toContain('Chưa thăm: 2');
    expect(await map.locator('img').count()).toBe(0);
    // The honour roll names the member who visited.
    expect(await page.getByTestId('honour-members').textContent()).toContain(MEMBER_NAME);
    expect(cspViolations).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows a field member's upload within seconds, without a reload", async () => {
    await page.evaluate('window.notReloaded = true');
    const visitedAt = new Date().toISOString();
    // The phone's upload, through the same origin the field app uses.
    const uploaded = await fetch(`${gateway.url}/api/registry/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json', 'x-device-id': 'console-test-phone' },
      body: JSON.stringify({ items: [{ clientId: randomUUID(), command: 'visit.record', occurredAt: visitedAt, target: households[2], payload: { outcome: 'done', obstacles: [], teamId, memberId, visitedAt } }] }),
    });
    expect(((await uploaded.json()) as { results: Array<{ status: number }> }).results.map((result) => result.status)).toEqual([201]);
    await visitedFigure().filter({ hasText: '3 / 4 75,0%' }).waitFor({ timeout: 20000 });
    await page.getByTestId('coverage-map').locator('path.household-visited').nth(1).waitFor();
    expect(await page.evaluate('window.notReloaded')).toBe(true);
  });

  it('downloads CSV and XLSX reports that hold the figures on screen', async () => {
    const onScreen = (await visitedFigure().textContent())!;
    expect(onScreen).toContain('3 / 4');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvText = fs.readFileSync((await csv.path())!, 'utf8');
    const visitedLine = csvText.split('\n').find((line) => /Hộ đã được đến tận nhà/.test(line));
    expect(visitedLine).toBeDefined();
    expect(visitedLine!.split(/[,;]/)).toEqual(expect.arrayContaining(['3', '4']));
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải Excel (XLSX)' }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = fs.readFileSync((await xlsx.path())!);
    // An XLSX is a ZIP container.
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('switches to English and back', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await visitedFigure().filter({ hasText: '3 / 4 75.0%' }).waitFor();
    expect(await page.locator('h1').textContent()).toBe('Digital transformation console');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.getByTestId('freshness').textContent()).toMatch(/Figures include every event up to/);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visitedFigure().filter({ hasText: '3 / 4 75,0%' }).waitFor();
  });

  it('lets a commune official set up villages (add, rename, import from CSV) and teams (form, members, villages, leaving)', async () => {
    await page.getByRole('button', { name: 'Thiết lập xã' }).click();
    const villages = page.getByTestId('admin-villages');
    await villages.waitFor();
    // Another section keeps the campaign being watched in the address, for the way back.
    const place = () => Object.fromEntries(new URL(page.url()).searchParams);
    expect(place()).toEqual({ campaign: campaignId, section: 'admin' });
    await page.getByLabel('Mã', { exact: true }).fill('nam');
    await page.getByLabel('Tên', { exact: true }).fill('Thôn Nam');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await villages.getByRole('rowheader', { name: 'Thôn Nam' }).waitFor();
    await page.getByRole('button', { name: 'Đổi tên Thôn Nam' }).click();
    await page.getByLabel('Tên mới của NAM').fill('Thôn Nam Sơn');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await villages.getByRole('rowheader', { name: 'Thôn Nam Sơn' }).waitFor();
    // A spreadsheet: a header, a new village, one the commune has, and a line with no name.
    await page.getByLabel('Nhập danh sách thôn từ tệp CSV').setInputFiles({ name: 'thon.csv', mimeType: 'text/csv', buffer: Buffer.from('Mã;Tên\nBAC;Thôn Bắc\nDONG;Thôn Đông lần hai\nLE\n', 'utf8') });
    const results = page.getByTestId('import-results');
    await results.waitFor();
    expect((await results.locator('tbody tr').allTextContents()).map((row) => row.trim())).toEqual(['2BACĐã thêm', '3DONGĐã có, giữ nguyên', '4Không đọc được: thiếu mã hoặc tên']);
    await villages.getByRole('rowheader', { name: 'Thôn Bắc' }).waitFor();
    const registered = await request<Array<{ id: string; code: string; name: string }>>('GET', `${registry().url}/communes/${COMMUNE}/villages`, admin);
    expect(registered.body.map((v) => `${v.code}=${v.name}`).sort()).toEqual(['BAC=Thôn Bắc', 'DONG=Thôn DONG', 'NAM=Thôn Nam Sơn', 'TAY=Thôn TAY']);

    await page.getByLabel('Tên tổ').fill('Tổ công tác thôn Bắc');
    await page.getByRole('button', { name: 'Lập tổ', exact: true }).click();
    const card = page.locator('[data-team="Tổ công tác thôn Bắc"]');
    await card.waitFor();
    await card.getByLabel('Họ và tên').fill('Trần Văn Bắc');
    await card.getByLabel('Đơn vị').selectOption('village_head');
    await card.getByRole('button', { name: 'Thêm thành viên' }).click();
    await card.getByText('Trần Văn Bắc').waitFor();
    await card.getByLabel('Thôn Bắc', { exact: true }).check();
    await card.getByRole('button', { name: 'Lưu thôn phụ trách' }).click();
    await page.getByText('Đã lưu thôn phụ trách của Tổ công tác thôn Bắc').waitFor();
    const teams = await request<Array<{ name: string; villageIds: string[]; memberships: Array<{ fullName: string; affiliation: string; leftAt?: string | null }> }>>('GET', `${services.training.url}/teams?communeCode=${COMMUNE}`, admin);
    const formed = teams.body.find((team) => team.name === 'Tổ công tác thôn Bắc')!;
    expect(formed.villageIds).toEqual([registered.body.find((v) => v.code === 'BAC')!.id]);
    expect(formed.memberships.map(({ fullName, affiliation }) => ({ fullName, affiliation }))).toEqual([{ fullName: 'Trần Văn Bắc', affiliation: 'village_head' }]);
    expect(await seriousViolations(page)).toEqual([]);
    await card.getByRole('button', { name: 'Trần Văn Bắc rời tổ' }).click();
    await card.getByText('Chưa có thành viên').waitFor();
    // The province officer gets no set-up section; the API refuses the same write anyway.
    const refused = await fetch(`${gateway.url}/api/registry/communes/${COMMUNE}/villages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provinceOfficer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'TINH', name: 'Thôn của tỉnh' }),
    });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Tiến độ' }).click();
    await visitedFigure().waitFor();
    expect(place()).toEqual({ campaign: campaignId });
  });

  it('lets a commune official plan which team covers which villages and households on which days, reassign and withdraw it', async () => {
    await page.getByRole('button', { name: 'Thiết lập xã' }).click();
    const plans = page.getByTestId('plans');
    await plans.getByText('Chưa có kế hoạch nào đang áp dụng.').waitFor();
    await page.getByRole('button', { name: 'Lập kế hoạch mới' }).click();
    const editor = page.getByTestId('plan-editor');
    await editor.getByLabel('Tổ', { exact: true }).selectOption({ label: TEAM_NAME });
    await editor.getByLabel('Ngày bắt đầu').fill(today);
    await editor.getByLabel('Ngày kết thúc').fill(addDays(today, 13));
    await editor.getByLabel('Thôn TAY', { exact: true }).check();
    await editor.getByLabel('Chọn hộ của thôn').selectOption('DONG');
    await editor.getByLabel('Hộ Đỗ Thị Bốn · Xóm Bãi', { exact: true }).check();
    await editor.getByLabel('Số hộ mỗi ngày (cả tổ)').fill('5');
    await editor.getByRole('button', { name: 'Thêm chỉ tiêu hồ sơ' }).click();
    await editor.getByLabel('Dịch vụ').selectOption('vneid_level2');
    await editor.getByLabel('Mỗi ngày', { exact: true }).fill('3');
    await editor.getByRole('button', { name: 'Lưu kế hoạch' }).click();
    await page.getByText(`Đã lập kế hoạch cho ${TEAM_NAME}`).waitFor();
    const row = plans.locator(`tr[data-plan-team="${TEAM_NAME}"]`);
    expect(await row.textContent()).toContain('Thôn TAY và 1 hộ lẻ');
    type Plan = { id: string; teamId: string; version: number; status: string; villageIds: string[]; householdIds: string[]; householdsPerDay: number; enrollmentsPerDay: Array<{ serviceCode: string; perDay: number }> };
    const villages = await request<Array<{ id: string; code: string }>>('GET', `${registry().url}/communes/${COMMUNE}/villages`, admin);
    const [created] = (await request<Plan[]>('GET', `${services.training.url}/plans?communeCode=${COMMUNE}`, admin)).body;
    expect(created).toMatchObject({
      teamId,
      version: 1,
      startsOn: today,
      endsOn: addDays(today, 13),
      villageIds: [villages.body.find((v) => v.code === 'TAY')!.id],
      householdIds: [households[3]],
      householdsPerDay: 5,
      enrollmentsPerDay: [{ serviceCode: 'vneid_level2', perDay: 3 }],
    });
    expect(await seriousViolations(page)).toEqual([]);

    // Another team takes the plan over: a new version of the same plan.
    await page.getByRole('button', { name: `Sửa kế hoạch của ${TEAM_NAME}` }).click();
    await editor.getByLabel('Tổ', { exact: true }).selectOption({ label: 'Tổ công tác thôn Bắc' });
    await editor.getByRole('button', { name: 'Lưu kế hoạch' }).click();
    await plans.locator('tr[data-plan-team="Tổ công tác thôn Bắc"]').getByText('lần sửa 2').waitFor();
    const reassigned = await request<Plan>('GET', `${services.training.url}/plans/${created.id}`, admin);
    expect([reassigned.body.version, reassigned.body.teamId === teamId]).toEqual([2, false]);
    await page.getByRole('button', { name: 'Thu hồi kế hoạch của Tổ công tác thôn Bắc' }).click();
    await plans.getByText('Chưa có kế hoạch nào đang áp dụng.').waitFor();
    expect((await request<Plan>('GET', `${services.training.url}/plans/${created.id}`, admin)).body.status).toBe('withdrawn');
    // A field member has no set-up section, and training refuses the plan anyway.
    const refused = await request('POST', `${services.training.url}/plans`, agent, { communeCode: COMMUNE, teamId, startsOn: today, endsOn: today, villageIds: [], householdsPerDay: 1 });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Tiến độ' }).click();
    await visitedFigure().waitFor();
  });

  it("lets a commune official set a campaign's targets and report the month's values", async () => {
    await page.getByRole('button', { name: 'Chiến dịch và chỉ tiêu' }).click();
    const list = page.getByTestId('setup-campaigns');
    // The province's campaign shows with the commune's own share, and is not the commune's to edit.
    await list.locator('tr[data-campaign="Chiến dịch toàn tỉnh"]').getByText('Do tỉnh đặt').waitFor();
    expect(await list.locator('tr[data-campaign="Chiến dịch toàn tỉnh"]').textContent()).toContain('xã được giao 4');
    await page.getByRole('button', { name: 'Tạo chiến dịch mới' }).click();
    const editor = page.getByTestId('campaign-editor');
    await editor.getByLabel('Tên chiến dịch').fill('Chiến dịch VNeID mức 2');
    await editor.getByLabel('Chỉ số').selectOption('households_visited');
    await editor.getByLabel('Số lượng').fill('40');
    await editor.getByRole('button', { name: 'Thêm chỉ tiêu' }).click();
    const second = editor.getByTestId('target-1');
    await second.getByLabel('Chỉ số').selectOption('online_application_share');
    await second.getByLabel('Cách đặt chỉ tiêu').selectOption('value');
    await second.getByLabel('Giá trị cần đạt (%)').fill('80,5');
    await second.getByLabel('Cách tính').selectOption('cumulative');
    await editor.getByRole('button', { name: 'Lưu chiến dịch' }).click();
    await page.getByText('Đã tạo chiến dịch Chiến dịch VNeID mức 2').waitFor();
    // The form closes once saved: a second click cannot create the campaign twice.
    expect(await editor.count()).toBe(0);
    await list.locator('tr[data-campaign="Chiến dịch VNeID mức 2"]').waitFor();
    type Campaign = { id: string; name: string; version: number; communeCode: string | null; targets: Array<Record<string, unknown>> };
    const created = (await request<Campaign[]>('GET', `${services.reporting.url}/campaigns?communeCode=${COMMUNE}`, admin)).body.find((c) => c.name === 'Chiến dịch VNeID mức 2')!;
    expect(created.communeCode).toBe(COMMUNE);
    expect(created.targets.map(({ indicatorCode, targetCount, targetValue, counting }) => ({ indicatorCode, targetCount, targetValue, counting }))).toEqual([
      { indicatorCode: 'households_visited', targetCount: 40, targetValue: null, counting: 'window' },
      { indicatorCode: 'online_application_share', targetCount: null, targetValue: 80.5, counting: 'cumulative' },
    ]);
    // Editing sends the version read: the target changes, the campaign keeps its id.
    await page.getByRole('button', { name: 'Sửa Chiến dịch VNeID mức 2' }).click();
    await editor.getByTestId('target-0').getByLabel('Số lượng').fill('45');
    await editor.getByRole('button', { name: 'Lưu chiến dịch' }).click();
    await page.getByText('Đã lưu chiến dịch Chiến dịch VNeID mức 2').waitFor();
    const edited = await request<Campaign>('GET', `${services.reporting.url}/campaigns/${created.id}`, admin);
    expect([edited.body.version, edited.body.targets[0].targetCount]).toEqual([2, 45]);

    // Last month, on the services' calendar: the browser offers months up to its own, and under the
    // fixed-clock run its clock and the services' are a month apart.
    const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    await page.getByLabel('Chỉ số', { exact: true }).last().selectOption('on_time_processing_share');
    await page.getByLabel('Tháng', { exact: true }).fill(lastMonth);
    await page.getByLabel('Giá trị (%)').fill('92,25');
    await page.getByRole('button', { name: 'Ghi nhận' }).click();
    const values = page.getByTestId('reported-values');
    await values.getByRole('rowheader', { name: 'Tỷ lệ hồ sơ giải quyết đúng hạn' }).waitFor();
    expect(await values.locator('tbody tr').first().textContent()).toContain('92,25%');
    const stored = await request<Array<{ indicatorCode: string; period: string; value: number }>>('GET', `${services.reporting.url}/communes/${COMMUNE}/indicator-values`, admin);
    expect(stored.body.map(({ indicatorCode, period, value }) => ({ indicatorCode, period, value }))).toEqual([{ indicatorCode: 'on_time_processing_share', period: lastMonth, value: 92.25 }]);
    expect(await seriousViolations(page)).toEqual([]);
    // A field member has no such screen, and the API refuses the same writes anyway.
    expect((await request('POST', `${services.reporting.url}/campaigns`, agent, { name: 'Của tổ', communeCode: COMMUNE, startsOn: today, endsOn: today, targets: [{ indicatorCode: 'households_visited', targetCount: 1 }] })).status).toBe(403);
    expect((await request('PUT', `${services.reporting.url}/communes/${COMMUNE}/indicator-values/on_time_processing_share/${today.slice(0, 7)}`, agent, { value: 10 })).status).toBe(403);
  });

  it('shows a commune official what waits for review: likely duplicates to decide, enrollments held for their resident, what was returned to each member, and each member\'s sync', async () => {
    // The same person twice: once registered online, once from a phone that synced later.
    const person = { householdId: households[2], dateOfBirth: '1979-03-08', sex: 'female', ethnicity: 'Kinh', relationshipToHead: 'spouse', ownsSmartphone: false };
    const cuc = await request<{ id: string }>('POST', `${registry().url}/residents`, agent, { ...person, fullName: 'Hoàng Thị Cúc' });
    expect(cuc.status).toBe(201);
    const upload = await fetch(`${registry().url}/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json', 'x-device-id': 'mai-phone' },
      body: JSON.stringify({ items: [{ clientId: randomUUID(), command: 'resident.register', occurredAt: new Date().toISOString(), payload: { ...person, fullName: 'hoang thi cuc' } }] }),
    });
    expect(upload.status).toBe(200);
    expect(((await upload.json()) as { results: Array<{ status: number }> }).results[0].status).toBe(201);
    const held = await request<{ validation: string }>('POST', `${services.enrollment.url}/enrollments`, agent, { communeCode: COMMUNE, serviceCode: 'vneid_level2', residentId: randomUUID(), teamId, memberId });
    expect(held.body.validation).toBe('pending_subject');

    // Returned on review: a visit the member recorded, and a step of an enrollment she opened.
    const [visit] = (await request<Array<{ id: string }>>('GET', `${registry().url}/households/${households[0]}/visits`, admin)).body;
    expect((await request('POST', `${registry().url}/visits/${visit.id}/review`, admin, { verdict: 'returned', reason: 'Thiếu ảnh biên bản' })).status).toBe(200);
    const opened = await eventually(async () => {
      const response = await request<{ id: string; validation: string }>('POST', `${services.enrollment.url}/enrollments`, agent, { communeCode: COMMUNE, serviceCode: 'ehealth_book', residentId: cuc.body.id, teamId, memberId });
      expect(response.body.validation).toBe('valid');
      return response.body;
    });
    expect((await request('POST', `${services.enrollment.url}/enrollments/${opened.id}/steps/1/review`, admin, { verdict: 'returned', reason: 'Sai ngày sinh' })).status).toBe(200);

    await page.getByRole('button', { name: 'Rà soát' }).click();
    const flags = page.getByTestId('duplicate-flags');
    await flags.getByRole('rowheader', { name: /hoang thi cuc · 1979-03-08/ }).waitFor();
    expect(await flags.locator('tbody tr').first().textContent()).toContain('Hoàng Thị Cúc · 1979-03-08');
    const pending = page.getByTestId('pending-enrollments');
    expect(await pending.locator('tbody tr').first().textContent()).toContain(MEMBER_NAME);
    const mai = page.getByTestId('sync-health').locator(`tr[data-member="${MEMBER_NAME}"]`);
    // Items sent (the visit uploaded earlier and this resident), refused, held enrollments, phones.
    expect((await mai.locator('td').allTextContents()).slice(1)).toEqual(['2', '0', '1', '2']);
    // What was returned to her: the visit and the step, each with what to fix.
    const returned = page.getByTestId('returned-by-member').locator(`tr[data-member="${MEMBER_NAME}"]`);
    const cells = await returned.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['1', '1', '0']);
    expect(await returned.locator('li').allTextContents()).toEqual(['Kích hoạt sổ sức khỏe điện tử, bước 1 (registered): Sai ngày sinh', 'Thăm hộ Hộ Lê Văn Một (thôn DONG): Thiếu ảnh biên bản']);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'hoang thi cuc là trùng' }).click();
    await page.getByText('Đã ghi nhận hoang thi cuc là trùng').waitFor();
    await flags.getByText('Không có nghi trùng nào chờ xử lý.').waitFor();
    const decided = await request<{ items: Array<{ status: string }> }>('GET', `${registry().url}/duplicate-flags?communeCode=${COMMUNE}&status=duplicate`, admin);
    expect(decided.body.items).toHaveLength(1);
    // A province officer may read the flags but not decide them; the console offers no review section to one.
    const flagId = (decided.body.items[0] as { id?: string }).id;
    expect((await request('POST', `${registry().url}/duplicate-flags/${flagId}/resolve`, provinceOfficer, { decision: 'not_duplicate' })).status).toBe(403);
    await page.getByRole('button', { name: 'Tiến độ' }).click();
    await visitedFigure().waitFor();
  });

  it('opens the console from an old dashboard link, signed in', async () => {
    const tab = await context.newPage();
    await tab.goto(`${gateway.url}/api/reporting/dashboard#token=${admin}`);
    await tab.getByTestId('figure-households_visited').waitFor();
    expect(tab.url()).toBe(`${gateway.url}/console/`);
    await tab.close();
  });

  it('drops an expired token when the server says so, and asks for a new sign-in', async () => {
    // The live stream's own "expired" event must be what ends the session (the server's clock decides,
    // not the browser's), so the page has to go live before the token expires. A short lifetime keeps
    // the test quick; when a loaded machine needs longer than that to go live, the attempt proves
    // nothing and a longer-lived token is tried, so the test asserts the same thing at any load.
    const lifetimesSeconds = [12, 30, 60];
    for (const [attempt, lifetimeSeconds] of lifetimesSeconds.entries()) {
      const shortLived = signToken({ secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' }, { sub: 'admin-50481', role: 'commune_admin', communes: [COMMUNE] }, lifetimeSeconds);
      const expiresAt = Date.now() + lifetimeSeconds * 1000;
      const tabContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
      try {
        const tab = await tabContext.newPage();
        await tab.goto(`${gateway.url}/console/?campaign=${campaignId}#token=${shortLived}`);
        const wentLive = await tab
          .locator('[data-testid="live"][data-live="true"]')
          .waitFor({ timeout: Math.max(expiresAt - Date.now() - 1000, 1) })
          .then(() => Date.now() < expiresAt - 1000)
          .catch(() => false);
        if (!wentLive && attempt < lifetimesSeconds.length - 1) continue;
        expect(wentLive).toBe(true);
        await tab.getByText('Phiên đăng nhập đã hết hạn').waitFor({ timeout: Math.max(expiresAt - Date.now(), 0) + 15_000 });
        expect(await tab.evaluate('sessionStorage.getItem("dtc-console-token")')).toBeNull();
        await tab.reload();
        await tab.getByRole('heading', { name: 'Đăng nhập bảng điều hành' }).waitFor();
        return;
      } finally {
        await tabContext.close();
      }
    }
  }, 200_000);

  it('ranks communes for a province officer, furthest behind first, and opens one read-only', async () => {
    // Another person on another computer: its own storage (and language choice).
    const officerContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const officer = await officerContext.newPage();
    await officer.goto(`${gateway.url}/console/?campaign=${provinceCampaignId}#token=${provinceOfficer}`);
    const ranking = officer.getByTestId('ranking');
    await ranking.locator(`tr[data-commune="${COMMUNE}"]`).waitFor();
    expect(await officer.getByRole('button', { name: 'Thiết lập xã' }).count()).toBe(0);
    expect(await officer.getByRole('button', { name: 'Rà soát' }).count()).toBe(0);
    expect(await ranking.locator(`tr[data-commune="${COMMUNE}"]`).textContent()).toContain('3 / 4');
    // Why it is behind: the obstacle its teams met and the village with households not yet visited.
    const why = ranking.locator(`tr[data-commune="${COMMUNE}"]`).getByTestId('why');
    await why.waitFor();
    const map = await request<{ villages: Array<{ code: string; noSignal: number }> }>('GET', `${registry().url}/communes/${COMMUNE}/household-map`, provinceOfficer);
    expect(map.body.villages.map((village) => [village.code, village.noSignal])).toEqual([
      ['BAC', 0],
      ['DONG', 1],
      ['NAM', 0],
      ['TAY', 0],
    ]);
    // The village without signal comes from the registry's map: the visit that met no_signal there.
    expect(await why.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Khó khăn: .*sóng.* \(1\)$/),
      'Thôn còn nhiều hộ chưa thăm: Thôn DONG (1 hộ)',
      'Thôn không có sóng di động: Thôn DONG (1 hộ)',
    ]);
    expect(await seriousViolations(officer)).toEqual([]);
    await officer.getByRole('button', { name: `Xem xã ${COMMUNE}` }).click();
    await officer.getByTestId('figure-households_visited').filter({ hasText: '3 / 4' }).waitFor();
    expect(officer.url()).toContain(`commune=${COMMUNE}`);
    // The console offers a province officer no commune set-up; the API refuses it anyway.
    const refused = await fetch(`${gateway.url}/api/training/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provinceOfficer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ communeCode: COMMUNE, name: 'Tổ của tỉnh', kind: 'mobile_working_group', activeFrom: today }),
    });
    expect(refused.status).toBe(403);
    await officer.getByRole('button', { name: 'Về toàn tỉnh' }).click();
    await ranking.waitFor();

    // The officer sets a province campaign and gives a commune its own share of the target.
    await officer.getByRole('button', { name: 'Chiến dịch và chỉ tiêu' }).click();
    await officer.getByTestId('setup-campaigns').getByRole('button', { name: 'Sửa Chiến dịch toàn tỉnh' }).waitFor();
    await officer.getByRole('button', { name: 'Tạo chiến dịch mới' }).click();
    const editor = officer.getByTestId('campaign-editor');
    await editor.getByLabel('Tên chiến dịch').fill('Tháng cao điểm định danh điện tử');
    await editor.getByLabel('Chỉ số').selectOption('households_visited');
    await editor.getByLabel('Số lượng').fill('100');
    await editor.getByRole('button', { name: 'Giao chỉ tiêu 1 cho một xã' }).click();
    await editor.getByLabel('Xã', { exact: true }).fill(COMMUNE);
    await editor.getByLabel(`Chỉ tiêu của xã ${COMMUNE}`).fill('60');
    await editor.getByRole('button', { name: 'Lưu chiến dịch' }).click();
    await officer.getByText('Đã tạo chiến dịch Tháng cao điểm định danh điện tử').waitFor();
    expect(await officer.getByTestId('setup-campaigns').locator('tr[data-campaign="Tháng cao điểm định danh điện tử"]').textContent()).toContain(`${COMMUNE}: 60`);
    const set = (await request<Array<{ name: string; scope: string; provinceCode: string; targets: Array<{ targetCount: number; communeTargets: Record<string, number> }> }>>('GET', `${services.reporting.url}/campaigns?provinceCode=${PROVINCE}`, provinceOfficer)).body.find((c) => c.name === 'Tháng cao điểm định danh điện tử')!;
    expect([set.scope, set.provinceCode, set.targets[0].targetCount, set.targets[0].communeTargets]).toEqual(['province', PROVINCE, 100, { [COMMUNE]: 60 }]);
    expect(await seriousViolations(officer)).toEqual([]);
    await officerContext.close();
  });

  it('shows operations every service, its lag and dead letters, and replays them; nobody else gets the page', async () => {
    // A poison event: every consumer of the registry's stream sets it aside.
    const poisonKey = randomUUID();
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: `t-${runId}.household-registry.events`, messages: [{ key: poisonKey, value: JSON.stringify({ specversion: '1.0', id: randomUUID(), type: 'vn.dtc.registry.household.registered.v1', data: {} }) }] });
    await producer.disconnect();
    await eventually(
      async () => {
        const status = await request<{ consumers: Array<{ consumer: string; lag: number | null; deadLettersWaiting: number | null }> }>('GET', `${services.reporting.url}/ops/status`, operations);
        // The dead letter is written before the poison's offset is committed: wait for both, as the page shows both.
        const projections = status.body.consumers.find((c) => c.consumer === 'reporting-projections');
        expect([projections?.deadLettersWaiting, projections?.lag]).toEqual([1, 0]);
      },
      { timeoutMs: 30000, intervalMs: 250 },
    );

    const opsContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const ops = await opsContext.newPage();
    const opsCsp: string[] = [];
    ops.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) opsCsp.push(message.text());
    });
    await ops.goto(`${gateway.url}/console/#token=${operations}`);
    const servicesTable = ops.getByTestId('ops-services');
    await servicesTable.locator('tr[data-service="reporting"]').getByTestId('attention').filter({ hasText: 'có thư chết chờ phát lại' }).waitFor();
    expect(await servicesTable.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-service')))).toEqual(['household-registry', 'enrollment', 'training', 'reporting']);
    for (const row of await servicesTable.locator('tbody tr').all()) expect(await row.textContent()).toContain('Tốt');
    const projections = ops.getByTestId('ops-consumers').locator('tr[data-consumer="reporting-projections"]');
    expect((await projections.locator('td').allTextContents()).slice(0, 5)).toEqual(['reporting', expect.stringMatching(/^\d+$/), '0', '1', '1']);

    await ops.getByRole('button', { name: 'Xem thư chết của reporting-projections' }).click();
    const letters = ops.getByTestId('dead-letters');
    await letters.locator('tr', { hasText: poisonKey }).waitFor();
    expect(await letters.locator('tr', { hasText: poisonKey }).textContent()).toMatch(/vn\.dtc\.registry\.household\.registered\.v1.*Chưa$/);
    expect(await seriousViolations(ops)).toEqual([]);

    // Asked first: the dialog says what will happen; Cancel sends nothing.
    await ops.getByRole('button', { name: 'Phát lại thư chết của reporting-projections' }).click();
    const ask = ops.getByRole('alertdialog', { name: 'Phát lại thư chết của reporting-projections' });
    await ask.getByText('Gửi 1 thư chết của reporting-projections về luồng gốc để xử lý lại?', { exact: false }).waitFor();
    expect(await seriousViolations(ops)).toEqual([]);
    await ask.getByRole('button', { name: 'Hủy' }).click();
    await ask.waitFor({ state: 'detached' });
    await ops.getByRole('button', { name: 'Phát lại thư chết của reporting-projections' }).click();
    await ops.getByRole('alertdialog').getByRole('button', { name: 'Phát lại', exact: true }).click();
    await ops.getByText('Đã phát lại 1 thư chết của reporting-projections.').waitFor();
    await letters.locator('tr', { hasText: poisonKey }).filter({ hasText: /Có$/ }).waitFor();
    expect(await ops.getByRole('link', { name: 'Bảng điều khiển nền tảng' }).getAttribute('href')).toBe(`${GRAFANA}/d/dtc-platform`);
    // The components' injected rules are allowed by hash: the strict policy refused nothing.
    expect(opsCsp).toEqual([]);
    await opsContext.close();

    // The commune official is offered no operations page, and the API refuses it the replay anyway.
    await page.goto(`${gateway.url}/console/#token=${admin}`);
    await page.getByRole('button', { name: 'Rà soát' }).waitFor();
    expect(await page.getByRole('button', { name: 'Vận hành' }).count()).toBe(0);
    const refused = await fetch(`${gateway.url}/api/reporting/ops/dead-letters/reporting-projections/replay`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(refused.status).toBe(403);
  });
});
