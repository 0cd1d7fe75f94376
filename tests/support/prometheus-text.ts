/** What one /metrics answer declares (# TYPE) and which label names each sample name carries. */
export interface Exposition {
  /** declared metric family -> type (counter, gauge, histogram, summary, untyped) */
  types: Map<string, string>;
  /** sample name (e.g. http_request_duration_seconds_bucket) -> label names seen on its samples */
  sampleLabels: Map<string, Set<string>>;
}

/** Parses the Prometheus text exposition format (what prom-client serves). */
export function parseExposition(text: string): Exposition {
  const exposition: Exposition = { types: new Map(), sampleLabels: new Map() };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      exposition.types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = exposition.sampleLabels.get(sample[1]) ?? new Set<string>();
    for (const match of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(match[1]);
    exposition.sampleLabels.set(sample[1], labels);
  }
  return exposition;
}

/** Whether a name used in a query is declared: a family, or a histogram/summary's _bucket, _sum, _count. */
export function declares(exposition: Exposition, name: string): boolean {
  if (exposition.types.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return false;
  const type = exposition.types.get(suffix[1]);
  return type === 'histogram' || (type === 'summary' && suffix[2] !== 'bucket');
}
