import { randomUUID } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import type { BenchCommune } from './communes';
import { family, seededRandom } from './families';

/*
 * What the benchmark runs inside the field app's page. Scripts are strings (the page's DOM types are
 * not this tool's Node types); nothing is imported from the app: the page has no global Dexie, so
 * the queue is written with raw IndexedDB into the app's own database, in the app's record shapes
 * (apps/field-app/src/data/db.ts QueuedCommand, LocalHousehold, LocalResident).
 */

export interface QueuedWork {
  queue: Array<Record<string, unknown>>;
  households: Array<Record<string, unknown>>;
  residents: Array<Record<string, unknown>>;
}

/**
 * `households` households registered offline with `residentsEach` residents each, as the app's
 * registerHousehold/registerResident record them (apps/field-app/src/data/commands.ts): the command
 * in the queue and the local record the screens show, a resident naming its household's command
 * through refs.householdId. Device times spread over the last working day, in order.
 */
export function queuedWork(commune: BenchCommune, households: number, residentsEach: number, seed: number): QueuedWork {
  const random = seededRandom(seed);
  const work: QueuedWork = { queue: [], households: [], residents: [] };
  const start = Date.now() - 9 * 3600 * 1000;
  let minute = 0;
  const at = () => new Date(start + (minute += 0.25) * 60000).toISOString();
  const queued = (command: Record<string, unknown>) => {
    const clientId = randomUUID();
    const entry = { ...command, clientId, occurredAt: at(), state: 'queued', attempts: 0, localId: `local:${clientId}` };
    work.queue.push(entry);
    return entry;
  };
  for (let number = 0; number < households; number += 1) {
    const { household, residents } = family(random, number, residentsEach);
    const registered = queued({ service: 'registry', command: 'household.register', payload: { communeCode: commune.code, villageCode: commune.villageCode, ...household }, label: household.headName });
    work.households.push({
      id: registered.localId,
      version: 0,
      villageId: commune.villageId,
      villageCode: commune.villageCode,
      villageName: commune.villageName,
      todos: ['not_visited'],
      pendingClientId: registered.clientId,
      ...household,
    });
    for (const resident of residents) {
      const command = queued({ service: 'registry', command: 'resident.register', payload: { ...resident }, refs: { householdId: registered.clientId }, label: resident.fullName });
      work.residents.push({ id: command.localId, householdId: registered.localId, fullName: resident.fullName, dateOfBirth: resident.dateOfBirth, eligible14: null, todos: [], enrollments: [], pendingClientId: command.clientId });
    }
  }
  return work;
}

/** Writes the work into the app's IndexedDB ('dtc-field') in one transaction, as the app's saves would. */
export async function storeQueuedWork(page: Page, work: QueuedWork): Promise<void> {
  await page.evaluate(`new Promise((resolve, reject) => {
    const work = ${JSON.stringify(work)};
    const open = indexedDB.open('dtc-field');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['queue', 'households', 'residents'], 'readwrite');
      for (const command of work.queue) tx.objectStore('queue').add(command);
      for (const household of work.households) tx.objectStore('households').add(household);
      for (const resident of work.residents) tx.objectStore('residents').add(resident);
      tx.oncomplete = () => { db.close(); resolve(true); };
      tx.onerror = () => reject(tx.error);
    };
  })`);
}

/**
 * Init script: while sessionStorage holds 'bench-hold-sync', navigator.onLine reads false, so the
 * app does not start a sync by itself when it opens with work queued (SyncRunner.start); the bench
 * releases it and presses "Đồng bộ ngay", so the round starts with the member's press.
 */
export const HOLD_SYNC_INIT = `(() => {
  const real = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine');
  let held = sessionStorage.getItem('bench-hold-sync') === '1';
  Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get() { return held ? false : real.get.call(this); } });
  window.__benchReleaseSync = () => { held = false; sessionStorage.removeItem('bench-hold-sync'); };
})();`;

