import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession } from 'playwright-core';

/*
 * Where the main thread's time goes: a V8 CPU profile of the page (DevTools protocol Profiler),
 * mapped back to the app's sources through the source maps of a build made with --sourcemap
 * (npm run bench:field -- --profile). Tiny source-map reader (VLQ mappings) so nothing beyond
 * the repository's dependencies is needed.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  busyMs: number;
  /** self time by where the code comes from: the app's own files, or the package of a dependency */
  byArea: Array<{ area: string; ms: number }>;
  /** time inside each app function, callees included (only the app's own sources) */
  appFunctions: Array<{ fn: string; ms: number }>;
  /** self time of the hottest functions, wherever they come from */
  hottest: Array<{ fn: string; ms: number }>;
  /**
   * The longest stretches of the main thread busy without a break (no idle sample in between: one
   * long task, or tasks back to back), from the profile's start, with what ran in them.
   */
  longestStretches: Array<{ startMs: number; ms: number; app: Array<{ fn: string; ms: number }>; byArea: Array<{ area: string; ms: number }> }>;
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
}

export async function stopProfile(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.send('Profiler.disable');
  return profile;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

interface Segment {
  column: number;
  source: number;
  line: number;
  name: number;
}

class SourceMap {
  private readonly lines: Segment[][] = [];

  constructor(
    readonly sources: string[],
    readonly names: string[],
    mappings: string,
  ) {
    let source = 0;
    let line = 0;
    let column = 0;
    let name = -1;
    let nameState = 0;
    for (const text of mappings.split(';')) {
      const segments: Segment[] = [];
      let generated = 0;
      for (const raw of text.split(',')) {
        if (!raw) continue;
        const values: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of raw) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        generated += values[0];
        if (values.length >= 4) {
          source += values[1];
          line += values[2];
          column += values[3];
          if (values.length >= 5) {
            nameState += values[4];
            name = nameState;
          } else name = -1;
          segments.push({ column: generated, source, line, name });
        }
      }
      this.lines.push(segments);
    }
    void column;
  }

  /** The original position of generated (line, column), both 0-based. */
  lookup(line: number, column: number): { source: string; line: number; name?: string } | undefined {
    const segments = this.lines[line];
    if (!segments?.length) return undefined;
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment.column > column) break;
      found = segment;
    }
    if (!found) return undefined;
    return { source: this.sources[found.source], line: found.line + 1, name: found.name >= 0 ? this.names[found.name] : undefined };
  }
}

/** 'apps/field-app/src/sync/batches.ts' or 'node_modules/dexie/...' from a source map's (relative) source path. */
function cleanSource(source: string): string {
  const normalized = source.replace(/\\/g, '/');
  const nodeModules = normalized.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return normalized.slice(nodeModules);
  const apps = normalized.indexOf('apps/field-app/');
  if (apps >= 0) return normalized.slice(apps);
  const libs = normalized.indexOf('libs/');
  if (libs >= 0) return normalized.slice(libs);
  return normalized.replace(/^(\.\.\/)+/, '');
}

function areaOf(source: string): string {
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (match) return match[1];
  if (source.startsWith('apps/field-app/src/')) return `app: ${source.slice('apps/field-app/src/'.length)}`;
  return source;
}

