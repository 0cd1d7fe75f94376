import type { ShellSize } from './shell-size';
import type { LongFrame, LongTask, ScrollProbe } from './in-page';
import { percentile } from '../stats';
import type { ProfileSummary } from './profile';
import type { TraceSummary } from './trace';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  chromium: string;
  /** 1-minute load average when the run started: other work on the machine skews the figures */
  loadAverage: number;
}

export interface Attributed {
  /** ms after the press (sync) or navigation start (render) */
  startMs: number;
  durationMs: number;
  blockingMs: number;
  /** what ran in the frame: invoker (event, callback, promise) and its source position in the bundle */
  scripts: Array<{ invoker: string; source: string; durationMs: number }>;
  /** style, layout and paint at the end of the frame */
  renderMs: number;
}

export interface SyncFigures {
  cpuRate: number;
  items: number;
  /** taken with the CPU profiler sampling (--profile): somewhat slower */
  profiled: boolean;
  /** press -> the status bar reads "Đã đồng bộ hết" */
  drainedMs: number;
  /** press -> the round ends (the app has also refreshed its work list with the server's records) */
  roundMs: number;
  itemsPerSecond: number;
  longTasks: { count: number; over100: number; longestMs: number; longestAtMs: number; longestDuringUploadMs: number; longestAfterDrainMs: number; totalMs: number };
  keyEvents: number;
  maxKeyDelayMs: number;
  p99KeyDelayMs: number;
  timerSamples: number;
  maxTimerLatenessMs: number;
  stored: { households: number; residents: number };
  expected: { households: number; residents: number };
  attribution: Attributed[];
  /** the fixed loop (calibration) run in the sync worker while the page was still throttled: whether the worker was slowed too */
  workerLoopMs?: number;
}

export interface RenderRun {
  /** navigation start -> the frame after the one that first held all rows (it has been painted) */
  paintedMs: number;
  rowsMs: number;
  firstRowMs: number;
  rootMs: number;
  domContentLoadedMs: number;
  longestTaskMs: number;
  longTasksMs: number;
  attribution: Attributed[];
}

export interface RenderFigures {
  cpuRate: number;
  households: number;
  residents: number;
  runs: RenderRun[];
  medianMs: number;
  maxMs: number;
  loadedScripts: string[];
  /** after the last load: scrolling down to the last household */
  scroll?: ScrollProbe;
}

export interface PhoneFigures {
  runId: string;
  startedAt: string;
  /** git commit of the code measured */
  code: string;
  machine: Machine;
  calibration: { unthrottledMs: number; throttledMs: number; rate: number };
  shell: ShellSize;
  sync: SyncFigures[];
  render?: RenderFigures;
  /** --profile: where the main thread's time went, from V8 CPU profiles mapped to the sources */
  profiles?: { sync?: ProfileSummary; render?: ProfileSummary; renderTrace?: TraceSummary; files: string[] };
}

export const SHELL_BUDGET_BYTES = 200_000;
export const BLOCKING_BUDGET_MS = 100;
export const RENDER_BUDGET_MS = 1000;

/** The longest long animation frames in [from, to), with what ran in them (ms relative to `origin`). */
export function attribute(frames: LongFrame[], from: number, to: number, origin: number, top = 3): Attributed[] {
  return frames
    .filter((frame) => frame.start >= from && frame.start < to)
    .sort((a, b) => b.duration - a.duration)
    .slice(0, top)
    .map((frame) => ({
      startMs: frame.start - origin,
      durationMs: frame.duration,
      blockingMs: frame.blocking,
      renderMs: frame.renderStart > 0 ? frame.start + frame.duration - frame.renderStart : 0,
      scripts: [...frame.scripts]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 4)
        .map((script) => ({ invoker: script.invoker, source: script.source, durationMs: script.duration })),
    }));
}

export function longTaskSummary(tasks: LongTask[]): { count: number; over100: number; longest: LongTask | undefined; totalMs: number } {
  const longest = tasks.reduce<LongTask | undefined>((best, task) => (!best || task.duration > best.duration ? task : best), undefined);
  return { count: tasks.length, over100: tasks.filter((task) => task.duration > BLOCKING_BUDGET_MS).length, longest, totalMs: tasks.reduce((sum, task) => sum + task.duration, 0) };
}

export const median = (values: number[]) => percentile(values, 50);

interface Row {
  figure: string;
  value: string;
  target: string;
  verdict: string;
  notes: string;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? `${int(n)} ms` : 'n/a');
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const cpu = (rate: number) => (rate === 1 ? 'CPU 1x' : `CPU ${rate}x slower`);