export interface LongTask {
  start: number;
  duration: number;
}

export interface FrameScript {
  invoker: string;
  invokerType: string;
  source: string;
  duration: number;
  forcedStyleAndLayout: number;
}

export interface LongFrame {
  start: number;
  duration: number;
  blocking: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: FrameScript[];
}

export interface SyncProbe {
  t0: number | null;
  drained: number | null;
  finished: number | null;
  longTasks: LongTask[];
  frames: LongFrame[];
  keyDelays: Array<{ at: number; delay: number }>;
  timerLateness: Array<{ at: number; late: number }>;
}

const LONG_FRAMES = `try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) target.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration, renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
        scripts: e.scripts.map((s) => ({ invoker: s.invoker, invokerType: s.invokerType, source: (s.sourceURL || '').replace(location.origin, '') + (s.sourceFunctionName ? ' ' + s.sourceFunctionName : '') + ':' + s.sourceCharPosition, duration: s.duration, forcedStyleAndLayout: s.forcedStyleAndLayoutDuration })) });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (error) { /* older browsers: long tasks only */ }`;

/**
 * Installed after the reload, before the press: long tasks and long animation frames (buffered),
 * every key event's queueing delay (the bench sends real key events through the DevTools protocol
 * every 50 ms), a 50 ms timer whose lateness shows how long the main thread was busy, the press
 * (t0), the moment the status bar reads `drainedText` and the moment the round ends (the sync button
 * reads `idleText` again, after the app refreshed its work list).
 */
export function syncProbeScript(drainedText: string, idleText: string): string {
  return `(() => {
  const probe = { t0: null, drained: null, finished: null, longTasks: [], frames: [], keyDelays: [], timerLateness: [], running: true };
  window.__bench = probe;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  const target = probe.frames;
  ${LONG_FRAMES}
  addEventListener('keydown', (e) => { if (probe.running) probe.keyDelays.push({ at: e.timeStamp, delay: performance.now() - e.timeStamp }); }, true);
  const tick = () => {
    const expected = performance.now() + 50;
    setTimeout(() => { probe.timerLateness.push({ at: expected, late: performance.now() - expected }); if (probe.running) tick(); }, 50);
  };
  tick();
  addEventListener('click', (e) => { if (probe.t0 === null) probe.t0 = e.timeStamp; }, true);
  const header = document.querySelector('header.status');
  let sawRunning = false;
  const check = () => {
    if (probe.t0 === null) return;
    const waiting = document.querySelector('[data-testid="waiting"]');
    if (probe.drained === null && waiting && waiting.textContent === ${JSON.stringify(drainedText)}) probe.drained = performance.now();
    const button = [...header.querySelectorAll('button')].find((b) => b.textContent === ${JSON.stringify(idleText)});
    if (!button) sawRunning = true;
    else if (sawRunning && !button.disabled && probe.drained !== null && probe.finished === null) probe.finished = performance.now();
  };
  new MutationObserver(check).observe(header, { childList: true, characterData: true, subtree: true, attributes: true });
})()`;
}

export interface RenderProbe {
  want: number;
  rootAt: number | null;
  firstRowAt: number | null;
  /** the first animation frame with the list in the DOM: all households counted, its first rows rendered */
  rowsAt: number | null;
  /** the next animation frame: the one with the rows has been laid out and painted */
  paintedAt: number | null;
  longTasks: LongTask[];
  frames: LongFrame[];
  navigation: { responseEnd: number; domContentLoaded: number; scripts: Array<{ name: string; start: number; end: number; transferSize: number }> } | null;
}

/**
 * Init script for the render measurement: from the document's first moment, polls with
 * requestAnimationFrame until the household list counts sessionStorage 'bench-rows' households
 * (its data-total) and shows its first rows (the app renders the rows near the screen and adds
 * more as the member scrolls); records when React first filled #root, when the first row and
 * when the whole list was in a frame, the next frame (that frame painted), and the long tasks of
 * the load. performance.now() counts from navigation start.
 */
