import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with a fresh temporary profile and no network beyond localhost.
 * The browser stands for a user's device: it keeps the real clock when npm test gives the
 * platform's processes a fixed one (libfaketime slows Chromium's many processes to a crawl).
 */
export function launchChromium(): Promise<Browser> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => value !== undefined && name !== 'LD_PRELOAD' && !name.startsWith('FAKETIME'))) as Record<string, string>;
  return chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
