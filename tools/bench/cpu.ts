import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where a phase's CPU went, per component, from /proc: each service process, Postgres (the
 * postmaster with every backend, exited ones included through its children's times), Kafka's JVM,
 * Redis, the bench itself (province readers, the rebuild, which runs in its process) and the
 * phones (the forked load generator), and the rest of the machine. The services are children of
 * the bench and the phones are too, so a service is counted by its pid and the bench's reaped
 * children are the phones, as long as no service stops within a phase (they only restart between).
 */

/** Clock ticks per second of /proc's times (USER_HZ; 100 on every Linux build we run). */
const TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in ticks. */
  own: number;
  /** cutime + cstime: children waited for, in ticks. */
  children: number;
}

/** One line of /proc/<pid>/stat; the command may hold spaces and parentheses, so fields are read after the last ')'. */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17.
  const number = (field: number) => Number(fields[field - 3]);
  return { pid: Number(line.slice(0, open).trim()), comm: line.slice(open + 1, close), ppid: number(4), own: number(14) + number(15), children: number(16) + number(17) };
}

/** The machine's busy and total ticks from /proc/stat's first line. */
export function parseMachineStat(text: string): { busy: number; total: number } {
  const [, ...values] = (text.split('\n')[0] ?? '').trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + (steal || 0);
  return { busy, total: busy + idle + iowait };
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number };
  /** Ticks per component so far. Services are keyed `label@pid`, so a restarted one starts from nothing. */
  ticks: Record<string, number>;
}

/** A component's share of one phase: CPU ms per event, and the whole machine's busy share. */
export interface CpuUse {
  /** Components by CPU used, largest first, then "other" (the machine's busy time nobody above took). */
  msPerEvent: Array<[string, number]>;
  /** Busy share of all cores over the phase, 0-1. */
  machineBusy: number;
}

/** Sums a process table into components (see the file's comment). */
export function componentTicks(processes: ProcStat[], cmdlines: Map<number, string>, services: Record<string, number>, self: number): Record<string, number> {
  const ticks: Record<string, number> = {};
  const add = (name: string, value: number) => (ticks[name] = (ticks[name] ?? 0) + value);
  const byPid = new Map(processes.map((process) => [process.pid, process]));
  const servicePids = new Set(Object.values(services));
  for (const [label, pid] of Object.entries(services)) {
    const process = byPid.get(pid);
    if (process) ticks[`${label}@${pid}`] = process.own;
  }
  for (const process of processes) {
    if (process.pid === self) {
      add('bench', process.own);
      add('phones', process.children);
    } else if (process.ppid === self && !servicePids.has(process.pid)) add('phones', process.own + process.children);
    else if (process.comm === 'postgres') {
      const parent = byPid.get(process.ppid);
      // The postmaster holds its exited backends' times; a live backend counts its own.
      add('postgres', parent?.comm === 'postgres' ? process.own : process.own + process.children);
    } else if (process.comm === 'java' && /kafka/i.test(cmdlines.get(process.pid) ?? '')) add('kafka', process.own + process.children);
    else if (process.comm === 'redis-server') add('redis', process.own);
  }
  return ticks;
}

export function cpuSnapshot(services: Record<string, number>): CpuSnapshot {
  const processes: ProcStat[] = [];
  const cmdlines = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (!stat) continue;
      processes.push(stat);
      if (stat.comm === 'java') cmdlines.set(stat.pid, readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // The process ended while the table was read.
    }
  }
  return { at: Date.now(), machine: parseMachineStat(readFileSync('/proc/stat', 'utf8')), ticks: componentTicks(processes, cmdlines, services, process.pid) };
}

/** CPU per event between two snapshots; services are named by label again, "other" is what no component took. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, events: number): CpuUse {
  const used = new Map<string, number>();
  for (const [key, ticks] of Object.entries(after.ticks)) {
    const name = key.replace(/@\d+$/, '');
    used.set(name, (used.get(name) ?? 0) + Math.max(0, ticks - (before.ticks[key] ?? 0)));
  }
  const busy = after.machine.busy - before.machine.busy;
  const counted = [...used.values()].reduce((sum, ticks) => sum + ticks, 0);
  const toMs = (ticks: number) => (events > 0 ? (ticks * 1000) / TICKS_PER_SECOND / events : Number.NaN);
  const msPerEvent = [...used]
    .filter(([, ticks]) => ticks > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ticks]): [string, number] => [name, toMs(ticks)]);
  msPerEvent.push(['other', toMs(Math.max(0, busy - counted))]);
  const total = after.machine.total - before.machine.total;
  return { msPerEvent, machineBusy: total > 0 ? busy / total : Number.NaN };
}
