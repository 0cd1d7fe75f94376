import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addDays, vietnamMonth, vietnamToday } from '@dtc/platform';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, TEST_JWT_SECRET, testToken } from '@dtc/testkit';
import { launchChromium } from '../../support/browser';
import { startGateway } from '../../support/gateway';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// `npm start`'s demo load against the four running services, as start.js runs it. npm test also
// runs it with the process clock at the end of a month and of a year after 17:00 UTC, when the
// Vietnam day (and month, and year) is already the next one.
const runId = newRunId();
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const webRoot = path.join(repoRoot, 'dist', 'web');
const COMMUNE = '16279';
const admin = testToken({ sub: 'demo-check-admin', role: 'commune_admin', communes: [COMMUNE] });

function loadDemo(urls: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', './tools/runtime/register.js', 'tools/start/demo-data.ts', ...urls], { cwd: repoRoot, env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the demo commune npm start loads', () => {
  let services: Record<string, RunningService>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ services, stop } = await startServices(runId, ['household-registry', 'enrollment', 'training', 'reporting']));
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('loads at any hour, with campaigns and the month value on Vietnam days', async () => {
    const urls = ['household-registry', 'enrollment', 'training', 'reporting'].map((name) => services[name].url);
    const first = await loadDemo(urls);
    expect({ code: first.code, output: first.output }).toEqual({ code: 0, output: expect.stringContaining(`demo commune ${COMMUNE} (Xã Đông Tiến, Thanh Hóa): 6 villages, 165 households`) });

    const campaigns = await request<Array<{ id: string; scope: string; startsOn: string; endsOn: string; provinceCode: string }>>('GET', `${services.reporting.url}/campaigns?communeCode=${COMMUNE}`, admin);
    expect(campaigns.body.map((c) => [c.scope, c.provinceCode, c.startsOn, c.endsOn]).sort()).toEqual([
      ['commune', '38', addDays(vietnamToday(), -30), addDays(vietnamToday(), 15)],
      ['province', '38', addDays(vietnamToday(), -30), addDays(vietnamToday(), 15)],
    ]);
    const values = await request<Array<{ indicatorCode: string; period: string; value: number }>>('GET', `${services.reporting.url}/communes/${COMMUNE}/indicator-values`, admin);
    expect(values.body).toEqual([expect.objectContaining({ indicatorCode: 'online_application_share', period: vietnamMonth(), value: 72.5 })]);
    // The console's review queue has a likely duplicate: a resident registered again without diacritics.
    const flags = await request<{ items: Array<{ reason: string }> }>('GET', `${services['household-registry'].url}/duplicate-flags?communeCode=${COMMUNE}`, admin);
    expect(flags.body.items).toEqual([expect.objectContaining({ reason: expect.stringMatching(/name/) })]);

    // Issue 17: the demo shows a commune with micro-plans (one reassigned mid-campaign), work
    // lists with items returned on review, and a commendation list with team names.
    const plans = await request<Array<{ version: number; teamId: string }>>('GET', `${services.training.url}/plans?communeCode=${COMMUNE}`, admin);
    expect(plans.body).toHaveLength(5);
    expect(plans.body.filter((plan) => plan.version === 2)).toHaveLength(1);
    await eventually(async () => {
      const returned = await request<{ items: Array<{ todos: string[]; visit: { status: string; returnedReason: string | null } }> }>('GET', `${services['household-registry'].url}/work-list?communeCode=${COMMUNE}&status=returned&limit=500`, admin);
      expect(returned.status).toBe(200);
      const visits = returned.body.items.filter((item) => item.todos.includes('returned_visit'));
      const steps = returned.body.items.filter((item) => item.todos.includes('returned_step'));
      expect({ visits: visits.length > 0, steps: steps.length > 0, all: returned.body.items.length === new Set([...visits, ...steps]).size }).toEqual({ visits: true, steps: true, all: true });
      for (const item of visits) expect(item.visit).toEqual(expect.objectContaining({ status: 'returned', returnedReason: expect.any(String) }));
    });
    // The console's review lists the same per member: every returned visit and step names who recorded it.
    const returnedVisits = await request<{ items: Array<{ memberId: string | null; reason: string | null }> }>('GET', `${services['household-registry'].url}/visits/returned?communeCode=${COMMUNE}`, admin);
    const returnedSteps = await request<{ items: Array<{ memberId: string | null; reason: string | null }> }>('GET', `${services.enrollment.url}/enrollments/returned?communeCode=${COMMUNE}`, admin);
    expect({ visits: returnedVisits.body.items.length > 0, steps: returnedSteps.body.items.length > 0 }).toEqual({ visits: true, steps: true });
    for (const item of [...returnedVisits.body.items, ...returnedSteps.body.items]) expect(item).toEqual(expect.objectContaining({ memberId: expect.any(String), reason: expect.any(String) }));
    await eventually(async () => {
      const window = `from=${addDays(vietnamToday(), -30)}&to=${vietnamToday()}`;
      const commendations = await request<{ teams: Array<{ teamName: string | null; householdsVisited: number }> }>('GET', `${services.reporting.url}/communes/${COMMUNE}/commendations?${window}`, admin);
      expect(commendations.status).toBe(200);
      expect(commendations.body.teams.length).toBeGreaterThan(0);
      expect(commendations.body.teams[0]).toEqual(expect.objectContaining({ teamName: expect.stringMatching(/^Tổ /), householdsVisited: expect.any(Number) }));
      expect(commendations.body.teams[0].householdsVisited).toBeGreaterThan(0);
    });

    // The commune campaign counts the people and households the teams actually helped, and each
    // public-service app on its own (indicators narrowed to the enrollment's detail).
    const communeCampaign = campaigns.body.find((c) => c.scope === 'commune')!;
    await eventually(async () => {
      const progress = await request<{ indicators: Array<{ code: string; achieved: number | null }>; dataAsOf: { streams: unknown[] } }>('GET', `${services.reporting.url}/campaigns/${communeCampaign.id}/progress?communeCode=${COMMUNE}`, admin);
      expect(progress.status).toBe(200);
      const achieved = (code: string) => progress.body.indicators.find((indicator) => indicator.code === code)?.achieved ?? 0;
      expect(achieved('residents_supported_directly')).toBeGreaterThan(0);
      expect(achieved('etax_mobile_set_up')).toBeGreaterThan(0);
      expect(achieved('thanhhoas_set_up')).toBeGreaterThan(0);
      expect(achieved('etax_mobile_set_up') + achieved('thanhhoas_set_up')).toBeLessThan(achieved('residents_supported_directly'));
      expect(progress.body.dataAsOf.streams).toHaveLength(3);
    });

    // Loading again changes nothing and still succeeds.
    const again = await loadDemo(urls);
    expect({ code: again.code, output: again.output }).toEqual({ code: 0, output: expect.stringContaining('already loaded') });
    expect((await request<unknown[]>('GET', `${services.reporting.url}/campaigns?communeCode=${COMMUNE}`, admin)).body).toHaveLength(2);
    // Two full demo loads (about 95 s alone) take longer than the default while the rest of the
    // suite runs beside them on two cores.
  }, 360_000);

  // Issue 20: the console's coverage map draws the demo commune's households, every located one,
  // and labels its villages, on the empty base a machine without a tile server has.
  it("draws the demo commune's households and villages on the console's map", async () => {
    if (!fs.existsSync(path.join(webRoot, 'console', 'index.html'))) throw new Error('dist/web/console is missing: run npm run build:web (npm test does)');
    const campaigns = await request<Array<{ id: string; scope: string }>>('GET', `${services.reporting.url}/campaigns?communeCode=${COMMUNE}`, admin);
    const communeCampaign = campaigns.body.find((campaign) => campaign.scope === 'commune');
    expect(communeCampaign).toBeDefined();
    const map = await request<{ households: unknown[]; villages: Array<{ name: string; centre?: unknown }> }>('GET', `${services['household-registry'].url}/communes/${COMMUNE}/household-map`, admin);
    const labelled = map.body.villages.filter((village) => village.centre).map((village) => village.name);
    // The demo places its households: the map has something to draw, as npm start shows.
    expect({ manyHouseholds: map.body.households.length > 100, villages: labelled.length }).toEqual({ manyHouseholds: true, villages: 6 });

    const gateway = await startGateway({
      port: 0,
      upstreams: { registry: services['household-registry'].url, enrollment: services.enrollment.url, training: services.training.url, reporting: services.reporting.url },
      webRoot,
      log: () => undefined,
    });
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' })).newPage();
      await page.goto(`${gateway.url}/console/?campaign=${communeCampaign!.id}#token=${admin}`);
      const drawn = page.getByTestId('coverage-map');
      await drawn.locator('path.household').nth(map.body.households.length - 1).waitFor();
      expect(await drawn.locator('path.household').count()).toBe(map.body.households.length);
      expect((await drawn.locator('.village-label').allTextContents()).sort()).toEqual([...labelled].sort());
    } finally {
      await browser.close();
      await gateway.close();
    }
  }, 180_000);
});
