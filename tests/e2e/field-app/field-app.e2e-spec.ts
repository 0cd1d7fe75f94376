import fs from 'node:fs';
import path from 'node:path';
import { addDays, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, freePort, newRunId, query, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { startGateway, type Gateway } from '../../support/gateway';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// The field app (apps/field-app, built by `npm run build:web`) in headless Chromium at phone size,
// behind the one-origin gateway, against the four real services and the real broker: a whole
// household worked offline reaches every service exactly once; a sync whose answer was lost and
// whose tab was closed resumes with the same client ids; a version conflict and a refused item are
// resolved by the member; the installed app opens from its service worker with the servers down;
// a member never receives another commune's residents.
const runId = newRunId();
const COMMUNE = '50391';
const OTHER = '50392';
const VILLAGE = 'THON-A';
const admin = testToken({ sub: 'admin-50391', role: 'commune_admin', communes: [COMMUNE] });
const otherAdmin = testToken({ sub: 'admin-50392', role: 'commune_admin', communes: [OTHER] });
const webRoot = path.resolve(__dirname, '..', '..', '..', 'dist', 'web');
const PHONE = { width: 360, height: 640 };
// A structurally valid CCCD for a woman born in 1990 (province 001, century/sex digit 1, year 90).
const validId = (serial: string) => `00119${'0'}${serial}`;

interface Stored {
  households: Array<{ id: string; headName: string; villageCode: string; pendingClientId?: string }>;
  residents: Array<{ id: string; fullName: string }>;
  queue: Array<{ clientId: string; command: string; state: string; result?: { status: number; body: unknown } }>;
}

/**
 * What the phone holds in IndexedDB, read in the page from the app's own database (a script
 * string: the page's DOM types are not the test's Node types).
 */
function stored(page: Page): Promise<Stored> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const open = indexedDB.open('dtc-field');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = ['households', 'residents', 'queue'];
      const tx = db.transaction(names, 'readonly');
      const result = {};
      for (const name of names) {
        const all = tx.objectStore(name).getAll();
        all.onsuccess = () => (result[name] = all.result);
      }
      tx.oncomplete = () => {
        db.close();
        resolve(result);
      };
    };
  })`);
}

describe('field app (phone web app, offline first)', () => {
  let services: Record<string, RunningService>;
  let stopServices: () => Promise<void>;
  let gateway: Gateway;
  let gatewayPort: number;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let villageId: string;
  let teamId: string;
  let memberName: string;
  let sessionId: string;
  const registry = () => services['household-registry'];
  const startOneOrigin = async () =>
    startGateway({
      port: gatewayPort,
      upstreams: { registry: registry().url, enrollment: services.enrollment.url, training: services.training.url, reporting: services.reporting.url },
      webRoot,
      devTokens: { secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' },
      log: () => undefined,
    });

  const waiting = () => page.getByTestId('waiting');
  /** Waits (up to the deadline) until the element reads exactly `text`. */
  const shows = (locator: Locator, text: string, timeout = 10000) => locator.filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout });
  const signIn = async () => {
    await page.getByLabel('Mã xã').fill(COMMUNE);
    await page.getByRole('button', { name: 'Tải danh sách tổ' }).click();
    await page.getByRole('button', { name: memberName }).click();
  };
  const addResident = async (fullName: string, idNumber: string) => {
    await page.getByRole('button', { name: '+ Thêm nhân khẩu' }).click();
    await page.getByLabel('Họ và tên').fill(fullName);
    await page.getByLabel('Ngày sinh').fill('1990-05-01');
    await page.getByLabel('Số CCCD (12 chữ số)').fill(idNumber);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('listitem', { name: fullName }).waitFor();
  };
  const addHousehold = async (headName: string) => {
    await page.getByRole('button', { name: '+ Thêm hộ' }).click();
    await page.getByLabel('Chủ hộ', { exact: true }).fill(headName);
    await page.getByLabel('Địa chỉ').fill('Xóm Đồi');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('heading', { name: headName }).waitFor();
  };
  const countOnServer = async (table: string, schema: string, where: string, params: unknown[]) =>
    Number((await query<{ n: number }>(`select count(*)::int as n from "${schema}".${table} where ${where}`, params))[0].n);

  beforeAll(async () => {
    if (!fs.existsSync(path.join(webRoot, 'field-app', 'index.html'))) throw new Error('dist/web/field-app is missing: run npm run build:web (npm test does)');
    ({ services, stop: stopServices } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']));
    await onboardCommune(registry().url, COMMUNE, '38', [VILLAGE, 'THON-C']);
    await onboardCommune(registry().url, OTHER, '38', ['THON-B']);
    const villages = await request<Array<{ id: string; code: string }>>('GET', `${registry().url}/communes/${COMMUNE}/villages`, admin);
    villageId = villages.body.find((village) => village.code === VILLAGE)!.id;
    // Commune B's household and resident: they must never reach commune A's phone.
    const foreign = await request<{ id: string }>('POST', `${registry().url}/households`, otherAdmin, householdBody(OTHER, 'THON-B', { headName: 'Hộ xã khác' }));
    await request('POST', `${registry().url}/residents`, otherAdmin, { householdId: foreign.body.id, fullName: 'Người Xã Khác', dateOfBirth: '1980-01-01', sex: 'male', ethnicity: 'Kinh', relationshipToHead: 'head' });
    // A household already on the list (for the version conflict).
    await request('POST', `${registry().url}/households`, admin, householdBody(COMMUNE, VILLAGE, { headName: 'Hộ Có Sẵn' }));

    const team = await request<{ id: string }>('POST', `${services.training.url}/teams`, admin, { communeCode: COMMUNE, name: 'Tổ công tác thôn A', kind: 'mobile_working_group', activeFrom: addDays(vietnamToday(), -400) });
    teamId = team.body.id;
    memberName = 'Hà Thị Thu';
    const joined = await request<{ memberships: Array<{ memberId: string }> }>('POST', `${services.training.url}/teams/${team.body.id}/members`, admin, { fullName: memberName, affiliation: 'youth_union' });
    // A session that has started, in the browser's clock too (the services may run at a later fixed one).
    const started = new Date(Date.now() - 40 * 86_400_000);
    const session = await request<{ id: string }>('POST', `${services.training.url}/sessions`, admin, {
      communeCode: COMMUNE, topicCode: 'vneid', audience: 'residents', venueType: 'village_cultural_house', venueName: 'Nhà văn hóa thôn A', villageId,
      startsAt: started.toISOString(), endsAt: new Date(started.getTime() + 7_200_000).toISOString(), capacity: 30, trainerMemberIds: [joined.body.memberships[0].memberId],
    });
    expect(session.status).toBe(201);
    sessionId = session.body.id;
    await eventually(async () => expect((await request('PUT', `${services.training.url}/teams/${team.body.id}/villages`, admin, { villageIds: [villageId] })).status).toBe(200), { timeoutMs: 30000 });
    await eventually(async () => expect(Number((await query<{ n: number }>(`select count(*)::int as n from "${registry().schema}".field_team_villages`))[0].n)).toBe(1), { timeoutMs: 30000 });

    gatewayPort = await freePort();
    gateway = await startOneOrigin();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    page = await context.newPage();
  }, 180000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await stopServices?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('signs in with the development picker and downloads the village work list; never another commune', async () => {
    // Nothing from anywhere but the one origin: no fonts, CDNs or analytics.
    const elsewhere: string[] = [];
    page.on('request', (sent) => {
      if (!sent.url().startsWith(gateway.url) && !sent.url().startsWith('data:')) elsewhere.push(sent.url());
    });
    await page.goto(`${gateway.url}/field/`);
    await signIn();
    await page.getByLabel('Thôn / tổ dân phố').selectOption({ label: `Thôn ${VILLAGE}` });
    await page.getByRole('button', { name: 'Tải danh sách hộ' }).click();
    await page.getByRole('button', { name: /Hộ Có Sẵn/ }).waitFor();
    expect(elsewhere).toEqual([]);
    // Touch targets a thumb can hit on a 360 px wide screen (48 px asked for, 44 px the floor).
    const small = await page.evaluate(`[...document.querySelectorAll('button, input, select')]
      .map((element) => ({ text: element.textContent || element.getAttribute('aria-label') || element.tagName, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.height < 44 || box.right > 360))
      .map(({ text }) => text)`);
    expect(small).toEqual([]);
    // The token stays out of URLs and persistent storage: only this tab's session storage holds it.
    expect(page.url()).toBe(`${gateway.url}/field/`);
    expect(await page.evaluate('Object.keys(localStorage).filter((key) => /token/i.test(key))')).toEqual([]);
    const phone = await stored(page);
    expect(phone.households.map((household) => household.headName)).toEqual(['Hộ Có Sẵn']);
    expect(JSON.stringify(phone)).not.toContain('Người Xã Khác');
    expect(JSON.stringify(phone)).not.toContain(OTHER);
    // The installed app: its service worker controls the page before the member goes offline.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await page.reload();
    expect(await page.evaluate('Boolean(navigator.serviceWorker.controller)')).toBe(true);
  });

  it('works a whole household offline, survives a reload, and syncs it exactly once when back online', async () => {
    await context.setOffline(true);
    await page.getByTestId('connection').filter({ hasText: 'Không có mạng' }).waitFor();
    await addHousehold('Lê Văn Offline');
    const names = ['Lê Văn Offline', 'Trần Thị Một', 'Lê Thị Hai', 'Lê Văn Ba'];
    for (const [index, name] of names.entries()) await addResident(name, validId(`10000${index}`));
    await page.getByRole('button', { name: 'Ghi lượt thăm' }).click();
    await page.getByLabel('Làm được một phần').check();
    await page.getByLabel('Thiếu giấy tờ').check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    const offered = ['Tài khoản định danh điện tử mức 2', 'Cấp căn cước công dân gắn chip', 'Kích hoạt sổ sức khỏe điện tử'];
    for (const [index, service] of offered.entries()) {
      await page.getByRole('listitem', { name: names[index] }).getByRole('button', { name: `Đăng ký: ${service}` }).click();
      await page.getByRole('listitem', { name: names[index] }).getByText(`${service}:`).waitFor();
    }
    await shows(waiting(), '9 việc chờ đồng bộ');

    // Reloaded with no connection: the service worker serves the app, IndexedDB the work.
    await page.reload();
    await shows(waiting(), '9 việc chờ đồng bộ');
    await page.getByRole('button', { name: /Lê Văn Offline/ }).getByText('chờ đồng bộ').waitFor();
    // The member has the household open (under its id on the phone) while it syncs.
    await page.getByRole('button', { name: /Lê Văn Offline/ }).click();
    await page.getByRole('heading', { name: 'Lê Văn Offline' }).waitFor();

    await context.setOffline(false);
    await page.getByTestId('connection').filter({ hasText: 'Có mạng' }).waitFor();
    await shows(waiting(), 'Đã đồng bộ hết', 30000);
    await expect(page.getByTestId('last-sync').textContent()).resolves.toMatch(/^Đồng bộ lần cuối/);
    // The round ran in the sync worker, off the thread that answers the member's taps.
    expect(page.workers().map((worker) => worker.url())).toEqual([expect.stringMatching(/\/field\/assets\/sync\.worker-[\w-]+\.js$/)]);

    // Every item accepted (none waiting for the member's attention).
    expect((await stored(page)).queue.filter((item) => item.state !== 'done')).toEqual([]);
    const registrySchema = registry().schema;
    const [household] = await query<{ id: string }>(`select id from "${registrySchema}".households where head_name = $1`, ['Lê Văn Offline']);
    expect(household).toBeDefined();
    expect(await countOnServer('households', registrySchema, 'head_name = $1', ['Lê Văn Offline'])).toBe(1);
    expect(await countOnServer('residents', registrySchema, 'household_id = $1', [household.id])).toBe(4);
    expect(await countOnServer('visits', registrySchema, 'household_id = $1', [household.id])).toBe(1);
    const residentIds = (await query<{ id: string }>(`select id from "${registrySchema}".residents where household_id = $1`, [household.id])).map((row) => row.id);
    expect(await countOnServer('enrollments', services.enrollment.schema, 'subject_id = any($1)', [residentIds])).toBe(3);
    // In the village and team the member picked after signing in (the screens and commands use the pick at once).
    expect(await countOnServer('households', registrySchema, 'id = $1 and village_id = $2', [household.id, villageId])).toBe(1);
    expect(await countOnServer('enrollments', services.enrollment.schema, 'subject_id = any($1) and team_id = $2', [residentIds, teamId])).toBe(3);
    // Reporting counts the household once, from the registry's events.
    await eventually(async () => {
      const report = await request<{ villages: Array<{ villageCode: string; households: number }> }>('GET', `${services.reporting.url}/communes/${COMMUNE}/households-by-village`, admin);
      expect(report.body.villages.find((row) => row.villageCode === VILLAGE)?.households).toBe(2);
    }, { timeoutMs: 30000 });
    // The phone's list now holds the server's records (real ids, the registry's eligibility).
    await eventually(async () => {
      const phone = await stored(page);
      expect(phone.households.filter((entry) => entry.headName === 'Lê Văn Offline')).toEqual([expect.objectContaining({ id: household.id })]);
      expect(phone.queue.every((item) => item.state === 'done')).toBe(true);
    });
    // The open screen followed the household to the server's record (not "no longer on the list").
    await page.getByRole('heading', { name: 'Lê Văn Offline' }).waitFor();
    expect(await page.getByText('Hộ này không còn trong danh sách').count()).toBe(0);
    await page.getByRole('button', { name: '← Quay lại' }).click();
  });

  it('resumes a sync whose answer was lost and whose tab was closed, with the same client ids', async () => {
    await context.setOffline(true);
    await page.getByRole('button', { name: '+ Thêm hộ' }).waitFor();
    await addHousehold('Đinh Văn Mất Sóng');
    await addResident('Đinh Văn Mất Sóng', validId('200001'));
    await addResident('Đinh Thị Con', validId('200002'));
    for (const name of ['Đinh Văn Mất Sóng', 'Đinh Thị Con']) {
      await page.getByRole('listitem', { name }).getByRole('button', { name: 'Đăng ký: Tài khoản định danh điện tử mức 2' }).click();
      await page.getByRole('listitem', { name }).getByText('Tài khoản định danh điện tử mức 2:').waitFor();
    }
    const clientIds = (await stored(page)).queue.filter((item) => item.state === 'queued').map((item) => item.clientId);
    expect(clientIds).toHaveLength(5);

    // The registry stores the first batch, but its answer never reaches the phone; then the tab is closed.
    let delivered = 0;
    await context.route('**/api/registry/sync', async (route) => {
      await route.fetch();
      delivered += 1;
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await eventually(() => expect(delivered).toBeGreaterThan(0), { timeoutMs: 30000 });
    await page.close();
    await context.unroute('**/api/registry/sync');
    expect(await countOnServer('households', registry().schema, 'head_name = $1', ['Đinh Văn Mất Sóng'])).toBe(1);

    // Reopened: a new tab has no token (it lived in the closed tab's session storage), so the member signs in again.
    page = await context.newPage();
    await page.goto(`${gateway.url}/field/`);
    await shows(waiting(), '5 việc chờ đồng bộ');
    await page.getByRole('button', { name: 'Đăng nhập lại để đồng bộ' }).click();
    await signIn();
    await shows(waiting(), 'Đã đồng bộ hết', 30000);

    const phone = await stored(page);
    expect(phone.queue.filter((item) => clientIds.includes(item.clientId)).map((item) => item.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const [household] = await query<{ id: string }>(`select id from "${registry().schema}".households where head_name = $1`, ['Đinh Văn Mất Sóng']);
    expect(await countOnServer('households', registry().schema, 'head_name = $1', ['Đinh Văn Mất Sóng'])).toBe(1);
    expect(await countOnServer('residents', registry().schema, 'household_id = $1', [household.id])).toBe(2);
    expect(await countOnServer('sync_results', registry().schema, 'client_id = any($1)', [clientIds])).toBe(3);
    const residentIds = (await query<{ id: string }>(`select id from "${registry().schema}".residents where household_id = $1`, [household.id])).map((row) => row.id);
    expect(await countOnServer('enrollments', services.enrollment.schema, 'subject_id = any($1)', [residentIds])).toBe(2);
  });

  it('shows a version conflict with the server values and a refused item, and the member resolves both', async () => {
    await page.getByRole('button', { name: /Hộ Có Sẵn/ }).click();
    const [existing] = await query<{ id: string; version: number }>(`select id, version from "${registry().schema}".households where head_name = $1`, ['Hộ Có Sẵn']);
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Sửa thông tin hộ' }).click();
    await page.getByLabel('Địa chỉ').fill('Xóm Mới (điện thoại)');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await addResident('Vũ Thị Sai Số', '003190123456');
    // Meanwhile an official changes the same household.
    const changed = await request<{ version: number }>('PATCH', `${registry().url}/households/${existing.id}`, admin, { version: existing.version, address: 'Xóm Mới (xã)' });
    expect(changed.status).toBe(200);

    await context.setOffline(false);
    await shows(page.getByTestId('attention'), '2 việc cần xem lại', 30000);
    await page.getByTestId('attention').click();
    const conflict = page.getByRole('listitem', { name: 'Hộ Có Sẵn' });
    await conflict.getByText('Dữ liệu trên máy chủ đã được người khác sửa').waitFor();
    await conflict.getByRole('cell', { name: 'Xóm Mới (xã)' }).waitFor();
    await conflict.getByRole('button', { name: 'Gửi lại giá trị của tôi' }).click();

    const refused = page.getByRole('listitem', { name: 'Vũ Thị Sai Số' });
    await refused.getByText(/idNumber:/).waitFor();
    await refused.getByLabel('idNumber').fill(validId('300003'));
    await refused.getByRole('button', { name: 'Sửa và gửi lại' }).click();

    await page.getByText('Không có việc nào cần xem lại.').waitFor();
    await eventually(async () => {
      const [household] = await query<{ address: string; version: number }>(`select address, version from "${registry().schema}".households where id = $1`, [existing.id]);
      expect(household).toEqual({ address: 'Xóm Mới (điện thoại)', version: changed.body.version + 1 });
      expect(await countOnServer('residents', registry().schema, 'full_name = $1 and id_number = $2', ['Vũ Thị Sai Số', validId('300003')])).toBe(1);
    }, { timeoutMs: 30000 });
  });

  it('records a digital core member, a move-out, a household move, an organisation with its e-ID and a session attendance', async () => {
    await page.goto(`${gateway.url}/field/`);
    await page.getByRole('button', { name: /Lê Văn Offline/ }).click();
    await page.getByRole('listitem', { name: 'Trần Thị Một' }).getByRole('button', { name: 'Chọn làm nòng cốt số' }).click();
    await page.getByRole('listitem', { name: 'Trần Thị Một' }).getByText('★ Người làm nòng cốt số').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('listitem', { name: 'Lê Văn Ba' }).getByRole('button', { name: 'Chuyển đi' }).click();
    await page.getByRole('listitem', { name: 'Lê Văn Ba' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '← Quay lại' }).click();
    await page.getByRole('button', { name: 'Tổ chức' }).click();
    await page.getByRole('button', { name: '+ Thêm tổ chức' }).click();
    await page.getByLabel('Tên tổ chức').fill('HTX Chè Xanh');
    await page.getByLabel('Mã số thuế').fill('2801234567');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('listitem', { name: 'HTX Chè Xanh' }).getByRole('button', { name: 'Cập nhật: Đã nộp hồ sơ' }).click();
    await page.getByRole('listitem', { name: 'HTX Chè Xanh' }).getByText('Đã nộp hồ sơ', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Lớp tập huấn' }).click();
    await page.getByRole('button', { name: /Nhà văn hóa thôn A/ }).click();
    await page.getByLabel('Lê Thị Hai (1990)').check();
    await page.getByRole('button', { name: '+ Thêm người tham dự' }).click();
    await page.getByLabel('Họ và tên').fill('Khách Vãng Lai');
    await page.getByLabel('Năm sinh').fill('1975');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('2 người tham dự').waitFor();
    // Last: once moved to a village the team does not cover, the household leaves the phone's list.
    await page.getByRole('button', { name: 'Hộ gia đình' }).click();
    await page.getByRole('button', { name: /Lê Văn Offline/ }).click();
    await page.getByLabel('Thôn chuyển đến').selectOption({ label: 'Thôn THON-C' });
    await page.getByRole('button', { name: 'Chuyển', exact: true }).click();


    const schema = registry().schema;
    await eventually(async () => {
      const [household] = await query<{ village: string; core: string | null }>(
        `select v.code as village, (select full_name from "${schema}".residents r where r.id = h.digital_core_resident_id) as core
           from "${schema}".households h join "${schema}".villages v on v.id = h.village_id where h.head_name = $1`,
        ['Lê Văn Offline'],
      );
      expect(household).toEqual({ village: 'THON-C', core: 'Trần Thị Một' });
      expect(await query(`select status from "${schema}".residents where full_name = $1`, ['Lê Văn Ba'])).toEqual([{ status: 'moved_out' }]);
      expect(await query(`select e_id_status, tax_code from "${schema}".organisations where name = $1`, ['HTX Chè Xanh'])).toEqual([{ e_id_status: 'applied', tax_code: '2801234567' }]);
      const [hai] = await query<{ id: string }>(`select id from "${schema}".residents where full_name = $1`, ['Lê Thị Hai']);
      const attendance = await query<{ resident_id: string | null; walk_in: string | null }>(
        `select a.resident_id, w.full_name as walk_in from "${services.training.schema}".attendance a
           left join "${services.training.schema}".walk_ins w on w.id = a.walk_in_id where a.session_id = $1 order by w.full_name nulls last`,
        [sessionId],
      );
      expect(attendance).toEqual([{ resident_id: null, walk_in: 'Khách Vãng Lai' }, { resident_id: hai.id, walk_in: null }]);
    }, { timeoutMs: 30000 });
    expect((await stored(page)).queue.filter((item) => item.state !== 'done')).toEqual([]);
    await page.getByRole('button', { name: '← Quay lại' }).click();
  });

  it('opens from its service worker and takes work with the servers down', async () => {
    await gateway.close();
    try {
      await page.goto(`${gateway.url}/field/`);
      await page.getByRole('button', { name: '+ Thêm hộ' }).waitFor();
      const before = (await stored(page)).queue.length;
      await addHousehold('Hộ Lúc Mất Điện');
      await shows(waiting(), '1 việc chờ đồng bộ');
      expect((await stored(page)).queue.length).toBe(before + 1);
    } finally {
      gateway = await startOneOrigin();
    }
    await shows(waiting(), 'Đã đồng bộ hết', 60000);
    expect(await countOnServer('households', registry().schema, 'head_name = $1', ['Hộ Lúc Mất Điện'])).toBe(1);
  });
});
