import type { CDPSession } from 'playwright-core';

/*
 * What the page's main thread did during a load, as Chromium DevTools' Performance panel sums it
 * (scripting, style and layout, painting, ...): a DevTools-protocol trace of the renderer's main
 * thread, self time per trace event (nested events subtracted from their parents).
 */

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

export interface TraceSummary {
  /** ms from navigation start to the end of the window */
  windowMs: number;
  byCategory: Array<{ category: string; ms: number }>;
  byEvent: Array<{ event: string; ms: number }>;
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading', '__metadata'];

/** The Performance panel's groups of trace events (anything else on the main thread is "other"). */
const CATEGORY_OF: Record<string, string> = {
  EvaluateScript: 'scripting',
  'v8.compile': 'scripting: compile',
  'v8.compileModule': 'scripting: compile',
  'v8.produceModuleCache': 'scripting: compile',
  'v8.evaluateModule': 'scripting',
  'V8.CompileCode': 'scripting: compile',
  FunctionCall: 'scripting',
  RunMicrotasks: 'scripting',
  TimerFire: 'scripting',
  FireAnimationFrame: 'scripting',
  EventDispatch: 'scripting',
  'MajorGC': 'scripting: garbage collection',
  'MinorGC': 'scripting: garbage collection',
  'V8.GCScavenger': 'scripting: garbage collection',
  'V8.GC_MC_BACKGROUND_MARKING': 'scripting: garbage collection',
  UpdateLayoutTree: 'rendering: style',
  RecalculateStyles: 'rendering: style',
  Layout: 'rendering: layout',
  HitTest: 'rendering',
  PrePaint: 'rendering',
  Layerize: 'painting',
  Paint: 'painting',
  PaintImage: 'painting',
  Commit: 'painting',
  RasterTask: 'painting',
  ParseHTML: 'loading',
  ParseAuthorStyleSheet: 'loading',
  ResourceReceivedData: 'loading',
  ResourceReceiveResponse: 'loading',
  ResourceSendRequest: 'loading',
  ResourceFinish: 'loading',
};

export async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const collect = (payload: { value: Array<Record<string, unknown>> }) => {
    events.push(...(payload.value as unknown as TraceEvent[]));
  };
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
    return events;
  };
}

/**
 * Self time per event on the page's main thread (the CrRendererMain thread of the renderer that
 * marked the last navigationStart) from that navigation start for `windowMs`, grouped as DevTools does.
 */
export function summarizeTrace(events: TraceEvent[], windowMs: number, top = 10): TraceSummary | undefined {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const navigation = events.filter((e) => e.name === 'navigationStart' && mainThreads.has(`${e.pid}:${e.tid}`) && (e.args?.data as { isLoadingMainFrame?: boolean } | undefined)?.isLoadingMainFrame !== false).sort((a, b) => a.ts - b.ts).pop();
  if (!navigation) return undefined;
  const thread = `${navigation.pid}:${navigation.tid}`;
  const from = navigation.ts;
  const to = from + windowMs * 1000;
  const complete = events
    .filter((e) => `${e.pid}:${e.tid}` === thread && e.ph === 'X' && typeof e.dur === 'number' && e.ts < to && e.ts + e.dur! > from)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Self time: an event's time inside the window minus that of the events nested in it.
  const self = new Map<string, number>();
  const stack: Array<{ event: TraceEvent; end: number }> = [];
  const clip = (start: number, end: number) => Math.max(0, Math.min(end, to) - Math.max(start, from));
  for (const event of complete) {
    const end = event.ts + event.dur!;
    while (stack.length && stack[stack.length - 1].end <= event.ts) stack.pop();
    const parent = stack[stack.length - 1];
    const own = clip(event.ts, end) / 1000;
    self.set(event.name, (self.get(event.name) ?? 0) + own);
    if (parent) self.set(parent.event.name, (self.get(parent.event.name) ?? 0) - own);
    stack.push({ event, end });
  }
  const byCategory = new Map<string, number>();
  for (const [name, ms] of self) {
    const category = CATEGORY_OF[name] ?? (name === 'RunTask' || name === 'ThreadControllerImpl::RunTask' ? 'other (task overhead, IndexedDB, messages)' : 'other');
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].filter(([, ms]) => ms >= 0.5).sort((a, b) => b[1] - a[1]);
  const busy = [...byCategory.values()].reduce((sum, ms) => sum + ms, 0);
  byCategory.set('idle', windowMs - busy);
  return {
    windowMs,
    byCategory: sorted(byCategory).map(([category, ms]) => ({ category, ms })),
    byEvent: sorted(self).slice(0, top).map(([event, ms]) => ({ event, ms })),
  };
}
