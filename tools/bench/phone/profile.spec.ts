import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mapScriptSource, summarizeProfile, type CpuProfile } from './profile';

// A two-line bundle: line 0 holds `render` from ui/Home.tsx:10, line 1 `update` from dexie.js:20.
// Mappings (VLQ, deltas): line 0 "AASAA" = col 0 -> source 0, line 9, col 0, name 0;
//                         line 1 "ACWAC" = col 0 -> source +1, line +11 (20), col 0, name +1.
const MAP = { version: 3, sources: ['../../../apps/field-app/src/ui/Home.tsx', '../../../node_modules/dexie/dist/dexie.js'], names: ['render', 'update'], mappings: 'AASAA;ACWAC' };

describe('field app CPU profile reading', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'profile-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'index-a.js'), 'function r(){}\nfunction u(){}\n');
    writeFileSync(path.join(dir, 'assets', 'index-a.js.map'), JSON.stringify(MAP));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a long animation frame script by its original function and file', () => {
    expect(mapScriptSource(dir, '/field/assets/index-a.js r:0')).toBe('render (src/ui/Home.tsx:10)');
    expect(mapScriptSource(dir, '/field/assets/index-a.js u:15')).toBe('update (node_modules/dexie/dist/dexie.js:21)');
    expect(mapScriptSource(dir, '/field/assets/other.js x:3')).toBe('/field/assets/other.js x:3');
  });

  it('adds up self time by origin, app functions with callees, and busy stretches between idle samples', () => {
    const url = 'http://127.0.0.1:1/field/assets/index-a.js';
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 4] },
        { id: 2, callFrame: { functionName: 'r', url, lineNumber: 0, columnNumber: 0 }, children: [3] },
        { id: 3, callFrame: { functionName: 'u', url, lineNumber: 1, columnNumber: 0 } },
        { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1, columnNumber: -1 } },
      ],
      startTime: 0,
      endTime: 10000,
      // timeDeltas[i]: time from sample i-1 to sample i. r 1 ms, u under r 2 ms, idle 5 ms, u under r 1 ms, idle.
      samples: [2, 3, 3, 4, 3, 4],
      timeDeltas: [0, 1000, 1000, 1000, 5000, 1000],
    };
    const summary = summarizeProfile(profile, dir);
    expect(summary.busyMs).toBe(4);
    expect(summary.byArea).toEqual([
      { area: 'dexie', ms: 3 },
      { area: 'app: ui/Home.tsx', ms: 1 },
    ]);
    expect(summary.appFunctions).toEqual([{ fn: 'render (src/ui/Home.tsx:10)', ms: 4 }]);
    expect(summary.hottest[0]).toEqual({ fn: 'update (node_modules/dexie/dist/dexie.js:21)', ms: 3 });
    expect(summary.longestStretches.map((stretch) => [stretch.startMs, stretch.ms])).toEqual([
      [0, 3],
      [8, 1],
    ]);
  });
});
