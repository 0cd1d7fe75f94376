import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays, vietnamToday } from '@dtc/platform';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, TEST_JWT_SECRET, testKafka, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { runOpsCli, type CliRun } from '../../support/ops-cli';
import { activeProjectionSchema, startServices, type RunningService } from '../../support/services';

// The operator's one CLI (npm run ops -- ...) run as a process against real services of an
// isolated run: onboarding a commune (and again, idempotently), tokens, bad arguments, rebuild.
const runId = newRunId();
const COMMUNE = '31001';
const OTHER_COMMUNE = '31002';
const PROVINCE = '31';
const vietnamDay = (offsetDays: number) => addDays(vietnamToday(), offsetDays);
const TODAY = vietnamDay(0);
const STARTS_ON = vietnamDay(-10);
const ENDS_ON = vietnamDay(30);
const CSV_VILLAGES = Array.from({ length: 12 }, (_, i) => ({ code: `XOM-${i + 1}`, name: i === 0 ? 'Xóm Bãi, Đồng 3' : `Xóm ${i + 1}` }));
const FLAG_VILLAGES = [
  { code: 'THON-1', name: 'Thôn Đông Hòa' },
  { code: 'THON-2', name: 'Thôn Đông Phú' },
];
const ALL_CODES = [...CSV_VILLAGES, ...FLAG_VILLAGES].map((v) => v.code).sort();

interface Campaign {
  id: string;
  name: string;
  communeCode: string | null;
  startsOn: string;
  endsOn: string;
  targets: Array<{ indicatorCode: string; targetCount: number | null; sharePercent: number | null; population: string | null }>;
}

/** A port nothing listens on: one the system just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Distinct events (by id) in the run's projected topics, read from the beginning up to their end
 * offsets as they are now: what a complete rebuild must apply (a republished event counts once).
 */
async function distinctEventsInTopics(prefix: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = ['household-registry.events', 'enrollment.events', 'training.events'].map((stream) => `${prefix}${stream}`).filter((topic) => existing.has(topic));
    const ids = new Set<string>();
    for (const topic of topics) {
      const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > Number(p.low));
      const reader = await collectTopic(topic, `${topic}.ops-cli-count`);
      try {
        // The producers are not transactional: each partition's last message sits at high - 1.
        await eventually(async () => {
          for (const end of ends) expect(reader.messages.some((m) => m.partition === end.partition && Number(m.message.offset) >= Number(end.high) - 1)).toBe(true);
        }, { timeoutMs: 30000, intervalMs: 200 });
      } finally {
        await reader.stop();
      }
      for (const { message } of reader.messages) ids.add((JSON.parse(message.value!.toString()) as { id: string }).id);
    }
    return ids.size;
  } finally {
    await admin.disconnect();
  }
}

/** Exit code 0, or the CLI's own message in the failure. */
function succeeded(run: CliRun): void {
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
}

/** The token table row of one subject: `role  subject  token`. */
function tokenOf(run: CliRun, subject: string): string {
  const match = new RegExp(`^\\S+\\s+${subject}\\s+(\\S+)$`, 'm').exec(run.stdout);
  if (!match) throw new Error(`no token for ${subject} in:\n${run.stdout}`);
  return match[1];
}

