import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deleteTestTopics, dropTestSchemas, eventually, freePort, newRunId, query, testKafka, testToken } from '@dtc/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { runOpsCli, type CliRun } from '../../support/ops-cli';
import { startServices, type RunningService } from '../../support/services';
import { infraTool } from '../../support/infra-tools';

// The Kafka cluster is lost or replaced while Postgres survives: the services refuse to start
// on the new cluster (naming both cluster ids and the recovery), `ops republish` puts every
// retained outbox event on it and records it, the services start, and a rebuild of reporting
// from the new cluster's topics answers the figures of before. The second broker is this
// test's own (other ports, own data dir); the shared broker on 9092 is never touched.
const runId = newRunId();
const COMMUNE = '47031';
const PROVINCE = '47';
const VILLAGES = ['THON-1', 'THON-2'];
const HOUSEHOLDS = 7;
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const prefix = `t-${runId}.`;
const admin = testToken({ sub: `admin-${COMMUNE}`, role: 'commune_admin', communes: [COMMUNE] });

/** Starts a single-node broker (tools/infra/kafka.js) on the real clock, as `npm run infra` would. */
async function startSecondBroker(dataDir: string): Promise<{ brokers: string; env: NodeJS.ProcessEnv }> {
  const port = await freePort();
  const controllerPort = await freePort();
  const env = { KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_CONTROLLER_PORT: String(controllerPort), DTC_DATA_DIR: dataDir, KAFKA_HEAP: '384m' };
  const { dropTestClock } = infraTool('real-clock.js') as { dropTestClock: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv };
  const script = "const s=require('./tools/infra/settings.js').infraSettings();require('./tools/infra/kafka.js').kafkaUp(s,()=>undefined).catch((e)=>{console.error(e.message);process.exit(1)})";
  await promisify(execFile)(process.execPath, ['-e', script], { cwd: repoRoot, env: dropTestClock({ ...process.env, ...env }), timeout: 120000 });
  return { brokers: env.KAFKA_BROKERS, env };
}

async function stopSecondBroker(env: NodeJS.ProcessEnv): Promise<void> {
  const { infraSettings } = infraTool('settings.js') as { infraSettings: (env: NodeJS.ProcessEnv) => unknown };
  const { kafkaDown } = infraTool('kafka.js') as { kafkaDown: (settings: unknown, log: (line: string) => void) => Promise<void> };
  await kafkaDown(infraSettings({ ...process.env, ...env }), () => undefined);
}

async function clusterIdOf(kafka: Kafka): Promise<string> {
  const client = kafka.admin();
  await client.connect();
  try {
    return (await client.describeCluster()).clusterId;
  } finally {
    await client.disconnect();
  }
}

function succeeded(run: CliRun): void {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
}

/** Waits until a service started with awaitHealthy false has exited; returns its output. */
async function exited(service: RunningService): Promise<{ code: number | null; output: string }> {
  return eventually(
    () => {
      if (service.process.exitCode === null) throw new Error(`${service.name} still running`);
      return { code: service.process.exitCode, output: service.output.join('') };
    },
    { timeoutMs: 60000, intervalMs: 200 },
  );
}