export function renderProbeInit(listLabel: string): string {
  return `(() => {
  if (!location.pathname.startsWith('/field/')) return;
  const want = Number(sessionStorage.getItem('bench-rows') || 0);
  if (!want) return;
  const probe = { want, rootAt: null, firstRowAt: null, rowsAt: null, paintedAt: null, longTasks: [], frames: [], navigation: null };
  window.__benchRender = probe;
  try { new PerformanceObserver((list) => { for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true }); } catch (error) { /* none */ }
  const target = probe.frames;
  ${LONG_FRAMES}
  const selector = ${JSON.stringify(`[aria-label="${listLabel}"] > li`)};
  const listSelector = ${JSON.stringify(`ul[aria-label="${listLabel}"]`)};
  const tick = () => {
    const root = document.getElementById('root');
    if (probe.rootAt === null && root && root.childElementCount > 0) probe.rootAt = performance.now();
    const rows = document.querySelectorAll(selector).length;
    if (rows > 0 && probe.firstRowAt === null) probe.firstRowAt = performance.now();
    const list = document.querySelector(listSelector);
    if (rows > 0 && list && Number(list.getAttribute('data-total')) >= want) {
      probe.rowsAt = performance.now();
      requestAnimationFrame(() => { probe.paintedAt = performance.now(); });
      const nav = performance.getEntriesByType('navigation')[0];
      probe.navigation = {
        responseEnd: nav ? nav.responseEnd : 0,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : 0,
        scripts: performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || /\\.js$/.test(r.name)).map((r) => ({ name: r.name.replace(location.origin, ''), start: r.startTime, end: r.responseEnd, transferSize: r.transferSize })),
      };
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;
}

export const LOOP = `(() => { const t = performance.now(); let x = 0; for (let i = 0; i < 1e7; i++) x += Math.sqrt(i) % 7; return x > 0 ? performance.now() - t : -1; })()`;

/**
 * How much slower the throttled CPU really is: a fixed JavaScript loop, alternately at full speed
 * and throttled, the best of 5 of each (after a warm-up). Chromium throttles by making the page's
 * main thread busy-wait from a helper thread's signals, so on a loaded machine the slowdown is
 * less exact than the rate asked.
 */
export async function calibrate(page: Page, cdp: CDPSession, rate: number): Promise<{ unthrottledMs: number; throttledMs: number }> {
  await page.evaluate(LOOP);
  const full: number[] = [];
  const throttled: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    full.push(Number(await page.evaluate(LOOP)));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    throttled.push(Number(await page.evaluate(LOOP)));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  }
  return { unthrottledMs: Math.min(...full), throttledMs: Math.min(...throttled) };
}

export interface ScrollProbe {
  /** from the first scroll until the last household's row was in the DOM */
  ms: number;
  steps: number;
  rows: number;
  longestTaskMs: number;
  longTasks: number;
}

/**
 * Scrolls the household list to its end the way a thumb does, a screen's height at a time, one
 * step per animation frame, until `want` rows exist (the app adds rows as the end comes near),
 * and records the long tasks on the way.
 */
export function scrollToEnd(listLabel: string, want: number): string {
  return `(async () => {
  const selector = ${JSON.stringify(`[aria-label="${listLabel}"] > li`)};
  const tasks = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
  observer.observe({ type: 'longtask' });
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const start = performance.now();
  let steps = 0;
  while (document.querySelectorAll(selector).length < ${want} && performance.now() - start < 120000) {
    window.scrollBy(0, window.innerHeight);
    steps += 1;
    await frame();
  }
  const ms = performance.now() - start;
  await frame();
  await frame();
  for (const e of observer.takeRecords()) tasks.push(e.duration);
  observer.disconnect();
  return { ms, steps, rows: document.querySelectorAll(selector).length, longestTaskMs: Math.max(0, ...tasks), longTasks: tasks.length };
})()`;
}
