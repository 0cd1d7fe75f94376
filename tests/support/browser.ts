import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long one browser step (a navigation, a wait for an element, a click) may take. npm test runs
 * the suites in parallel on two cores, where Swagger UI's first load once took longer than
 * Playwright's default 30 s; a step that never happens still fails, just later.
 */
export const BROWSER_STEP_TIMEOUT_MS = 90_000;

/**
 * Debian's Chromium, headless, with a fresh temporary profile and no network beyond localhost.
 * The browser stands for a user's device: it keeps the real clock when npm test gives the
 * platform's processes a fixed one (libfaketime slows Chromium's many processes to a crawl).
 * Every context it opens (browser.newPage opens one too) waits BROWSER_STEP_TIMEOUT_MS per step.
 */
export async function launchChromium(): Promise<Browser> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => value !== undefined && name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME'))) as Record<string, string>;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(BROWSER_STEP_TIMEOUT_MS);
    return context;
  };
  return browser;
}
