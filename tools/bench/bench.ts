/**
 * npm run bench: the whole pipeline measured against raw Kafka and Postgres on one machine, in
 * one run. Phases (each with a progress line):
 *   1. baselines   raw kafkajs produce+consume and raw multi-row Postgres inserts, same size
 *   2. history     a campaign's history (default 1,000,000 events, 220 communes of one province
 *                  and 20 elsewhere) published to the run's topics
 *   3. projection  the services start; reporting's live consumer projects the whole history
 *   4. rebuild     every projection rebuilt from the topics into a new generation
 *   5. paced load  field phones at 1,500 events/s through /sync while officers refresh the
 *                  province ranking: write-to-visible lag, relay lag, query latency
 *   6. flat out    phones as fast as the services answer for 5 minutes: sustained events/s
 *   7. big uploads flat out again, 20 households (100 registry items) per upload
 *   8. writes      the uploads alone, every consumer stopped
 *   9. consumers   the consumers alone, on the backlog phase 8 left
 * Prints a table and writes the figures to .data/bench/ (JSON). Its own schemas, topics and
 * groups are dropped at the end (--keep leaves them).
 */
import { cpus, totalmem, release } from 'node:os';
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKafka, ensureTopics } from '@dtc/messaging';
import { loadKafkaClientConfig, ProgressBar } from '@dtc/platform';
import type { Admin } from 'kafkajs';
import { Client } from 'pg';
import { rebuildProjections } from '../../apps/reporting/src/rebuild/rebuild';
import { kafkaBaseline, postgresBaseline } from './baselines';
import { communeHistory, historyCommunes } from './history';
import { seedHistory } from './history-phase';
import { cpuBetween, cpuSnapshot, type CpuUse } from './cpu';
import { awaitCaughtUp, groupProgress } from './kafka-progress';
import type { LoadCommune, LoadPlan, LoadReport } from './load/field-phones';
import { activityPerEvent, countersDelta, exchangesPerEvent, Ledger, provinceReaders } from './measurements';
import { BenchPlatform, type ServiceName } from './platform';
import { renderReport, type BenchFigures } from './report';
import { histogramDelta, histogramQuantile, readHistogram, type HistogramSnapshot } from './stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const STREAMS = ['household-registry.events', 'enrollment.events', 'training.events'];
const PROVINCE = '38';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} takes a non-negative number\n`);
    process.exit(2);
  }
  return value;
}

const quick = process.argv.includes('--quick');
const settings = {
  historyEvents: option('events', quick ? 100000 : 1000000),
  communes: option('communes', 220),
  pacedRate: option('paced-rate', 1500),
  pacedSeconds: option('paced-seconds', quick ? 20 : 60),
  sustainedSeconds: option('seconds', quick ? 30 : 300),
  phones: option('phones', 32),
  readers: option('readers', 8),
  readerIntervalMs: option('reader-interval', 0),
  loadCommunes: option('load-communes', 20),
  // Phase 7: flat out with a day's work per upload (0 skips it).
  bigUploadSeconds: option('big-upload-seconds', quick ? 20 : 120),
  householdsPerUpload: option('upload-households', 20),
  // Phases 8-9: each side's ceiling alone (0 skips them).
  splitSeconds: option('split-seconds', quick ? 20 : 120),
  partitions: option('partitions', 6),
  // Phase 4 as `npm run rebuild` takes them (REBUILD_CONCURRENCY, REBUILD_BATCH_BYTES).
  rebuildConcurrency: option('rebuild-concurrency', 2),
  rebuildBatchBytes: option('rebuild-batch-bytes', 4194304),
  // Reporting instances with their consumers off that answer the province readers, as
  // docker-compose.yml and deploy/kubernetes run reporting (0: the consuming instance answers them).
  readInstances: option('read-instances', 1),
  keep: process.argv.includes('--keep'),
  profile: process.argv.includes('--profile'),
};
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dtc';
// Brokers and TLS/SASL settings as the services read them (the services it starts inherit the same variables).
const kafkaClient = loadKafkaClientConfig('bench', process.env);
const kafkaBrokers = kafkaClient.kafkaBrokers;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const log = (line: string) => process.stderr.write(`${line}\n`);
const PHASES = 6 + (settings.bigUploadSeconds > 0 ? 1 : 0) + (settings.splitSeconds > 0 ? 2 : 0);

/** Highest RSS seen per service while `work` runs (sampled every second). */
async function watchingMemory<T>(platform: BenchPlatform, peaks: Record<string, number>, work: () => Promise<T>): Promise<T> {
  const sample = () => {
    for (const [name, mb] of Object.entries(platform.rss())) peaks[name] = Math.max(peaks[name] ?? 0, mb);
  };
  const timer = setInterval(sample, 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    sample();
  }
}

async function runLoad(plan: LoadPlan, bar: ProgressBar): Promise<LoadReport> {
  const child = fork(path.join(__dirname, 'load', 'field-phones.ts'), [], { cwd: repoRoot, execArgv: ['-r', './tools/runtime/register.js'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started = Date.now();
  return new Promise((resolve, reject) => {
    child.on('message', (message: { progress?: { units: number; failures: number }; report?: LoadReport; error?: string }) => {
      if (message.progress) bar.update(Math.min(plan.seconds, (Date.now() - started) / 1000), `${message.progress.units} households${message.progress.failures ? `, ${message.progress.failures} failed uploads` : ''}`);
      if (message.report) resolve(message.report);
      if (message.error) reject(new Error(message.error));
    });
    child.on('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(plan);
  });
}

async function visibleLagSnapshot(platform: BenchPlatform): Promise<HistogramSnapshot> {
  return readHistogram(await platform.metrics('reporting'), 'events_visible_lag_seconds', { consumer: 'reporting-projections' });
}

async function machine(): Promise<BenchFigures['machine']> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const postgres = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
  await client.end();
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version, postgres, kafka: '4.1.1 (KRaft, single node, same machine)' };
}

async function createLoadCommunes(platform: BenchPlatform, codes: string[]): Promise<LoadCommune[]> {
  const operator = platform.token({ sub: 'bench-operator', role: 'operations', communes: [] });
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(url, { method, headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  const registry = platform.url('household-registry');
  const communes: LoadCommune[] = [];
  for (const code of codes) {
    await call('POST', `${registry}/communes`, { code, name: `Xã Thử ${code}`, provinceCode: PROVINCE, provinceName: 'Thanh Hóa' });
    for (let v = 1; v <= 4; v += 1) await call('POST', `${registry}/communes/${code}/villages`, { code: `LOAD-${v}`, name: `Thôn tải ${v}` });
    const villages = (await call('GET', `${registry}/communes/${code}/villages`)) as Array<{ id: string; code: string }>;
    communes.push({ code, villageCodes: villages.map((v) => v.code), villageIds: villages.map((v) => v.id) });
  }
  return communes;
}

/** The read models other than reporting's projections that apply the uploads' events (docs/operations.md, "Scale"). */
const READ_MODELS = [
  { group: 'enrollment-registry-read-model', streams: ['household-registry.events'] },
  { group: 'training-registry-read-model', streams: ['household-registry.events'] },
  { group: 'registry-field-read-model', streams: ['training.events', 'enrollment.events'] },
] as const;

/**
 * Phase 8: the services start with their consumers on a backlog nobody applied (left by the
 * writes-alone phase). The rate is timed from the first applied batch (service start-up excluded)
 * until reporting's projections are caught up; the other read models are awaited too.
 */
async function consumersAlone(platform: BenchPlatform, admin: Admin, topics: string[], label: string): Promise<NonNullable<BenchFigures['split']>['consumers']> {
  const group = (name: string) => `${platform.topicPrefix}${name}`;
  const before = await groupProgress(admin, group('reporting-projections'), topics);
  const backlog = before.end - before.done;
  const bar = new ProgressBar(label, backlog);
  const spawned = Date.now();
  const starting = platform.start();
  let firstApplied: number | undefined;
  // Services publish a few events of their own as they start (communes, team names): counted too.
  let events = backlog;
  await awaitCaughtUp(admin, group('reporting-projections'), topics, {
    timeoutMs: 600000,
    onProgress: (done, end) => {
      if (firstApplied === undefined && done > before.done) firstApplied = Date.now();
      events = end - before.done;
      bar.setTotal(events);
      bar.update(done - before.done);
    },
  });
  const caughtUp = Date.now();
  await starting;
  for (const model of READ_MODELS) await awaitCaughtUp(admin, group(model.group), model.streams.map((stream) => platform.topic(stream)), { timeoutMs: 600000 });
  bar.finish();
  // Polled every 200 ms: the first applied batch is seen up to a poll late, so the rate leans high on a small backlog.
  const seconds = Math.max(0.2, (caughtUp - (firstApplied ?? spawned)) / 1000);
  return { events, seconds, eventsPerSecond: events / seconds, startupSeconds: ((firstApplied ?? caughtUp) - spawned) / 1000, allCaughtUpSeconds: (Date.now() - spawned) / 1000 };
}

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const platform = new BenchPlatform({ runId, databaseUrl, kafkaBrokers, redisUrl, partitions: settings.partitions, readInstances: settings.readInstances, keep: settings.keep });
  const kafka = createKafka({ clientId: `bench-${runId}`, brokers: kafkaBrokers, security: kafkaClient });
  const admin = kafka.admin();
  await admin.connect();
  const topics = STREAMS.map((stream) => platform.topic(stream));
  const rssPeaks: Record<string, Record<string, number>> = {};
  const started = new Date();
  log(`benchmark run ${runId}: ${settings.historyEvents.toLocaleString('en')} history events, ${settings.sustainedSeconds} s flat out${quick ? ' (quick)' : ''}`);
  try {
    // 1. Baselines, before anything else runs. Same message size as the history's events.
    const communes = historyCommunes(settings.communes, PROVINCE, ['01', '79']);
    // Baseline messages as big as the history's events on average (measured on a sample commune).
    const sample = communeHistory(communes[0], 2000);
    const sampleBytes = Math.round(sample.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0) / sample.length);
    let bar = new ProgressBar(`1/${PHASES} raw Kafka produce+consume`, settings.historyEvents * 2);
    const kafkaRaw = await kafkaBaseline(kafka, platform.topic('baseline'), settings.partitions, settings.historyEvents, sampleBytes, (done) => bar.update(done));
    bar.finish();
    bar = new ProgressBar(`1/${PHASES} raw Postgres multi-row insert`, settings.historyEvents);
    const postgresRaw = await postgresBaseline(databaseUrl, `bench_${runId}_baseline`, settings.historyEvents, sampleBytes, (done) => bar.update(done));
    bar.finish();

    // 2. History straight into the topics (the services are not running yet).
    await ensureTopics(admin, topics, settings.partitions);
    bar = new ProgressBar(`2/${PHASES} publishing history`, settings.historyEvents);
    const history = await seedHistory(kafka, platform.topicPrefix, communes, settings.historyEvents, (done) => bar.update(done));
    bar.finish();

    // The database's own counters say how much work each phase's events cost (commits, rows).
    const ledger = new Ledger(databaseUrl, ['household-registry', 'enrollment', 'training'].map((name) => platform.schemaOf(name as ServiceName)));

    // 3. Start the services: reporting's live consumer projects the whole history.
    const projectionActivity = await ledger.databaseActivity();
    const cpu: Record<string, CpuUse> = {};
    const projectionCpu = cpuSnapshot(platform.pids());
    const projectionStarted = Date.now();
    const profileDir = settings.profile ? path.join(repoRoot, '.data', 'bench', 'profiles', runId) : undefined;
    await platform.start(profileDir);
    if (profileDir) log(`CPU profiles of the services go to ${path.relative(repoRoot, profileDir)} when they stop`);
    bar = new ProgressBar(`3/${PHASES} live projection of the history`, history.events);
    await watchingMemory(platform, (rssPeaks.projection = {}), () =>
      awaitCaughtUp(admin, `${platform.topicPrefix}reporting-projections`, topics, { timeoutMs: 3600000, onProgress: (done) => bar.update(done) }),
    );
    const projectionSeconds = (Date.now() - projectionStarted) / 1000;
    cpu.projection = cpuBetween(projectionCpu, cpuSnapshot(platform.pids()), history.events);
    bar.finish();
    // Enrollment and training keep read models of registry events: let them finish too.
    for (const consumer of ['enrollment-registry-read-model', 'training-registry-read-model']) {
      await awaitCaughtUp(admin, `${platform.topicPrefix}${consumer}`, [platform.topic('household-registry.events')], { timeoutMs: 3600000 });
    }

    // The services were not running before this phase: every statement they sent so far is its own.
    const projectionCost = { ...activityPerEvent(projectionActivity, await ledger.databaseActivity(), history.events), ...exchangesPerEvent({ statements: 0, roundTrips: 0 }, await platform.databaseExchanges(), history.events) };

    // 4. Rebuild every projection from the topics (reporting keeps serving the live generation).
    bar = new ProgressBar(`4/${PHASES} rebuild`, history.events);
    const rebuildActivity = await ledger.databaseActivity();
    const rebuildCpu = cpuSnapshot(platform.pids());
    const rebuild = await watchingMemory(platform, (rssPeaks.rebuild = {}), () =>
      rebuildProjections({
        databaseUrl,
        serviceSchema: platform.schemaOf('reporting'),
        topicPrefix: platform.topicPrefix,
        kafkaBrokers,
        redisUrl,
        concurrency: settings.rebuildConcurrency,
        batchBytes: settings.rebuildBatchBytes,
        onProgress: (done, total, phase) => (phase === 'switching' ? bar.finish('switching') : (bar.setTotal(total), bar.update(done))),
      }),
    );

    cpu.rebuild = cpuBetween(rebuildCpu, cpuSnapshot(platform.pids()), rebuild.eventsApplied);
    const rebuildCost = activityPerEvent(rebuildActivity, await ledger.databaseActivity(), rebuild.eventsApplied);

    // 5. Paced load with province officers reading the ranking.
    const loadCommunes = await createLoadCommunes(platform, communes.slice(0, settings.loadCommunes).map((c) => c.code));
    const token = platform.token({ sub: 'bench-phones', role: 'commune_admin', communes: loadCommunes.map((c) => c.code) });
    const serviceUrls = () => ({ registry: platform.url('household-registry'), enrollment: platform.url('enrollment'), training: platform.url('training') });
    const urls = serviceUrls();
    const officer = platform.token({ sub: 'bench-officer', role: 'province_officer', communes: [], province: PROVINCE });
    const campaign = await fetch(`${platform.url('reporting')}/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kế hoạch tỉnh (benchmark)', provinceCode: PROVINCE, startsOn: '2026-07-01', endsOn: '2026-12-31', targets: [{ indicatorCode: 'cccd_applications', sharePercent: 100 }, { indicatorCode: 'vneid_level2_activated', sharePercent: 80 }, { indicatorCode: 'households_visited', sharePercent: 100 }] }),
    }).then(async (response) => {
      if (response.status !== 201) throw new Error(`creating the province campaign answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { id: string };
    });
    /** A load phase; with `consumers` false nothing applies the events, so no visibility is measured. */
    const loadPhase = async (label: string, plan: LoadPlan, withReaders: boolean, consumers = true) => {
      const bar = new ProgressBar(label, plan.seconds);
      const lagBefore = await visibleLagSnapshot(platform);
      const activityBefore = await ledger.databaseActivity();
      // One scrape of the services gives both starting counters.
      const metricsBefore = await platform.metricsTexts();
      const exchangesBefore = await platform.databaseExchanges(metricsBefore);
      const cpuBefore = cpuSnapshot(platform.pids());
      const groupsBefore = await platform.counterByLabel('sync_groups_total', 'outcome', metricsBefore);
      const from = new Date();
      let loading = true;
      const [report, reads] = await watchingMemory(platform, (rssPeaks[plan.label] = {}), () =>
        Promise.all([
          runLoad(plan, bar).finally(() => (loading = false)),
          withReaders ? provinceReaders(() => `${platform.readerUrl()}/campaigns/${campaign.id}/province-progress`, officer, settings.readers, () => !loading, settings.readerIntervalMs) : Promise.resolve(undefined),
        ]),
      );
      const to = new Date();
      // The writing window only: the catching up below is the consumers' tail, not the phase's load.
      const cpuAfter = cpuSnapshot(platform.pids());
      const groups = countersDelta(groupsBefore, await platform.counterByLabel('sync_groups_total', 'outcome'));
      bar.finish();
      // Let the relays and projections finish the phase's events before reading lags.
      const deadline = Date.now() + 600000;
      while ((await ledger.unpublished()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      if (consumers) await awaitCaughtUp(admin, `${platform.topicPrefix}reporting-projections`, topics, { timeoutMs: 600000 });
      const visible = histogramDelta(lagBefore, await visibleLagSnapshot(platform));
      const activityAfter = await ledger.databaseActivity();
      const events = await ledger.eventsWritten(from, to);
      cpu[plan.label] = cpuBetween(cpuBefore, cpuAfter, events);
      return {
        report,
        reads,
        events,
        eventsPerSecond: events / ((to.getTime() - from.getTime()) / 1000),
        groups,
        relayLagMs: await ledger.relayLag(from, to),
        visibleLagMs: consumers ? { p50: histogramQuantile(visible, 0.5) * 1000, p99: histogramQuantile(visible, 0.99) * 1000, events: visible.count } : { p50: Number.NaN, p99: Number.NaN, events: 0 },
        cost: { ...activityPerEvent(activityBefore, activityAfter, events), ...exchangesPerEvent(exchangesBefore, await platform.databaseExchanges(), events) },
      };
    };
    const paced = await loadPhase(`5/${PHASES} paced load`, { label: 'paced', urls, token, communes: loadCommunes, eventsPerSecond: settings.pacedRate, seconds: settings.pacedSeconds, phones: settings.phones }, true);

    // 6. Flat out: as many phones as it takes to keep every service busy.
    const sustained = await loadPhase(`6/${PHASES} flat out`, { label: 'sustained', urls, token, communes: loadCommunes, eventsPerSecond: 0, seconds: settings.sustainedSeconds, phones: settings.phones }, false);

    // 7. Flat out again, each phone uploading many households at once (a day's work synced in the
    // evening: 100-item registry batches with the default 20 households).
    let phase = 7;
    const bigUploads =
      settings.bigUploadSeconds > 0
        ? await loadPhase(
            `${phase++}/${PHASES} flat out, ${settings.householdsPerUpload} households per upload`,
            { label: 'big-uploads', urls, token, communes: loadCommunes, eventsPerSecond: 0, seconds: settings.bigUploadSeconds, phones: settings.phones, householdsPerUpload: settings.householdsPerUpload },
            false,
          )
        : undefined;

    // 8-9. Each side alone: the services restarted with their consumers stopped take uploads flat
    // out (their relays still publish), then restarted with consumers only catch up that backlog.
    let split: BenchFigures['split'];
    if (settings.splitSeconds > 0) {
      await platform.stop();
      await platform.start(undefined, { KAFKA_CONSUMERS: 'off' });
      const writes = await loadPhase(`${phase++}/${PHASES} writes alone (consumers stopped)`, { label: 'writes-alone', urls: serviceUrls(), token, communes: loadCommunes, eventsPerSecond: 0, seconds: settings.splitSeconds, phones: settings.phones }, false, false);
      await platform.stop();
      split = { writes, consumers: await consumersAlone(platform, admin, topics, `${phase++}/${PHASES} consumers alone on that backlog`) };
    }
    await ledger.close();

    const figures: BenchFigures = {
      runId,
      startedAt: started.toISOString(),
      settings: { ...settings, quick },
      machine: await machine(),
      baselines: { kafka: kafkaRaw, postgres: postgresRaw },
      history: { events: history.events, communes: communes.length, bytesPerEvent: Math.round(history.bytes / history.events), publishSeconds: history.seconds },
      projection: { events: history.events, seconds: projectionSeconds, eventsPerSecond: history.events / projectionSeconds, cost: projectionCost },
      rebuild: { events: rebuild.eventsApplied, seconds: rebuild.seconds, eventsPerSecond: rebuild.eventsApplied / rebuild.seconds, cost: rebuildCost },
      paced,
      sustained,
      bigUploads,
      split,
      cpu,
      rssPeakMB: rssPeaks,
      rssEndMB: platform.rss(),
    };
    const outDir = path.join(repoRoot, '.data', 'bench');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
    writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`${renderReport(figures)}\nfigures: ${path.relative(repoRoot, file)}\n`);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await platform.stop();
    if (!settings.keep) await platform.cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    log(`benchmark failed: ${error.message}`);
    process.exit(1);
  },
);