/** Reads the profile against the build's source maps (files under `buildDir`, served under /field/). */
export function summarizeProfile(profile: CpuProfile, buildDir: string, top = 12): ProfileSummary {
  const maps = new Map<string, SourceMap | null>();
  const mapFor = (url: string): SourceMap | null => {
    if (maps.has(url)) return maps.get(url)!;
    let map: SourceMap | null = null;
    const file = /\/field\/(.+\.js)$/.exec(new URL(url, 'http://x').pathname)?.[1];
    if (file && existsSync(path.join(buildDir, `${file}.map`))) {
      const raw = JSON.parse(readFileSync(path.join(buildDir, `${file}.map`), 'utf8')) as { sources: string[]; names: string[]; mappings: string };
      map = new SourceMap(raw.sources.map(cleanSource), raw.names, raw.mappings);
    }
    maps.set(url, map);
    return map;
  };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) nodes.get(child)!.parent = node.id;
  const located = new Map<number, { fn: string; area: string; app: boolean }>();
  const locate = (node: ProfileNode) => {
    const known = located.get(node.id);
    if (known) return known;
    const frame = node.callFrame;
    let result: { fn: string; area: string; app: boolean };
    if (!frame.url) {
      const name = frame.functionName || '(anonymous)';
      // (program): the renderer's native work outside JavaScript (style, layout, paint, IndexedDB, parsing).
      result = { fn: name, area: name.startsWith('(') ? name : `native: ${name}`, app: false };
    } else {
      const original = mapFor(frame.url)?.lookup(frame.lineNumber, frame.columnNumber);
      if (original) {
        const area = areaOf(original.source);
        result = { fn: `${original.name ?? frame.functionName ?? '(anonymous)'} (${original.source.replace(/^apps\/field-app\//, '')}:${original.line})`, area, app: area.startsWith('app: ') };
      } else {
        result = { fn: `${frame.functionName || '(anonymous)'} (${frame.url.replace(/^https?:\/\/[^/]+/, '')}:${frame.lineNumber + 1})`, area: frame.url.replace(/^https?:\/\/[^/]+/, ''), app: false };
      }
    }
    located.set(node.id, result);
    return result;
  };
  const byArea = new Map<string, number>();
  const hottest = new Map<string, number>();
  const appFunctions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  interface Stretch {
    startMs: number;
    ms: number;
    app: Map<string, number>;
    byArea: Map<string, number>;
  }
  const stretches: Stretch[] = [];
  let stretch: Stretch | undefined;
  let busy = 0;
  let at = 0;
  profile.samples.forEach((id, index) => {
    // A sample's time runs until the next one.
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    at += (profile.timeDeltas[index] ?? 0) / 1000;
    const node = nodes.get(id)!;
    const self = locate(node);
    if (self.fn === '(idle)') {
      if (stretch) stretches.push(stretch);
      stretch = undefined;
      return;
    }
    stretch ??= { startMs: at, ms: 0, app: new Map(), byArea: new Map() };
    stretch.ms += ms;
    busy += ms;
    add(byArea, self.area, ms);
    add(stretch.byArea, self.area, ms);
    add(hottest, self.fn, ms);
    const seen = new Set<string>();
    for (let current: ProfileNode | undefined = node; current; current = current.parent !== undefined ? nodes.get(current.parent) : undefined) {
      const frame = locate(current);
      if (frame.app && !seen.has(frame.fn)) {
        seen.add(frame.fn);
        add(appFunctions, frame.fn, ms);
        add(stretch.app, frame.fn, ms);
      }
    }
  });
  if (stretch) stretches.push(stretch);
  const sorted = (map: Map<string, number>, n = top) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    busyMs: busy,
    byArea: sorted(byArea).map(([area, ms]) => ({ area, ms })),
    appFunctions: sorted(appFunctions).map(([fn, ms]) => ({ fn, ms })),
    hottest: sorted(hottest).map(([fn, ms]) => ({ fn, ms })),
    longestStretches: stretches
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map((entry) => ({ startMs: entry.startMs, ms: entry.ms, app: sorted(entry.app, 5).map(([fn, ms]) => ({ fn, ms })), byArea: sorted(entry.byArea, 5).map(([area, ms]) => ({ area, ms })) })),
  };
}

/**
 * A long-animation-frame script source ('/field/assets/index-x.js fn:1234', a character offset in the
 * bundle) as the original function and file, when the build has source maps; unchanged otherwise.
 */
export function mapScriptSource(buildDir: string, source: string): string {
  const match = /^\/field\/(\S+\.js)(?: (\S+))?:(\d+)$/.exec(source);
  if (!match) return source;
  const [, file, fn, offset] = match;
  const mapFile = path.join(buildDir, `${file}.map`);
  if (!existsSync(mapFile)) return source;
  const code = readFileSync(path.join(buildDir, file), 'utf8');
  const before = code.slice(0, Number(offset));
  const line = before.split('\n').length - 1;
  const column = Number(offset) - (before.lastIndexOf('\n') + 1);
  const raw = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; names: string[]; mappings: string };
  const original = new SourceMap(raw.sources.map(cleanSource), raw.names, raw.mappings).lookup(line, column);
  return original ? `${original.name ?? fn ?? '(anonymous)'} (${original.source.replace(/^apps\/field-app\//, '')}:${original.line})` : source;
}