export function reportRows(f: PhoneFigures): Row[] {
  const rows: Row[] = [];
  const shellParts = f.shell.shell.map((file) => `${file.file.replace(/^assets\//, '')} ${kb(file.gzipBytes)}${file.via === 'html' ? '' : ` (${file.via})`}`).join(' + ');
  rows.push({ figure: 'app shell JavaScript, gzip -9', value: kb(f.shell.shellGzipBytes), target: '<= 200 KB', verdict: verdict(f.shell.shellGzipBytes <= SHELL_BUDGET_BYTES), notes: shellParts });
  rows.push({
    figure: 'service worker JavaScript, gzip -9',
    value: kb(f.shell.serviceWorkerGzipBytes),
    target: '',
    verdict: '',
    notes: `${f.shell.serviceWorker.map((file) => file.file).join(' + ')}; fetched by the browser at install, not by the page; CSS ${kb(f.shell.styles.reduce((sum, file) => sum + file.gzipBytes, 0))}`,
  });
  if (f.shell.webWorkers?.length) {
    rows.push({
      figure: 'sync worker JavaScript, gzip -9',
      value: kb(f.shell.webWorkersGzipBytes),
      target: '',
      verdict: '',
      notes: `${f.shell.webWorkers.map((file) => file.file.replace(/^assets\//, '')).join(' + ')}; started on the first sync round, not needed to show the app`,
    });
  }
  for (const s of f.sync) {
    const label = `sync ${int(s.items)} queued items (${cpu(s.cpuRate)}${s.profiled ? ', profiler on' : ''})`;
    rows.push({ figure: `${label}: time`, value: `${(s.drainedMs / 1000).toFixed(1)} s, ${int(s.itemsPerSecond)} items/s`, target: '', verdict: '', notes: `press -> "Đã đồng bộ hết"; round incl. work-list refresh ${(s.roundMs / 1000).toFixed(1)} s${s.workerLoopMs === undefined ? '' : `; the sync worker ran the fixed loop in ${ms(s.workerLoopMs)}`}` });
    rows.push({
      figure: `${label}: longest long task`,
      value: ms(s.longTasks.longestMs),
      target: '<= 100 ms',
      verdict: verdict(s.longTasks.longestMs <= BLOCKING_BUDGET_MS),
      notes: `${s.longTasks.count} long tasks (${int(s.longTasks.totalMs)} ms), ${s.longTasks.over100} > 100 ms; longest while uploading ${ms(s.longTasks.longestDuringUploadMs)}, after ${ms(s.longTasks.longestAfterDrainMs)}`,
    });
    rows.push({
      figure: `${label}: input delay`,
      value: `max ${ms(s.maxKeyDelayMs)}`,
      target: '<= 100 ms',
      verdict: verdict(s.maxKeyDelayMs <= BLOCKING_BUDGET_MS),
      notes: `${int(s.keyEvents)} key events every 50 ms, p99 ${ms(s.p99KeyDelayMs)}; 50 ms timer late by max ${ms(s.maxTimerLatenessMs)}`,
    });
    rows.push({
      figure: `${label}: stored by the registry`,
      value: `${int(s.stored.households)} households, ${int(s.stored.residents)} residents`,
      target: `${int(s.expected.households)} / ${int(s.expected.residents)}`,
      verdict: verdict(s.stored.households === s.expected.households && s.stored.residents === s.expected.residents),
      notes: '',
    });
  }
  if (f.render) {
    const r = f.render;
    rows.push({
      figure: `work list of ${int(r.households)} households rendered (${cpu(r.cpuRate)})`,
      value: `median ${ms(r.medianMs)}, max ${ms(r.maxMs)}`,
      target: '< 1000 ms',
      verdict: verdict(r.maxMs < RENDER_BUDGET_MS),
      notes: `navigation start -> the list painted, all ${int(r.households)} households counted and the first rows shown (the next frame began); runs ${r.runs.map((run) => int(run.paintedMs)).join(', ')} ms`,
    });
    const mid = [...r.runs].sort((a, b) => a.paintedMs - b.paintedMs)[Math.floor(r.runs.length / 2)];
    if (mid) {
      rows.push({
        figure: '  of which (median run)',
        value: `DOMContentLoaded ${ms(mid.domContentLoadedMs)}`,
        target: '',
        verdict: '',
        notes: `#root filled ${ms(mid.rootMs)}, first row ${ms(mid.firstRowMs)}, the list in the DOM ${ms(mid.rowsMs)}, painted ${ms(mid.paintedMs)}; long tasks ${ms(mid.longTasksMs)} (longest ${ms(mid.longestTaskMs)})`,
      });
    }
    if (r.scroll) {
      rows.push({
        figure: `scrolling to household ${int(r.households)} (${cpu(r.cpuRate)})`,
        value: `longest task ${ms(r.scroll.longestTaskMs)}`,
        target: '',
        verdict: '',
        notes: `${int(r.scroll.steps)} screens in ${ms(r.scroll.ms)}, ${int(r.scroll.rows)} rows at the end; ${int(r.scroll.longTasks)} long tasks`,
      });
    }
  }
  return rows;
}

