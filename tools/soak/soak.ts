import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { newRunId } from '@dtc/testkit';
import { FieldLoad, type AcknowledgedHousehold, type PhoneAnswer } from '../../tests/faults/support/field-load';
import { assertOwnBroker, FaultPlatform, repoRoot } from '../../tests/faults/support/platform';
import { checkPlatform } from './exactness';
import { awaitHealthy, INJECT, restoreInfrastructureAsync } from './faults';
import { householdDifference } from './households';
import { parseGauge, readRss, rssTrends, type RssSample } from './memory';
import { parseOptions, type SoakOptions } from './options';
import { failures, renderReport, type FaultTally, type MemoryLimits, type SoakOutcome } from './report';
import { faultAt, faultsDuring, planFaults, seededRandom, type FaultName, type FaultWindow } from './schedule';
import { SERVICE_MALLOC_ARENA_MAX, SERVICE_NODE_OPTIONS } from '../runtime/service-heap';
import { find, loadKustomization } from '../../tests/support/kubernetes-manifests';

// npm run soak -- --minutes N: phones upload continuously while the fault suite's faults are
// injected at random times; at the end, what the phones were told was accepted is compared with
// what reporting counts, 5xx answers outside the faults are counted, and each service's RSS
// trend is fitted. Prints the table (and writes it with --report); exits 1 when anything failed.

