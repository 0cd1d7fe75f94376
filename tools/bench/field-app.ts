/**
 * npm run bench:field: the field app (apps/field-app) on a cheap phone, measured in Chromium at
 * 360x640 against the four real services behind the one-origin gateway. A command that prints
 * figures with their targets (issue 16 item 9), never a test. Phases:
 *   1. shell size   the JavaScript the page loads (index.html's scripts and what they import), gzip -9
 *   2. sync         2,000 queued commands (400 households registered offline, 4 residents each) put
 *                   in the app's IndexedDB, then "Đồng bộ ngay": time, long tasks, input delay, at
 *                   full speed and with the CPU throttled 4x; the registry must hold exactly them
 *   3. render       500 households (2-4 residents each) on the downloaded work list; reload with
 *                   the CPU throttled 4x until all 500 rows are in a frame, 3 times
 *   4. screenshots  with --screenshots, the phone screens in docs/images/field-app/
 * Everything runs in its own schemas and topics (t_<run>_*, t-<run>.), dropped at the end, and
 * serves its own copy of the built app (a rebuild of dist/web meanwhile does not change the run).
 *
 *   npm run bench:field [-- --screenshots | --screenshots-only | --profile | --no-build | --runs 3
 *                         | --households 500 | --queued 400 | --throttle 4 | --keep]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import path from 'node:path';
import { ProgressBar } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, newRunId, TEST_JWT_SECRET } from '@dtc/testkit';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../tests/support/browser';
import { startServices } from '../../tests/support/services';
import { startGateway, type Gateway } from '../start/gateway';
import { LIST_LABEL, newPhone, householdsListed, signInAndDownload, waitInPage } from './phone/app';
import { countStored, seedHouseholds, setUpCommune, type BenchCommune, type ServiceUrls } from './phone/communes';
import { calibrate, HOLD_SYNC_INIT, LOOP, queuedWork, renderProbeInit, scrollToEnd, storeQueuedWork, syncProbeScript, type RenderProbe, type ScrollProbe, type SyncProbe } from './phone/in-page';
import { mapScriptSource, startProfile, stopProfile, summarizeProfile, type CpuProfile } from './phone/profile';
import { attribute, longTaskSummary, median, renderReport, type Attributed, type PhoneFigures, type RenderFigures, type RenderRun, type SyncFigures } from './phone/report';
import { takeScreenshots } from './phone/screenshots';
import { startTrace, summarizeTrace } from './phone/trace';
import { measureShell } from './phone/shell-size';
import { percentile } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const builtApp = path.join(repoRoot, 'dist', 'web', 'field-app');
const SYNCED = 'Đã đồng bộ hết';
const SYNC_NOW = 'Đồng bộ ngay';
const RESIDENTS_PER_QUEUED_HOUSEHOLD = 4;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} takes a positive whole number\n`);
    process.exit(2);
  }
  return value;
}

const flag = (name: string) => process.argv.includes(`--${name}`);
const settings = {
  build: !flag('no-build'),
  screenshots: flag('screenshots') || flag('screenshots-only'),
  measure: !flag('screenshots-only'),
  profile: flag('profile'),
  runs: option('runs', 3),
  households: option('households', 500),
  queuedHouseholds: option('queued', 400),
  throttle: option('throttle', 4),
  keep: flag('keep'),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(title: string, command: string, args: string[]): void {
  log(`== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error(`${title} failed (exit ${result.status ?? result.signal})`);
}

function prepare(): void {
  run('infrastructure up', process.execPath, ['tools/infra/cli.js', 'up']);
  if (settings.build) {
    run('build services', 'npm', ['run', 'build']);
    run('build the field app', 'npm', ['run', 'build:web']);
  }
  const missing = [
    ...['household-registry', 'enrollment', 'training', 'reporting'].filter((name) => !existsSync(path.join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'))).map((name) => `dist/apps/${name} (npm run build)`),
    ...(existsSync(path.join(builtApp, 'index.html')) ? [] : ['dist/web/field-app (npm run build:web)']),
  ];
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run them, or leave out --no-build`);
}

/**
 * The app this run serves, in .data/bench/field-app-web/<run>/field-app: a copy of npm run
 * build:web's output, or with --profile the same build with source maps (to name the functions
 * of a CPU profile; the code is the same, the bundles end with a sourceMappingURL comment).
 */