describe('Kafka cluster lost while Postgres survives', () => {
  let dataDir: string;
  let second: { brokers: string; env: NodeJS.ProcessEnv } | undefined;
  let stop: (() => Promise<void>) | undefined;
  let registry: RunningService;
  let reporting: RunningService;
  const schemas = () => [registry.schema, reporting.schema];
  const figures = async () => {
    const answer = await request<{ totalHouseholds: number }>('GET', `${reporting.url}/communes/${COMMUNE}/households-by-village`, admin);
    expect(answer.status).toBe(200);
    // The figures, not how fresh they are (stream heads differ per cluster and generation).
    return { ...answer.body, dataAsOf: undefined };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'dtc-second-kafka-'));
    [second] = await Promise.all([
      startSecondBroker(dataDir),
      startServices(runId, ['household-registry', 'reporting']).then((started) => {
        ({ 'household-registry': registry, reporting } = started.services as Record<string, RunningService>);
        stop = started.stop;
      }),
    ]);
  }, 240000);

  afterAll(async () => {
    await stop?.();
    if (second) await stopSecondBroker(second.env);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('records the cluster and topic prefix at the first start', async () => {
    const sharedId = await clusterIdOf(testKafka());
    for (const schema of schemas()) {
      const rows = await query<{ cluster_id: string; topic_prefix: string; reason: string }>(`select cluster_id, topic_prefix, reason from "${schema}".kafka_cluster`);
      expect(rows).toEqual([{ cluster_id: sharedId, topic_prefix: prefix, reason: 'first_start' }]);
    }
  });

  it('refuses to start on a new cluster, recovers by re-publishing the outbox history, and rebuilds the same figures', async () => {
    await onboardCommune(registry.url, COMMUNE, PROVINCE, VILLAGES);
    for (let i = 0; i < HOUSEHOLDS; i += 1) expect((await request('POST', `${registry.url}/households`, admin, householdBody(COMMUNE, VILLAGES[i % 2]))).status).toBe(201);
    await eventually(async () => expect(await figures()).toMatchObject({ totalHouseholds: HOUSEHOLDS }), { timeoutMs: 30000, intervalMs: 200 });
    await eventually(async () => expect(await query(`select 1 from "${registry.schema}".outbox where published_at is null`)).toEqual([]), { timeoutMs: 30000, intervalMs: 200 });
    const before = await figures();
    const [{ published }] = await query<{ published: number }>(`select count(*)::int as published from "${registry.schema}".outbox`);
    await stop!();

    // The broker is replaced: same database, another cluster.
    const newKafka = new Kafka({ clientId: 'dtc-tests', brokers: [second!.brokers], logLevel: logLevel.NOTHING });
    const oldId = await clusterIdOf(testKafka());
    const newId = await clusterIdOf(newKafka);
    expect(newId).not.toBe(oldId);
    const onNewCluster = { KAFKA_BROKERS: second!.brokers };
    const refused = await startServices(runId, ['household-registry', 'reporting'], { 'household-registry': onNewCluster, reporting: onNewCluster }, { awaitHealthy: false });
    for (const service of Object.values(refused.services)) {
      const { code, output } = await exited(service);
      expect(code).toBe(1);
      expect(output).toContain(`Kafka cluster mismatch: schema "${service.schema}" holds the history of cluster ${oldId} with topic prefix "${prefix}"`);
      expect(output).toContain(`connected to cluster ${newId}`);
      expect(output).toContain('npm run ops -- republish');
      expect(output).toContain(`KAFKA_ACCEPT_CLUSTER_ID=${newId}`);
    }
    // Refused before creating anything on the new cluster.
    const newAdmin = newKafka.admin();
    await newAdmin.connect();
    try {
      expect((await newAdmin.listTopics()).filter((topic) => topic.startsWith(prefix))).toEqual([]);
    } finally {
      await newAdmin.disconnect();
    }

    // Recovery: the registry's retained outbox history onto the new cluster, recorded in both schemas.
    const opsEnv = { ...onNewCluster, TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '3' };
    const republished = await runOpsCli(['republish', '--schemas', schemas().join(',')], opsEnv);
    succeeded(republished);
    expect(republished.stdout).toMatch(new RegExp(`^${registry.schema}\\s+${published}\\s+${prefix.replace(/\./g, '\\.')}household-registry\\.events$`, 'm'));
    expect(republished.stdout).toMatch(new RegExp(`^${reporting.schema}\\s+-\\s+no outbox \\(recorded only\\)$`, 'm'));
    expect(republished.stdout).toContain(`re-published to cluster ${newId} with prefix "${prefix}" and recorded it`);
    for (const schema of schemas()) {
      const [latest] = await query<{ cluster_id: string; reason: string }>(`select cluster_id, reason from "${schema}".kafka_cluster order by recorded_at desc limit 1`);
      expect(latest).toEqual({ cluster_id: newId, reason: 'republished' });
    }
    // Run again: nothing to do, nothing published twice.
    const again = await runOpsCli(['republish', '--schemas', schemas().join(',')], opsEnv);
    succeeded(again);
    expect(again.stdout).toContain('nothing to re-publish');

    // The services start on the new cluster; the live figures are those of before (the inbox skips what it applied).
    const restarted = await startServices(runId, ['household-registry', 'reporting'], { 'household-registry': onNewCluster, reporting: onNewCluster });
    stop = restarted.stop;
    ({ 'household-registry': registry, reporting } = restarted.services as Record<string, RunningService>);
    expect(await figures()).toEqual(before);

    // Reporting rebuilt from the new cluster's topics: the same figures.
    const rebuilt = await runOpsCli(['rebuild'], { ...opsEnv, DATABASE_SCHEMA: reporting.schema });
    succeeded(rebuilt);
    expect(rebuilt.stdout).toMatch(/^rebuilt generation 2 /m);
    expect(await figures()).toEqual(before);

    // And new writes flow through the new cluster.
    expect((await request('POST', `${registry.url}/households`, admin, householdBody(COMMUNE, 'THON-1'))).status).toBe(201);
    await eventually(async () => expect(await figures()).toMatchObject({ totalHouseholds: HOUSEHOLDS + 1 }), { timeoutMs: 30000, intervalMs: 200 });
  });

  it('without a recovery, refuses re-publishing into topics that already hold events', async () => {
    // The shared cluster's topics of this run still hold the original history.
    const run = await runOpsCli(['republish', '--schemas', registry.schema], { TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '3' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`topic ${prefix.replace(/\./g, '\\.')}household-registry\\.events already holds \\d+ event\\(s\\): re-publishing would mix two histories`));
  });
});
