import { summarizeTrace } from './trace';

const main = { pid: 1, tid: 7 };
const event = (name: string, ts: number, dur: number, thread = main) => ({ name, cat: 'devtools.timeline', ph: 'X', ts, dur, ...thread });

describe('field app load trace', () => {
  it('sums self time per event on the page main thread from navigation start, grouped as DevTools does', () => {
    const summary = summarizeTrace(
      [
        { name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, ...main, args: { name: 'CrRendererMain' } },
        { name: 'navigationStart', cat: 'blink.user_timing', ph: 'R', ts: 1000, ...main, args: { data: { isLoadingMainFrame: true } } },
        event('RunTask', 500, 400), // before navigation start: left out
        event('RunTask', 2000, 10000),
        event('FunctionCall', 2000, 8000),
        event('Layout', 6000, 2000), // forced layout inside the script
        event('RunTask', 20000, 3000),
        event('Paint', 20000, 3000),
        event('FunctionCall', 2000, 50000, { pid: 2, tid: 9 }), // another thread
      ],
      30,
    )!;
    expect(summary.byEvent).toEqual([
      { event: 'FunctionCall', ms: 6 },
      { event: 'Paint', ms: 3 },
      { event: 'RunTask', ms: 2 },
      { event: 'Layout', ms: 2 },
    ]);
    expect(summary.byCategory).toEqual([
      { category: 'idle', ms: 17 },
      { category: 'scripting', ms: 6 },
      { category: 'painting', ms: 3 },
      { category: 'other (task overhead, IndexedDB, messages)', ms: 2 },
      { category: 'rendering: layout', ms: 2 },
    ]);
  });
});
