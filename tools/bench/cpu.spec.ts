import { componentTicks, cpuBetween, parseMachineStat, parseProcStat, type ProcStat } from './cpu';

describe('benchmark CPU per component', () => {
  it('reads a /proc/<pid>/stat line whose command holds spaces and parentheses', () => {
    const line = '4242 (node (worker) 1) S 17 4242 17 0 -1 4194560 100 0 0 0 350 50 7 3 20 0 11 0 342616 3133440 389 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ pid: 4242, comm: 'node (worker) 1', ppid: 17, own: 400, children: 10 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it("reads the machine's busy and total ticks (iowait is idle)", () => {
    expect(parseMachineStat('cpu  100 10 50 800 40 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n')).toEqual({ busy: 170, total: 1010 });
  });

  it('sums processes into services by pid, Postgres with its exited backends, Kafka, Redis, the bench and its phones', () => {
    const processes: ProcStat[] = [
      { pid: 1, comm: 'systemd', ppid: 0, own: 5, children: 999 },
      { pid: 10, comm: 'node', ppid: 1, own: 30, children: 200 }, // the bench: its reaped children are the phones
      { pid: 11, comm: 'node', ppid: 10, own: 120, children: 0 }, // a service
      { pid: 12, comm: 'node', ppid: 10, own: 40, children: 0 }, // the phones, still running
      { pid: 20, comm: 'postgres', ppid: 1, own: 10, children: 300 },
      { pid: 21, comm: 'postgres', ppid: 20, own: 60, children: 0 },
      { pid: 30, comm: 'java', ppid: 1, own: 90, children: 1 },
      { pid: 31, comm: 'java', ppid: 1, own: 500, children: 0 }, // some other JVM
      { pid: 40, comm: 'redis-server', ppid: 1, own: 15, children: 0 },
    ];
    const cmdlines = new Map([
      [30, 'java\0-cp\0kafka_2.13.jar\0kafka.Kafka'],
      [31, 'java\0-jar\0other.jar'],
    ]);
    expect(componentTicks(processes, cmdlines, { registry: 11 }, 10)).toEqual({ 'registry@11': 120, bench: 30, phones: 240, postgres: 370, kafka: 91, redis: 15 });
  });

  it('gives CPU ms per event per component, largest first, the unclaimed busy time as other, and the busy share', () => {
    const before = { at: 0, machine: { busy: 1000, total: 4000 }, ticks: { 'registry@11': 100, postgres: 500 } };
    // The registry restarted (new pid): its new process counts from nothing.
    const after = { at: 10000, machine: { busy: 2500, total: 6000 }, ticks: { 'registry@11': 300, 'registry@12': 100, postgres: 1300, kafka: 0 } };
    const use = cpuBetween(before, after, 500);
    expect(use.msPerEvent).toEqual([
      ['postgres', 16],
      ['registry', 6],
      ['other', 8],
    ]);
    expect(use.machineBusy).toBe(0.75);
  });
});
