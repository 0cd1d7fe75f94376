/**
 * When the soak injects which fault. Pure and seeded, so a run that found a problem can be
 * repeated with the same schedule (`--seed`).
 */
export const FAULTS = ['broker-kill', 'relay-crash-after-ack', 'consumer-crash', 'postgres-restart', 'redis-down', 'rebalance'] as const;
export type FaultName = (typeof FAULTS)[number];

export const FAULT_TITLES: Record<FaultName, string> = {
  'broker-kill': 'Kafka broker killed (SIGKILL), restarted',
  'relay-crash-after-ack': 'outbox relay killed after the Kafka ack',
  'consumer-crash': 'reporting consumer killed before / after its commit',
  'postgres-restart': 'Postgres stopped (immediate), started',
  'redis-down': 'Redis shut down, started',
  rebalance: 'second reporting instance joins and leaves',
};

export interface PlannedFault {
  /** Milliseconds after the start of the run. */
  atMs: number;
  fault: FaultName;
}

export interface ScheduleOptions {
  durationMs: number;
  /** Mean time between two injections; the gaps are drawn uniformly from half to one and a half of it. */
  meanGapMs: number;
  /** Quiet time at the start (the platform warms up) and at the end (the last fault's effects are over). */
  quietStartMs: number;
  quietEndMs: number;
  faults?: readonly FaultName[];
}

/** A small seeded generator (mulberry32): the same seed gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random times between the quiet margins, and the faults drawn as shuffled rounds of every
 * kind ("a bag"): each fault is injected once before any is injected twice, so even a short run
 * covers as many kinds as fit and a long one injects each about equally often.
 */
export function planFaults(options: ScheduleOptions, random: () => number): PlannedFault[] {
  const kinds = options.faults ?? FAULTS;
  if (kinds.length === 0) return [];
  const end = options.durationMs - options.quietEndMs;
  const plan: PlannedFault[] = [];
  let bag: FaultName[] = [];
  let at = options.quietStartMs + random() * options.meanGapMs * 0.5;
  while (at <= end) {
    if (bag.length === 0) bag = shuffle([...kinds], random);
    plan.push({ atMs: Math.round(at), fault: bag.shift()! });
    at += options.meanGapMs * (0.5 + random());
  }
  return plan;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** A fault's time span as the phones saw it: from injection until the platform answered healthy again, plus a grace period. */
export interface FaultWindow {
  fault: FaultName;
  startedAt: number;
  endedAt: number;
}

/** The fault whose window holds `at` (grace added after its end), or undefined: an error then was not caused by an injected fault. */
export function faultAt(windows: readonly FaultWindow[], at: number, graceMs: number): FaultWindow | undefined {
  return windows.find((window) => at >= window.startedAt && at <= window.endedAt + graceMs);
}

/** Faults whose window (grace added) overlaps [from, to]: a household uploaded then went through them. */
export function faultsDuring(windows: readonly FaultWindow[], from: number, to: number, graceMs: number): FaultName[] {
  return [...new Set(windows.filter((window) => window.startedAt <= to && window.endedAt + graceMs >= from).map((window) => window.fault))];
}
