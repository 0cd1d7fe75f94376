/**
 * Screenshots of the console for docs/console.md, taken from a running `npm start` (its demo
 * commune 16279 and province 38), at 1366x900: the commune official's live progress in Vietnamese
 * and in English, the commune set-up, campaigns and review pages, the province officer's ranking, and the
 * operations page. Tokens are minted with the development
 * secret, as npm start's own sign-in links are.
 *
 *   npm start            # in one terminal
 *   npm run screenshots:console [-- http://localhost:3000]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { signToken } from '@dtc/platform';
import { chromium, type Page } from 'playwright-core';
import { DEV_JWT_SECRET } from './dev-env';

const base = (process.argv[2] ?? 'http://localhost:3000').replace(/\/$/, '');
const outDir = path.resolve(__dirname, '..', '..', 'docs', 'images', 'console');
const settings = { secret: process.env.JWT_SECRET || DEV_JWT_SECRET, issuer: process.env.JWT_ISSUER || 'dtc-platform', audience: process.env.JWT_AUDIENCE || 'dtc-api' };
const communeOfficial = signToken(settings, { sub: 'demo-commune-admin', role: 'commune_admin', communes: ['16279'] }, 600);
const provinceOfficer = signToken(settings, { sub: 'demo-province-officer', role: 'province_officer', province: '38' }, 600);
const operator = signToken(settings, { sub: 'demo-operations', role: 'operations' }, 600);

async function shoot(page: Page, name: string, ready = page.locator('[data-testid="live"][data-live="true"]')): Promise<void> {
  // On a progress page the live badge says the figures are in and the stream is open.
  await ready.waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500); // let the canvas finish its first frame (a picture, not a test)
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${base}/console/#token=${communeOfficial}`);
    await page.getByTestId('figure-households_visited').waitFor({ timeout: 60_000 });
    await shoot(page, 'commune-official-vi');
    await page.getByRole('button', { name: 'English' }).click();
    await shoot(page, 'commune-official-en');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('button', { name: 'Thiết lập xã' }).click();
    await shoot(page, 'commune-official-setup', page.getByTestId('admin-villages'));
    await page.getByRole('button', { name: 'Chiến dịch và chỉ tiêu' }).click();
    await shoot(page, 'commune-official-campaigns', page.getByTestId('reported-values'));
    await page.getByRole('button', { name: 'Rà soát' }).click();
    await shoot(page, 'commune-official-review', page.getByTestId('sync-health'));

    const officer = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' })).newPage();
    await officer.goto(`${base}/console/#token=${provinceOfficer}`);
    const campaign = officer.getByLabel('Chiến dịch');
    await campaign.waitFor({ timeout: 60_000 });
    const provinceWide = await campaign.locator('option', { hasText: 'cấp tỉnh' }).first().getAttribute('value');
    await campaign.selectOption(provinceWide!);
    await officer.getByTestId('ranking').waitFor({ timeout: 60_000 });
    await shoot(officer, 'province-officer-ranking');

    const operations = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' })).newPage();
    await operations.goto(`${base}/console/#token=${operator}`);
    await shoot(operations, 'operations', operations.getByTestId('ops-consumers').locator('tbody tr').first());
  } finally {
    await browser.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`screenshots: ${error.message}\n`);
  process.exit(1);
});