export function renderTable(rows: Row[]): string {
  const header: Row = { figure: 'figure', value: 'value', target: 'target', verdict: '', notes: 'notes' };
  const keys: Array<keyof Row> = ['figure', 'value', 'target', 'verdict', 'notes'];
  const widths = keys.map((key) => Math.max(...[header, ...rows].map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, i) => row[key].padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function attributionLines(title: string, entries: Attributed[]): string[] {
  if (entries.length === 0) return [];
  return [
    title,
    ...entries.map(
      (entry) =>
        `  ${int(entry.durationMs)} ms frame at +${int(entry.startMs)} ms (blocking ${int(entry.blockingMs)} ms, style/layout/paint ${int(entry.renderMs)} ms): ${entry.scripts.map((script) => `${script.invoker} ${int(script.durationMs)} ms [${script.source}]`).join('; ') || 'no script attributed'}`,
    ),
  ];
}

export function renderReport(f: PhoneFigures): string {
  const m = f.machine;
  const lines = [
    `Field app on a phone, run ${f.runId} (${f.startedAt}), code ${f.code}`,
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, Chromium ${m.chromium}; load average ${m.loadAverage.toFixed(2)} at the start; phone viewport 360x640 at 2x`,
    `CPU throttling check: a fixed loop took ${f.calibration.unthrottledMs.toFixed(1)} ms, ${f.calibration.throttledMs.toFixed(1)} ms throttled ${f.calibration.rate}x (${(f.calibration.throttledMs / f.calibration.unthrottledMs).toFixed(1)} times slower)`,
    '',
    renderTable(reportRows(f)),
  ];
  for (const s of f.sync) lines.push('', ...attributionLines(`Longest frames during the sync (${cpu(s.cpuRate)}), ms after the press:`, s.attribution));
  if (f.render) {
    const slowest = [...f.render.runs].sort((a, b) => b.paintedMs - a.paintedMs)[0];
    if (slowest) lines.push('', ...attributionLines(`Longest frames of the slowest work-list load (${cpu(f.render.cpuRate)}), ms after navigation start:`, slowest.attribution));
  }
  const profileLines = (title: string, summary: ProfileSummary | undefined) =>
    summary
      ? [
          '',
          `${title}: ${int(summary.busyMs)} ms busy (sampled)`,
          `  self time by origin: ${summary.byArea.map((entry) => `${entry.area} ${int(entry.ms)} ms`).join(', ')}`,
          `  app functions (callees included): ${summary.appFunctions.map((entry) => `${entry.fn} ${int(entry.ms)} ms`).join(', ') || 'none'}`,
          `  hottest functions (self): ${summary.hottest.map((entry) => `${entry.fn} ${int(entry.ms)} ms`).join(', ')}`,
          ...summary.longestStretches.map(
            (stretch) =>
              `  busy without a break for ${int(stretch.ms)} ms at +${int(stretch.startMs)} ms: ${stretch.byArea.map((entry) => `${entry.area} ${int(entry.ms)}`).join(', ')}; app: ${stretch.app.map((entry) => `${entry.fn} ${int(entry.ms)}`).join(', ') || 'none'}`,
          ),
        ]
      : [];
  if (f.profiles) {
    lines.push(...profileLines(`CPU profile of the sync round (${cpu(f.sync.find((s) => s.profiled)?.cpuRate ?? 1)})`, f.profiles.sync));
    lines.push(...profileLines(`CPU profile of one work-list load (${cpu(f.render?.cpuRate ?? 1)}, not counted above)`, f.profiles.render));
    const trace = f.profiles.renderTrace;
    if (trace) {
      lines.push(
        '',
        `Trace of one more work-list load (${cpu(f.render?.cpuRate ?? 1)}, not counted above), main thread from navigation start to the rows painted (${int(trace.windowMs)} ms):`,
        `  ${trace.byCategory.map((entry) => `${entry.category} ${int(entry.ms)} ms`).join(', ')}`,
        `  by trace event (self): ${trace.byEvent.map((entry) => `${entry.event} ${int(entry.ms)} ms`).join(', ')}`,
      );
    }
    if (f.profiles.files.length) lines.push(`  profiles (open in Chromium DevTools > Performance): ${f.profiles.files.join(', ')}`);
  }
  return lines.join('\n');
}