const SERVICES = ['household-registry', 'enrollment', 'reporting'] as const;
// As many instances as deploy/kubernetes runs: a crash fault replaces one instance while the
// others live the whole run, so each service has a process whose memory is judged over (nearly) all of it.
// Reporting's instances here both consume and serve: as many as its projector Deployment runs.
const CONSUMING_DEPLOYMENT: Partial<Record<(typeof SERVICES)[number], string>> = { reporting: 'reporting-projector' };
function manifestReplicas(): Record<(typeof SERVICES)[number], number> {
  const { manifests } = loadKustomization();
  return Object.fromEntries(
    SERVICES.map((service) => {
      const name = CONSUMING_DEPLOYMENT[service] ?? service;
      const replicas = find(manifests, 'Deployment', name)?.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`deploy/kubernetes: no Deployment ${name} with spec.replicas`);
      return [service, replicas as number];
    }),
  ) as Record<(typeof SERVICES)[number], number>;
}
// Under steady load a capped service's V8 heap reservation (heap total, and RSS with it) still
// grows for about five minutes while the heap in use stays flat (docs/reliability.md, "Soak"):
// each process is judged after that, or after a fifth of a shorter run.
const processWarmupMs = (durationMs: number) => Math.min(5 * 60000, durationMs * 0.2);
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor((ms % 60000) / 1000)).padStart(2, '0')}`;

async function main(options: SoakOptions): Promise<number> {
  const durationMs = options.minutes * 60000;
  const graceMs = options.graceSeconds * 1000;
  const limits: MemoryLimits = { maxSlopeMbPerHour: options.maxRssSlopeMbPerHour, minJudgedMinutes: 10, minRunMinutes: 60 };
  const random = seededRandom(options.seed);
  const plan = planFaults(
    { durationMs, meanGapMs: options.faultEverySeconds * 1000, quietStartMs: Math.min(60000, durationMs * 0.1), quietEndMs: Math.min(120000, durationMs * 0.15), faults: options.faults },
    random,
  );
  log(`soak: ${options.minutes} min, ${options.phones} phones, seed ${options.seed}, ${plan.length} faults planned: ${plan.map((p) => `${clock(p.atMs)} ${p.fault}`).join(', ')}`);

  assertOwnBroker();
  const replicas = manifestReplicas();
  // The services (and the replacements faults start) run with production's heap cap and arenas: memory is
  // judged as production would see it, not V8 sizing its heap from this machine's RAM.
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SERVICE_NODE_OPTIONS].filter(Boolean).join(' ');
  process.env.MALLOC_ARENA_MAX = SERVICE_MALLOC_ARENA_MAX;
  const platform = new FaultPlatform(newRunId(), '21900');
  const tallies = new Map<FaultName, FaultTally>(options.faults.map((fault) => [fault, { fault, injected: 0, failed: 0, errorsDuring: 0, households: 0, lost: 0, countedTwice: 0 }]));
  const windows: FaultWindow[] = [];
  let current: { fault: FaultName; startedAt: number } | undefined;
  const unexpected: string[] = [];
  const acknowledged: AcknowledgedHousehold[] = [];
  const samples: RssSample[] = [];
  const problems: string[] = [];
  const startedAt = new Date();
  let stopping = false;
  let infrastructureDown = false;

  const onAnswer = (answer: PhoneAnswer) => {
    if (answer.status === 200) return;
    const during = current?.fault ?? faultAt(windows, answer.at, graceMs)?.fault;
    if (during) tallies.get(during)!.errorsDuring += 1;
    else if (answer.status === 'network' || answer.status >= 500) unexpected.push(`${new Date(answer.at).toISOString()} ${answer.service} ${answer.status}`);
  };

  const interrupt = () => {
    if (stopping) process.exit(130);
    log('soak: interrupted, stopping the phones and reporting what was seen (Ctrl-C again to quit at once)');
    stopping = true;
  };
  process.on('SIGINT', interrupt);

  try {
    await platform.start([...SERVICES]);
    for (const service of SERVICES) for (let replica = 1; replica < replicas[service]; replica += 1) await platform.start([service]);
    await platform.onboard();
    const start = Date.now();
    const sampler = setInterval(() => {
      for (const service of SERVICES) {
        for (const instance of platform.live(service)) {
          const pid = instance.process.pid;
          const rssBytes = pid === undefined ? undefined : readRss(pid);
          if (pid === undefined || rssBytes === undefined) continue;
          const at = Date.now();
          // The heap readings are best effort: a process busy or going down still gets its RSS sample.
          void fetch(`${instance.url}/metrics`, { signal: AbortSignal.timeout(2000) })
            .then(async (response) => (response.ok ? await response.text() : ''))
            .catch(() => '')
            .then((metrics) =>
              samples.push({
                service,
                pid,
                at,
                rssBytes,
                heapUsedBytes: parseGauge(metrics, 'nodejs_heap_size_used_bytes'),
                heapTotalBytes: parseGauge(metrics, 'nodejs_heap_size_total_bytes'),
                externalBytes: parseGauge(metrics, 'nodejs_external_memory_bytes'),
              }),
            );
        }
      }
    }, options.sampleSeconds * 1000);
    const field = new FieldLoad(platform, {
      households: Number.MAX_SAFE_INTEGER,
      phones: options.phones,
      pauseMs: options.pauseMs,
      retryServerErrors: true,
      // A phone keeps trying through any single outage; one that gives up is a finding.
      deadlineMs: 10 * 60000,
      onAnswer,
      onAcknowledged: (household) => acknowledged.push(household),
    });
    const load = field.run().catch((error: Error) => {
      problems.push(`a phone gave up: ${error.message.slice(0, 300)}`);
    });
    const progress = setInterval(() => {
      const injected = [...tallies.values()].filter((t) => t.injected > 0).map((t) => `${t.fault} ${t.injected}`).join(', ') || 'none yet';
      log(`[${clock(Date.now() - start)} / ${clock(durationMs)}] households acknowledged ${acknowledged.length} | faults: ${injected}${current ? ` | now: ${current.fault}` : ''} | 5xx outside faults ${unexpected.length}`);
    }, 15000);

    for (const planned of plan) {
      while (!stopping && Date.now() - start < planned.atMs) await sleep(250);
      if (stopping || Date.now() - start > durationMs - Math.min(120000, durationMs * 0.15)) break;
      const tally = tallies.get(planned.fault)!;
      current = { fault: planned.fault, startedAt: Date.now() };
      log(`[${clock(Date.now() - start)}] injecting ${planned.fault}`);
      infrastructureDown = ['broker-kill', 'postgres-restart', 'redis-down'].includes(planned.fault);
      try {
        await INJECT[planned.fault]({ platform, random, log });
        infrastructureDown = false;
        tally.injected += 1;
      } catch (error) {
        tally.failed += 1;
        log(`[${clock(Date.now() - start)}] ${planned.fault} could not be carried out: ${(error as Error).message.slice(0, 500)}`);
        if (infrastructureDown) await restoreInfrastructureAsync().then(() => (infrastructureDown = false)).catch(() => undefined);
      }
      try {
        await awaitHealthy(platform, 180000);
      } catch (error) {
        problems.push(`not healthy 180 s after ${planned.fault}: ${(error as Error).message}`);
      }
      windows.push({ ...current, endedAt: Date.now() });
      log(`[${clock(Date.now() - start)}] ${planned.fault} over after ${Math.round((Date.now() - current.startedAt) / 1000)} s`);
      current = undefined;
    }
    while (!stopping && Date.now() - start < durationMs) await sleep(250);

    log(`[${clock(Date.now() - start)}] phones stop; waiting for the platform to catch up`);
    field.stop();
    await load;
    clearInterval(progress);
    clearInterval(sampler);

    const check = await checkPlatform(platform, acknowledged, 300000);
    problems.push(...check.problems);
    let householdsLost = 0;
    let householdsCountedTwice = 0;
    const quiet = { households: 0, lost: 0, countedTwice: 0 };
    for (const household of acknowledged) {
      const difference = householdDifference(check.projected.get(household.householdId) ?? { livingResidents: 0 });
      householdsLost += difference.lost;
      householdsCountedTwice += difference.countedTwice;
      const through = faultsDuring(windows, household.startedAt, household.acknowledgedAt, graceMs);
      for (const row of through.length ? through.map((fault) => tallies.get(fault)!) : [quiet]) {
        row.households += 1;
        row.lost += difference.lost;
        row.countedTwice += difference.countedTwice;
      }
    }
    const outcome: SoakOutcome = {
      startedAt: startedAt.toISOString(),
      minutes: Math.round(((Date.now() - start) / 60000) * 10) / 10,
      seed: options.seed,
      phones: options.phones,
      serviceSettings: `NODE_OPTIONS=${SERVICE_NODE_OPTIONS} MALLOC_ARENA_MAX=${SERVICE_MALLOC_ARENA_MAX}`,
      faults: [...tallies.values()],
      unexpectedErrors: unexpected.length,
      unexpectedExamples: unexpected.slice(0, 5),
      exactness: {
        householdsAcknowledged: acknowledged.length,
        eventsWritten: check.eventsWritten,
        eventsApplied: check.eventsApplied,
        countsDuplicated: check.countsDuplicated,
        countsMissing: check.countsMissing,
        householdsLost,
        householdsCountedTwice,
        quietLost: quiet.lost,
        quietCountedTwice: quiet.countedTwice,
        quietHouseholds: quiet.households,
      },
      memory: rssTrends(samples, processWarmupMs(durationMs)),
      problems,
    };
    // The raw readings, to look again at a trend the table summarises.
    const samplesFile = path.join(repoRoot, '.data', 'soak', `${startedAt.toISOString().replace(/[:.]/g, '-')}-memory.json`);
    mkdirSync(path.dirname(samplesFile), { recursive: true });
    writeFileSync(samplesFile, JSON.stringify(samples));
    log(`soak: memory samples in ${path.relative(repoRoot, samplesFile)}`);
    const report = renderReport(outcome, limits);
    process.stdout.write(`\n${report}`);
    if (options.report) {
      const file = path.resolve(process.cwd(), options.report);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, report);
      log(`soak: report written to ${path.relative(repoRoot, file)}`);
    }
    return failures(outcome, limits).length === 0 ? 0 : 1;
  } finally {
    if (infrastructureDown) await restoreInfrastructureAsync().catch((error: Error) => log(`soak: could not restore the infrastructure: ${error.message}`));
    if (options.keep) {
      await platform.stopAll();
      log(`soak: kept schemas t_${platform.runId}_* and topics t-${platform.runId}.*`);
    } else {
      await platform.cleanup().catch((error: Error) => log(`soak: cleanup failed: ${error.message}`));
    }
  }
}

let options: SoakOptions;
try {
  options = parseOptions(process.argv.slice(2), Date.now() % 1000000);
} catch (error) {
  log(`soak: ${(error as Error).message}`);
  process.exit(2);
}
main(options).then(
  (code) => process.exit(code),
  (error: Error) => {
    log(`soak failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
