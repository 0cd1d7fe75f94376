import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Gateway } from '../../start/gateway';
import type { BenchCommune } from './communes';

/** A cheap phone's screen: 360x640 CSS pixels at twice the density, touch, Vietnamese. */
export const PHONE = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' } as const;
/** The household list's accessible name (apps/field-app/src/locales/vi.json home.households). */
export const LIST_LABEL = 'Hộ gia đình';
/** Households the list holds (its data-total: it renders the rows near the screen and adds more on scrolling). */
export const householdsListed = () => `Number(document.querySelector('ul[aria-label="${LIST_LABEL}"]')?.getAttribute('data-total') ?? -1)`;

/**
 * Waits until `expression` is true in the page, asking from here every `intervalMs` (the app's
 * Content-Security-Policy forbids the eval that page.waitForFunction uses for a string predicate).
 */
export async function waitInPage(page: Page, expression: string, { timeoutMs = 120000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A fresh phone: its own browser context (empty IndexedDB, no service worker yet). */
export async function newPhone(browser: Browser, initScripts: string[] = []): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
  const context = await browser.newContext(PHONE);
  for (const script of initScripts) await context.addInitScript(script);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  const cdp = await context.newCDPSession(page);
  return { context, page, cdp };
}

/** The member opens the app and loads the commune's teams in the development picker. */
export async function openPicker(page: Page, gateway: Gateway, commune: BenchCommune): Promise<void> {
  await page.goto(`${gateway.url}/field/`);
  await page.getByLabel('Mã xã').fill(commune.code);
  await page.getByRole('button', { name: 'Tải danh sách tổ' }).click();
  await page.getByRole('button', { name: commune.memberName }).waitFor();
}

/** Signs in as the commune's member, picks the village and downloads its work list (`expectedRows` households). */
export async function signInAndDownload(page: Page, gateway: Gateway, commune: BenchCommune, expectedRows: number): Promise<void> {
  await openPicker(page, gateway, commune);
  await page.getByRole('button', { name: commune.memberName }).click();
  await page.getByLabel('Thôn / tổ dân phố').selectOption({ label: commune.villageName });
  await page.getByRole('button', { name: 'Tải danh sách hộ' }).click();
  await page.getByRole('heading', { name: LIST_LABEL }).waitFor();
  await waitInPage(page, `${householdsListed()} === ${expectedRows}`);
  // The installed app: from here on its service worker serves the shell.
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
}