describe('operations CLI (npm run ops -- ...)', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  let files: string;
  let env: NodeJS.ProcessEnv;
  const ops = (...args: string[]) => runOpsCli(args, env);
  const operations = testToken({ sub: 'ops-e2e', role: 'operations' });
  const villagesOf = async (commune: string) => (await request<Array<{ code: string; name: string }>>('GET', `${registry.url}/communes/${commune}/villages`, operations)).body;
  const campaignsOf = async (commune: string) => (await request<Campaign[]>('GET', `${reporting.url}/campaigns?communeCode=${commune}`, operations)).body.filter((c) => c.communeCode === commune);
  /** Registry writes audited to the CLI's operations token, by action. */
  const cliWrites = async () => {
    const audit = await request<{ items: Array<{ action: string }>; total: number }>('GET', `${registry.url}/audit?communeCode=${COMMUNE}&actor=ops-cli&pageSize=100`, operations);
    return audit.body.items.reduce<Record<string, number>>((counts, entry) => ({ ...counts, [entry.action]: (counts[entry.action] ?? 0) + 1 }), {});
  };
  const onboardArgs = () => [
    'onboard-commune',
    ...['--code', COMMUNE, '--name', 'Xã Đông Hòa', '--province', PROVINCE, '--province-name', 'Tỉnh Thử Nghiệm'],
    ...FLAG_VILLAGES.flatMap((v) => ['--village', `${v.code}=${v.name}`]),
    ...['--villages-file', path.join(files, 'villages.csv')],
    ...['--campaign', 'Chiến dịch 40 ngày', '--starts-on', STARTS_ON, '--ends-on', ENDS_ON],
    ...['--target', 'residents_trained=150', '--targets-file', path.join(files, 'targets.json')],
    ...['--field-agents', '2'],
  ];

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    files = mkdtempSync(path.join(tmpdir(), 'ops-cli-'));
    const quote = (text: string) => (text.includes(',') ? `"${text}"` : text);
    writeFileSync(path.join(files, 'villages.csv'), `\uFEFFcode,name\n${CSV_VILLAGES.map((v) => `${v.code},${quote(v.name)}`).join('\n')}\n`);
    writeFileSync(path.join(files, 'targets.json'), JSON.stringify([{ indicatorCode: 'ehealth_book_activated', sharePercent: 30, population: 'residents' }]));
    env = {
      REGISTRY_URL: registry.url,
      REPORTING_URL: reporting.url,
      JWT_SECRET: TEST_JWT_SECRET,
      TOPIC_PREFIX: `t-${runId}.`,
      DATABASE_SCHEMA: reporting.schema,
    };
    await onboardCommune(registry.url, OTHER_COMMUNE, PROVINCE, ['THON-9']);
  });

  afterAll(async () => {
    await stop?.();
    if (files) rmSync(files, { recursive: true, force: true });
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('lists every command with its summary and options', async () => {
    const help = await ops('help');
    expect(help.code).toBe(0);
    for (const command of ['onboard-commune', 'token', 'outbox', 'consumers', 'dead-letters', 'rebuild', 'help']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\s+\\S`, 'm'));
    expect(help.stdout).toContain('--villages-file PATH');
    expect(help.stdout).toContain('usage: npm run ops -- dead-letters list|replay [--consumer NAME]');
  });

  it('onboards a commune with villages from flags and a CSV file, its campaign targets and its tokens', async () => {
    const run = await ops(...onboardArgs());
    succeeded(run);
    expect(run.stdout).toMatch(/^commune\s+31001 Xã Đông Hòa \(province 31 Tỉnh Thử Nghiệm\)\s+created$/m);
    expect(run.stdout).toMatch(/^villages\s+14 given\s+14 created$/m);
    expect(run.stdout).toMatch(/^campaign\s+"Chiến dịch 40 ngày" \S+\s+created with 2 target\(s\)$/m);
    expect(run.stdout).toContain('created: commune 31001, 14 village(s), campaign "Chiến dịch 40 ngày"');
    expect(run.stdout).toContain('already there: nothing');
    // Fourteen villages to create: the operator sees a progress bar.
    expect(run.stderr).toMatch(/villages \[#+\.*\]/);

    // In the registry, through its API: the commune, and every village with its name.
    const commune = await request<{ name: string; provinceCode: string }>('GET', `${registry.url}/communes/${COMMUNE}`, operations);
    expect(commune.body).toMatchObject({ name: 'Xã Đông Hòa', provinceCode: PROVINCE });
    const villages = await villagesOf(COMMUNE);
    expect(villages.map((v) => v.code).sort()).toEqual(ALL_CODES);
    expect(villages.find((v) => v.code === 'XOM-1')?.name).toBe('Xóm Bãi, Đồng 3');
    // Written through the API as the CLI's operations token: one audit entry per commune and village.
    expect(await cliWrites()).toEqual({ onboard: 1, add: ALL_CODES.length });

    // In reporting: one campaign of the commune with the flag target and the file target.
    const [campaign, ...others] = await campaignsOf(COMMUNE);
    expect(others).toEqual([]);
    expect(campaign).toMatchObject({ name: 'Chiến dịch 40 ngày', startsOn: STARTS_ON, endsOn: ENDS_ON });
    expect(campaign.targets).toEqual([
      expect.objectContaining({ indicatorCode: 'residents_trained', targetCount: 150 }),
      expect.objectContaining({ indicatorCode: 'ehealth_book_activated', sharePercent: 30, population: 'residents' }),
    ]);

    // The printed commune admin token works in its commune and nowhere else.
    const admin = tokenOf(run, `commune-admin-${COMMUNE}`);
    expect((await request('GET', `${registry.url}/communes/${COMMUNE}/villages`, admin)).status).toBe(200);
    expect((await request('POST', `${registry.url}/households`, admin, householdBody(COMMUNE, 'THON-1'))).status).toBe(201);
    expect((await request('GET', `${registry.url}/communes/${OTHER_COMMUNE}`, admin)).status).toBe(403);
    expect((await request('POST', `${registry.url}/households`, admin, householdBody(OTHER_COMMUNE, 'THON-9'))).status).toBe(403);
    // So do the field agents' tokens, as field agents.
    const agent = tokenOf(run, `field-agent-${COMMUNE}-2`);
    expect((await request('POST', `${registry.url}/households`, agent, householdBody(COMMUNE, 'XOM-1'))).status).toBe(201);
    expect((await request('POST', `${registry.url}/communes/${COMMUNE}/villages`, agent, { code: 'THON-X', name: 'Thôn X' })).status).toBe(403);
    expect(run.stdout).toContain(`console (commune official): ${reporting.url}/dashboard#token=${admin}`);
  });

  it('is idempotent: run again, it says everything is already there and duplicates nothing', async () => {
    const run = await ops(...onboardArgs());
    succeeded(run);
    expect(run.stdout).toMatch(/^commune\s+31001 .*\s+already there$/m);
    expect(run.stdout).toMatch(/^villages\s+14 given\s+14 already there \(/m);
    expect(run.stdout).toMatch(/^campaign\s+.*already there, window and targets unchanged$/m);
    expect(run.stdout).toContain('created: nothing');
    expect(run.stdout).toContain('already there: commune 31001, 14 village(s), campaign "Chiến dịch 40 ngày"');
    expect(run.stderr).not.toMatch(/villages \[/);
    // Tokens are minted again (that is what an operator reruns it for, too).
    expect(tokenOf(run, `commune-admin-${COMMUNE}`)).toMatch(/^ey/);

    expect((await villagesOf(COMMUNE)).map((v) => v.code).sort()).toEqual(ALL_CODES);
    expect(await campaignsOf(COMMUNE)).toHaveLength(1);
    expect(await cliWrites()).toEqual({ onboard: 1, add: ALL_CODES.length });
  });

  it('on an existing commune still does the remaining steps: a new village (from JSON) and changed targets', async () => {
    writeFileSync(path.join(files, 'more.json'), JSON.stringify({ villages: [{ code: 'BAN-1', name: 'Bản Khe Nước' }] }));
    const run = await ops(
      'onboard-commune',
      ...['--code', COMMUNE, '--villages-file', path.join(files, 'more.json'), '--village', 'THON-1=Thôn Đông Hòa'],
      ...['--campaign', 'Chiến dịch 40 ngày', '--starts-on', STARTS_ON, '--ends-on', ENDS_ON, '--target', 'residents_trained=200'],
    );
    succeeded(run);
    expect(run.stdout).toMatch(/^commune\s+31001 .*\s+already there$/m);
    expect(run.stdout).toMatch(/^villages\s+2 given\s+1 created, 1 already there \(THON-1\)$/m);
    expect(run.stdout).toContain('updated: campaign "Chiến dịch 40 ngày"');
    expect((await villagesOf(COMMUNE)).map((v) => v.code)).toContain('BAN-1');
    expect(await cliWrites()).toEqual({ onboard: 1, add: ALL_CODES.length + 1 });
    const [campaign, ...others] = await campaignsOf(COMMUNE);
    expect(others).toEqual([]);
    expect(campaign.targets).toEqual([expect.objectContaining({ indicatorCode: 'residents_trained', targetCount: 200 })]);
  });

  it('answers bad arguments with the option, the reason and the usage, exit code 2, and creates nothing', async () => {
    const role = await ops('token', '--role', 'mayor', '--commune', COMMUNE);
    expect(role.code).toBe(2);
    expect(role.stdout).toBe('');
    expect(role.stderr).toContain('ops token: --role must be one of field_agent, commune_admin, province_officer, integrator, operations (got "mayor")');
    expect(role.stderr).toContain('usage: npm run ops -- token --role ROLE');

    const scope = await ops('token', '--role', 'commune_admin');
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain('a commune_admin token needs --commune');
    // Scope claims follow the role: a field agent with a province would reach the whole province.
    const mixed = await ops('token', '--role', 'field_agent', '--commune', COMMUNE, '--province', PROVINCE);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toContain('a field_agent token carries communes only, never a province');
    const officerWithCommune = await ops('token', '--role', 'province_officer', '--commune', COMMUNE, '--province', PROVINCE);
    expect(officerWithCommune.code).toBe(2);
    expect(officerWithCommune.stderr).toContain('a province_officer token carries one province, never communes');

    const typo = await ops('token', '--role', 'commune_admin', '--comune', COMMUNE);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --comune (did you mean --commune?)');

    writeFileSync(path.join(files, 'bad.csv'), 'code,name\nTHON-7,Thôn 7\nthon 8,Thôn 8\n');
    const village = await ops('onboard-commune', '--code', '31003', '--name', 'Xã Mới', '--province', PROVINCE, '--province-name', 'Tỉnh', '--villages-file', path.join(files, 'bad.csv'));
    expect(village.code).toBe(2);
    expect(village.stderr).toContain(`--villages-file ${path.join(files, 'bad.csv')} line 3: village code "thon 8" must be 1-32 upper-case letters, digits or dashes`);
    const missing = await ops('onboard-commune', '--code', '31003', '--village', 'THON-7=Thôn 7');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('commune 31003 is not in the registry yet: creating it needs --name, --province, --province-name');
    expect((await request('GET', `${registry.url}/communes/31003`, operations)).status).toBe(404);

    // A good token from the same command works.
    const good = await ops('token', '--role', 'commune_admin', '--commune', OTHER_COMMUNE, '--sub', 'admin-31002');
    succeeded(good);
    expect((await request('GET', `${registry.url}/communes/${OTHER_COMMUNE}/villages`, good.stdout.trim())).status).toBe(200);
  });

  it('reports an unexpected failure in one line with exit code 1, without a stack trace', async () => {
    const closed = await closedPort();
    const run = await runOpsCli(['onboard-commune', '--code', COMMUNE], { ...env, REGISTRY_URL: `http://127.0.0.1:${closed}` });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([`ops onboard-commune failed: cannot reach the household registry at http://127.0.0.1:${closed} (ECONNREFUSED); is it running? (set its URL in the environment)`]);
  });

  it('rebuilds the projections into a new generation that answers the same figures', async () => {
    const admin = testToken({ sub: 'admin-31001', role: 'commune_admin', communes: [COMMUNE] });
    const [campaign] = await campaignsOf(COMMUNE);
    const read = async (route: string) => {
      const answer = await request('GET', `${reporting.url}${route}`, admin);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const figures = async () => ({
      // The figures, not how fresh they are: the rebuilt generation has its own stream heads.
      households: await read(`/communes/${COMMUNE}/households-by-village`).then((body) => ({ ...(body as object), dataAsOf: undefined })),
      progress: await read(`/campaigns/${campaign.id}/progress?asOf=${TODAY}`).then((body) => ({ ...(body as object), dataAsOf: undefined })),
    });
    // Both households registered above have reached the live projection, and the outbox is empty.
    await eventually(async () => expect((await figures()).households).toMatchObject({ totalHouseholds: 2 }), { timeoutMs: 30000, intervalMs: 200 });
    await eventually(async () => expect((await ops('outbox', '--schemas', registry.schema)).stdout).toMatch(new RegExp(`^${registry.schema}\\s+\\d+\\s+0\\s+-`, 'm')), { timeoutMs: 30000, intervalMs: 500 });
    const before = await figures();
    const live = await activeProjectionSchema(reporting);
    // Counted from the topics themselves: whatever the services publish (communes, villages,
    // households, announcements), the rebuild must apply every event, no fewer.
    const inTopics = await distinctEventsInTopics(env.TOPIC_PREFIX!);
    // Floor from what this test did: two communes, their 16 villages (14 + BAN-1 + THON-9), two households.
    expect(inTopics).toBeGreaterThanOrEqual(2 + (ALL_CODES.length + 2) + 2);

    const run = await ops('rebuild');
    succeeded(run);
    expect(run.stderr).toMatch(/rebuild \[#+\]/);
    const summary = /^rebuilt generation (\d+) \((\S+), was (\S+)\): ([\d,]+) events in [\d.]+ s, [\d,.]+ events\/s$/m.exec(run.stdout);
    expect(summary).not.toBeNull();
    const [, generation, schema, previous, events] = summary!;
    expect(previous).toBe(live);
    expect(schema).toBe(`${reporting.schema}_g${generation}`);
    expect(Number(events.replace(/,/g, ''))).toBe(inTopics);
    expect(await activeProjectionSchema(reporting)).toBe(schema);
    expect(await figures()).toEqual(before);
  });
});