function serveCopy(runId: string): string {
  const webRoot = path.join(repoRoot, '.data', 'bench', 'field-app-web', runId);
  const target = path.join(webRoot, 'field-app');
  mkdirSync(webRoot, { recursive: true });
  if (settings.profile) {
    run('build the field app with source maps', process.execPath, [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/field-app/vite.config.ts', '--logLevel', 'warn', '--sourcemap', '--outDir', target, '--emptyOutDir']);
  } else {
    cpSync(builtApp, target, { recursive: true });
  }
  return webRoot;
}

/** The commit measured, and whether the field app had uncommitted changes. */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--', 'apps/field-app').stdout.trim().length > 0;
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes in apps/field-app' : ''}`;
}

interface Context {
  browser: Browser;
  gateway: Gateway;
  urls: ServiceUrls;
  appDir: string;
  profileDir: string;
  profiles: NonNullable<PhoneFigures['profiles']>;
}

function mapped(appDir: string, entries: Attributed[]): Attributed[] {
  return entries.map((entry) => ({ ...entry, scripts: entry.scripts.map((script) => ({ ...script, source: mapScriptSource(appDir, script.source) })) }));
}

function saveProfile(ctx: Context, name: string, profile: CpuProfile): void {
  mkdirSync(ctx.profileDir, { recursive: true });
  const file = path.join(ctx.profileDir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  ctx.profiles.files.push(path.relative(repoRoot, file));
}

async function measureSync(ctx: Context, commune: BenchCommune, cpuRate: number, seed: number): Promise<SyncFigures> {
  const { context, page, cdp } = await newPhone(ctx.browser, [HOLD_SYNC_INIT]);
  try {
    await signInAndDownload(page, ctx.gateway, commune, 0);
    const work = queuedWork(commune, settings.queuedHouseholds, RESIDENTS_PER_QUEUED_HOUSEHOLD, seed);
    const items = work.queue.length;
    const expected = { households: settings.queuedHouseholds, residents: settings.queuedHouseholds * RESIDENTS_PER_QUEUED_HOUSEHOLD };
    // Held: the reloaded app must not start the round before the press.
    await page.evaluate(`sessionStorage.setItem('bench-hold-sync', '1')`);
    await storeQueuedWork(page, work);
    if (cpuRate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
    await page.reload();
    await page.getByTestId('waiting').filter({ hasText: new RegExp(`^${items} việc chờ đồng bộ$`) }).waitFor({ timeout: 120000 });
    await waitInPage(page, `${householdsListed()} === ${expected.households}`);
    await sleep(1000);
    await page.evaluate(syncProbeScript(SYNCED, SYNC_NOW));
    await page.evaluate('window.__benchReleaseSync()');
    const profiling = settings.profile && cpuRate !== 1;
    if (profiling) await startProfile(cdp);

    const bar = new ProgressBar(`sync of ${items.toLocaleString('en')} items (CPU ${cpuRate}x)`, expected.households + expected.residents);
    // A CSS locator: a role query would compute the accessible name of all 400 rows in the page first.
    await page.locator('header.status button').filter({ hasText: SYNC_NOW }).click();
    // Real key events through the DevTools protocol every 50 ms while the round runs.
    let typing = true;
    const keys = (async () => {
      while (typing) {
        const started = Date.now();
        await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Shift', code: 'ShiftLeft', windowsVirtualKeyCode: 16 });
        await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Shift', code: 'ShiftLeft', windowsVirtualKeyCode: 16 });
        await sleep(Math.max(0, 50 - (Date.now() - started)));
      }
    })();
    // Progress from the registry's tables (asking the page would add work to its main thread).
    const progress = setInterval(() => {
      void countStored(ctx.urls.registrySchema, commune.code).then((stored) => bar.update(stored.households + stored.residents), () => undefined);
    }, 1000);
    try {
      await waitInPage(page, 'window.__bench.finished !== null', { timeoutMs: 900000, intervalMs: 500 });
      await sleep(1000);
    } finally {
      clearInterval(progress);
      typing = false;
      await keys;
    }
    bar.finish();
    // The profile ends before the bench reads its figures out of the page.
    const profile = profiling ? await stopProfile(cdp) : undefined;
    const probe = (await page.evaluate('(() => { window.__bench.running = false; return window.__bench; })()')) as SyncProbe;
    if (profile) {
      saveProfile(ctx, `sync-cpu${cpuRate}x`, profile);
      ctx.profiles.sync = summarizeProfile(profile, ctx.appDir);
    }
    // DevTools throttles the page's main thread; the same loop in the sync worker shows whether the round's thread was slowed too.
    const syncWorker = page.workers().find((worker) => /sync\.worker-/.test(worker.url()));
    const workerLoops: number[] = [];
    for (let run = 0; syncWorker && run < 3; run += 1) workerLoops.push(Number(await syncWorker.evaluate(LOOP)));
    const workerLoopMs = workerLoops.length ? Math.min(...workerLoops) : undefined;
    if (cpuRate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const t0 = probe.t0!;
    const end = probe.finished! + 1000;
    const inRound = probe.longTasks.filter((task) => task.start >= t0 && task.start < end);
    const summary = longTaskSummary(inRound);
    const keyDelays = probe.keyDelays.filter((entry) => entry.at >= t0).map((entry) => entry.delay);
    const lateness = probe.timerLateness.filter((entry) => entry.at >= t0 && entry.at < end).map((entry) => entry.late);
    const drainedMs = probe.drained! - t0;
    return {
      cpuRate,
      items,
      profiled: profiling,
      drainedMs,
      roundMs: probe.finished! - t0,
      itemsPerSecond: items / (drainedMs / 1000),
      longTasks: {
        count: summary.count,
        over100: summary.over100,
        longestMs: summary.longest?.duration ?? 0,
        longestAtMs: summary.longest ? summary.longest.start - t0 : 0,
        longestDuringUploadMs: Math.max(0, ...inRound.filter((task) => task.start < probe.drained!).map((task) => task.duration)),
        longestAfterDrainMs: Math.max(0, ...inRound.filter((task) => task.start >= probe.drained!).map((task) => task.duration)),
        totalMs: summary.totalMs,
      },
      keyEvents: keyDelays.length,
      maxKeyDelayMs: Math.max(0, ...keyDelays),
      p99KeyDelayMs: percentile(keyDelays, 99),
      timerSamples: lateness.length,
      maxTimerLatenessMs: Math.max(0, ...lateness),
      stored: await countStored(ctx.urls.registrySchema, commune.code),
      expected,
      attribution: mapped(ctx.appDir, attribute(probe.frames, t0, end, t0)),
      workerLoopMs,
    };
  } finally {
    await context.close();
  }
}

async function measureRender(ctx: Context, commune: BenchCommune): Promise<RenderFigures> {
  let bar = new ProgressBar(`seeding ${settings.households} households`, settings.households);
  const residents = (await seedHouseholds(ctx.urls, commune, settings.households, 16, (done) => bar.update(done))).reduce((sum, entry) => sum + entry.residents.length, 0);
  bar.finish(`${residents.toLocaleString('en')} residents`);
  const { context, page, cdp } = await newPhone(ctx.browser, [renderProbeInit(LIST_LABEL)]);
  const loaded = async () => {
    await waitInPage(page, 'window.__benchRender && window.__benchRender.paintedAt !== null');
    return (await page.evaluate('window.__benchRender')) as RenderProbe;
  };
  try {
    await signInAndDownload(page, ctx.gateway, commune, settings.households);
    await page.evaluate(`sessionStorage.setItem('bench-rows', '${settings.households}')`);
    // One unmeasured load from the service worker (as the installed app opens every morning).
    await page.reload();
    await loaded();
    if (!(await page.evaluate('Boolean(navigator.serviceWorker.controller)'))) throw new Error('the service worker does not control the page');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: settings.throttle });
    bar = new ProgressBar(`work list load, CPU ${settings.throttle}x`, settings.runs);
    const runs: RenderRun[] = [];
    let loadedScripts: string[] = [];
    for (let i = 0; i < settings.runs; i += 1) {
      await sleep(1000);
      await page.reload();
      const probe = await loaded();
      const summary = longTaskSummary(probe.longTasks.filter((task) => task.start < probe.paintedAt!));
      loadedScripts = probe.navigation?.scripts.map((script) => script.name) ?? [];
      runs.push({
        paintedMs: probe.paintedAt!,
        rowsMs: probe.rowsAt!,
        firstRowMs: probe.firstRowAt ?? Number.NaN,
        rootMs: probe.rootAt ?? Number.NaN,
        domContentLoadedMs: probe.navigation?.domContentLoaded ?? Number.NaN,
        longestTaskMs: summary.longest?.duration ?? 0,
        longTasksMs: summary.totalMs,
        attribution: mapped(ctx.appDir, attribute(probe.frames, 0, probe.paintedAt!, 0)),
      });
      bar.update(i + 1, `${Math.round(probe.paintedAt!)} ms`);
    }
    bar.finish();
    if (settings.profile) {
      // One more load under the profiler, not counted (sampling slows the page down).
      await sleep(1000);
      await startProfile(cdp);
      await page.reload();
      await loaded();
      const profile = await stopProfile(cdp);
      saveProfile(ctx, `work-list-load-cpu${settings.throttle}x`, profile);
      ctx.profiles.render = summarizeProfile(profile, ctx.appDir);
      // And one traced load: scripting, style, layout, paint on the main thread.
      await sleep(1000);
      const endTrace = await startTrace(cdp);
      await page.reload();
      const traced = await loaded();
      ctx.profiles.renderTrace = summarizeTrace(await endTrace(), traced.paintedAt!);
    }
    // Still throttled: the rest of the list is rendered as the member scrolls; how smooth is that?
    await sleep(1000);
    const scroll = (await page.evaluate(scrollToEnd(LIST_LABEL, settings.households))) as ScrollProbe;
    if (scroll.rows < settings.households) throw new Error(`scrolling showed ${scroll.rows} of ${settings.households} households`);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const times = runs.map((entry) => entry.paintedMs);
    return { cpuRate: settings.throttle, households: settings.households, residents, runs, medianMs: median(times), maxMs: Math.max(...times), loadedScripts, scroll };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  prepare();
  const runId = newRunId();
  const started = new Date();
  log(`field app benchmark, run ${runId}`);
  // Sizes of what npm run build:web produced; the run serves its own copy of it.
  const shell = measureShell(builtApp);
  const webRoot = serveCopy(runId);
  const { services, stop } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']);
  let gateway: Gateway | undefined;
  let browser: Browser | undefined;
  try {
    const registry = services['household-registry'];
    const urls: ServiceUrls = { registry: registry.url, training: services.training.url, registrySchema: registry.schema };
    gateway = await startGateway({
      port: 0,
      upstreams: { registry: registry.url, enrollment: services.enrollment.url, training: services.training.url, reporting: services.reporting.url },
      webRoot,
      devTokens: { secret: TEST_JWT_SECRET, issuer: 'dtc-platform', audience: 'dtc-api' },
      log: () => undefined,
    });
    browser = await launchChromium();
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version, chromium: browser.version(), loadAverage: loadavg()[0] };
    const figures: PhoneFigures = { runId, startedAt: started.toISOString(), code: codeVersion(), machine, calibration: { unthrottledMs: 0, throttledMs: 0, rate: settings.throttle }, shell, sync: [] };
    const ctx: Context = { browser, gateway, urls, appDir: path.join(webRoot, 'field-app'), profileDir: path.join(repoRoot, '.data', 'bench', 'field-app-profiles', runId), profiles: { files: [] } };

    if (settings.measure) {
      const probe = await newPhone(browser);
      await probe.page.goto(`${gateway.url}/field/`);
      figures.calibration = { ...(await calibrate(probe.page, probe.cdp, settings.throttle)), rate: settings.throttle };
      await probe.context.close();

      log('setting up the communes (villages, teams, members)');
      const fast = await setUpCommune(urls, { code: '50491', name: 'Xã Thử Nghiệm Một', villageCode: 'DONG', villageName: 'Thôn Đông', memberName: 'Lê Thị Hằng' });
      const slow = await setUpCommune(urls, { code: '50492', name: 'Xã Thử Nghiệm Hai', villageCode: 'TAY', villageName: 'Thôn Tây', memberName: 'Phạm Văn Tài' });
      const listed = await setUpCommune(urls, { code: '50493', name: 'Xã Thử Nghiệm Ba', villageCode: 'BAC', villageName: 'Thôn Bắc', memberName: 'Hà Thị Thu' });
      figures.sync.push(await measureSync(ctx, fast, 1, 11));
      figures.sync.push(await measureSync(ctx, slow, settings.throttle, 12));
      figures.render = await measureRender(ctx, listed);
      if (settings.profile) figures.profiles = ctx.profiles;
      // Written before the screenshots, so that a failing screenshot keeps the figures.
      const outDir = path.join(repoRoot, '.data', 'bench');
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, `field-app-${started.toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
      writeFileSync(path.join(outDir, 'field-app-latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
      process.stdout.write(`${renderReport(figures)}\nfigures: ${path.relative(repoRoot, file)}\n`);
    }
    if (settings.screenshots) {
      const written = await takeScreenshots(browser, gateway, urls, { enrollment: services.enrollment.url });
      process.stdout.write(`${settings.measure ? '\n' : ''}Screenshots (Chromium ${machine.chromium}, 360x640 at 2x): ${written.join(', ')}\n`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await gateway?.close().catch(() => undefined);
    await stop();
    if (!settings.keep) {
      rmSync(webRoot, { recursive: true, force: true });
      await dropTestSchemas(runId).catch((error: Error) => log(`dropping the run's schemas failed: ${error.message}`));
      await deleteTestTopics(runId).catch((error: Error) => log(`deleting the run's topics failed: ${error.message}`));
    } else {
      log(`kept schemas t_${runId}_*, topics t-${runId}.* and ${path.relative(repoRoot, webRoot)}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    log(`field app benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
