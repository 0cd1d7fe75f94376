import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually, query } from '@dtc/testkit';
import type { Browser, Page } from 'playwright-core';
import { request } from '../../../tests/support/http';
import type { Gateway } from '../../start/gateway';
import { LIST_LABEL, newPhone, openPicker, householdsListed, waitInPage } from './app';
import { adminToken, seedHouseholds, setUpCommune, type ServiceUrls } from './communes';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(repoRoot, 'docs', 'images', 'field-app');
// A structurally valid-looking CCCD whose province code (003) does not exist: the registry refuses it with 422.
const INVALID_ID = '003190123456';

interface ServiceView {
  code: string;
  nameVi: string;
  subject: string;
  states: string[];
}

/**
 * The phone screens for docs/field-app.md, at 360x640 (2x): the sign-in picker, the household list
 * with work waiting to sync, a household with residents and enrollments, the visit form, an item the
 * registry refused (needs attention) and the household list in English. A commune of its own
 * (50494, fictitious names) with six households from the registry and enrollments from the enrollment service.
 */
export async function takeScreenshots(browser: Browser, gateway: Gateway, urls: ServiceUrls, enrollment: { enrollment: string }): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const commune = await setUpCommune(urls, { code: '50494', name: 'Xã Xuân Phú', villageCode: 'DONG-HOA', villageName: 'Thôn Đông Hòa', memberName: 'Nguyễn Thị Mai' });
  const admin = adminToken(commune.code);
  const families = await seedHouseholds(urls, commune, 6, 7);
  // Earlier work on two residents of the biggest family: two applications, one moved a step on.
  const services = (await request<ServiceView[]>('GET', `${enrollment.enrollment}/services?provinceCode=38`, admin)).body.filter((service) => service.subject === 'resident');
  const big = [...families].sort((a, b) => b.residents.length - a.residents.length)[0];
  const applied: string[] = [];
  for (const [index, service] of services.slice(0, 2).entries()) {
    const residentId = big.residentIds[index];
    let id = '';
    await eventually(
      async () => {
        const answer = await request<{ id: string }>('POST', `${enrollment.enrollment}/enrollments`, admin, { communeCode: commune.code, serviceCode: service.code, residentId });
        if (answer.status !== 201) throw new Error(`applying answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        id = answer.body.id;
      },
      { timeoutMs: 60000 },
    );
    if (index === 0) {
      const moved = await request('POST', `${enrollment.enrollment}/enrollments/${id}/transitions`, admin, { to: service.states[1] });
      if (moved.status >= 300) throw new Error(`moving the enrollment answered ${moved.status}: ${JSON.stringify(moved.body)}`);
    }
    applied.push(id);
  }
  // The work list carries enrollments from the registry's read model of the enrollment events.
  await eventually(
    async () => {
      const [row] = await query<{ n: number }>(`select count(*)::int as n from "${urls.registrySchema}".field_enrollments where enrollment_id = any($1) and state <> 'submitted'`, [applied.slice(0, 1)]);
      const [all] = await query<{ n: number }>(`select count(*)::int as n from "${urls.registrySchema}".field_enrollments where enrollment_id = any($1)`, [applied]);
      if (row.n !== 1 || all.n !== applied.length) throw new Error('enrollments not on the work list yet');
    },
    { timeoutMs: 60000 },
  );

  const { context, page } = await newPhone(browser);
  const written: string[] = [];
  /** Saves the screen, scrolled so that the `index`-th match of `selector` sits just below the status bar (which stays on top). */
  const shot = async (name: string, selector?: string, index = 0) => {
    await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
    await page.evaluate(`(${SCROLL_UNDER_STATUS_BAR})(${JSON.stringify(selector ?? null)}, ${index})`);
    await settle(page);
    const file = path.join(SCREENSHOT_DIR, name);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    written.push(path.relative(repoRoot, file));
  };
  try {
    // 1. Sign-in: the development picker with the commune's team and member.
    await openPicker(page, gateway, commune);
    await shot('01-sign-in.png');
    await page.getByRole('button', { name: commune.memberName }).click();
    await page.getByLabel('Thôn / tổ dân phố').selectOption({ label: commune.villageName });
    await page.getByRole('button', { name: 'Tải danh sách hộ' }).click();
    await waitInPage(page, `${householdsListed()} === ${families.length}`);
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');

    // Out of signal from here: what the member records waits on the phone.
    await context.setOffline(true);
    await page.getByTestId('connection').filter({ hasText: 'Không có mạng' }).waitFor();
    // A visit with obstacles (4. the visit form).
    const visited = families.find((entry) => entry !== big)!;
    await page.getByRole('button', { name: new RegExp(visited.household.headName) }).click();
    await page.getByRole('button', { name: 'Ghi lượt thăm' }).click();
    await page.getByLabel('Làm được một phần').check();
    await page.getByLabel('Không có sóng').check();
    await page.getByLabel('Người cao tuổi').check();
    await page.getByLabel('Ghi chú').fill('Cụ ông chưa có điện thoại thông minh, hẹn con trai về hướng dẫn cài VNeID.');
    await shot('04-visit.png', 'main h1');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('heading', { name: visited.household.headName }).waitFor();
    await page.getByRole('button', { name: /Quay lại/ }).click();

    // Two households found on the way, registered offline.
    for (const [headName, address] of [
      ['Lò Văn Piềng', 'Bản Lát, cạnh nhà văn hoá'],
      ['Quách Thị Nhàn', 'Số 12, Xóm Trại'],
    ]) {
      await page.getByRole('button', { name: '+ Thêm hộ' }).click();
      await page.getByLabel('Chủ hộ', { exact: true }).fill(headName);
      await page.getByLabel('Địa chỉ').fill(address);
      await page.getByRole('button', { name: 'Lưu' }).click();
      await page.getByRole('heading', { name: headName }).waitFor();
      await page.getByRole('button', { name: /Quay lại/ }).click();
    }
    await waitInPage(page, `${householdsListed()} === ${families.length + 2}`);
    // 2. The household list, from the row before the first one waiting to sync.
    const rows = 'main ul.list > li';
    const from = Math.max(0, Number(await page.evaluate(`[...document.querySelectorAll('${rows}')].findIndex((row) => row.querySelector('.badge.pending'))`)) - 1);
    await shot('02-households.png', rows, from);
    // 6. The same list in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Households' }).waitFor();
    await shot('06-households-en.png', rows, from);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { name: LIST_LABEL }).waitFor();

    // 3. A household with residents and enrollments; the head applies for a second service, offline.
    await page.getByRole('button', { name: new RegExp(big.household.headName) }).first().click();
    await page.getByRole('heading', { name: big.household.headName }).waitFor();
    const head = page.getByRole('listitem', { name: big.residents[0].fullName });
    await head.getByRole('button', { name: `Đăng ký: ${services[1].nameVi}` }).click();
    await head.getByText(`${services[1].nameVi}:`).waitFor();
    const cards = 'main ul.list > li.card';
    const headCard = Number(await page.evaluate(`[...document.querySelectorAll('${cards}')].findIndex((card) => card.getAttribute('aria-label') === ${JSON.stringify(big.residents[0].fullName)})`));
    await shot('03-household.png', cards, Math.max(0, headCard));

    // 5. A resident whose ID number the registry refuses (422), after the phone is back online.
    await page.getByRole('button', { name: '+ Thêm nhân khẩu' }).click();
    await page.getByLabel('Họ và tên').fill('Vũ Thị Sai Số');
    await page.getByLabel('Ngày sinh').fill('1990-05-01');
    await page.getByLabel('Số CCCD (12 chữ số)').fill(INVALID_ID);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('listitem', { name: 'Vũ Thị Sai Số' }).waitFor();
    await context.setOffline(false);
    await page.getByTestId('attention').filter({ hasText: /^1 việc cần xem lại$/ }).waitFor({ timeout: 60000 });
    await page.getByTestId('attention').click();
    await page.getByRole('listitem', { name: 'Vũ Thị Sai Số' }).getByText(/idNumber:/).waitFor();
    await shot('05-attention.png', 'main ul.list > li');
    return written;
  } finally {
    await context.close();
  }
}

const SCROLL_UNDER_STATUS_BAR = `(selector, index) => {
  window.scrollTo(0, 0);
  const element = selector && document.querySelectorAll(selector)[index];
  if (!element) return;
  const bar = document.querySelector('header.status');
  window.scrollBy(0, element.getBoundingClientRect().top - (bar ? bar.getBoundingClientRect().bottom : 0) - 8);
}`;

/** Two animation frames after the network is idle: the screen has painted what it shows. */
async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))');
  await page.waitForTimeout(300);
}
