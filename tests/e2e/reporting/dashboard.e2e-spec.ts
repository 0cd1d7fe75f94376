import { deleteTestTopics, dropTestSchemas, newRunId } from '@dtc/testkit';
import { request } from '../../support/http';
import { openApiGaps, type OpenApiDocument } from '../../support/openapi';
import { startServices, type RunningService } from '../../support/services';

// The live dashboard page moved into the console (apps/console, tests/e2e/console): its address
// stays, as a redirect, so links already shared (`/dashboard#token=…`) keep working. The reporting
// service's OpenAPI document is complete.
const runId = newRunId();
const CONSOLE_ELSEWHERE = 'https://dtc.example.gov.vn/console/';

describe('reporting: the old dashboard address and the OpenAPI document', () => {
  let reporting: RunningService;
  let elsewhere: RunningService;
  let stop: () => Promise<void>;
  let stopElsewhere: () => Promise<void>;

  beforeAll(async () => {
    ({ services: { reporting }, stop } = (await startServices(runId, ['reporting'])) as never);
    ({ services: { reporting: elsewhere }, stop: stopElsewhere } = (await startServices(runId, ['reporting'], { reporting: { CONSOLE_URL: CONSOLE_ELSEWHERE } })) as never);
  }, 120000);

  afterAll(async () => {
    await stopElsewhere?.();
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('redirects /dashboard to the console on the same origin, or to CONSOLE_URL where one is set', async () => {
    for (const [service, location] of [[reporting, '/console/'], [elsewhere, CONSOLE_ELSEWHERE]] as const) {
      const answer = await fetch(`${service.url}/dashboard`, { redirect: 'manual' });
      expect({ status: answer.status, location: answer.headers.get('location') }).toEqual({ status: 302, location });
      expect(await answer.text()).not.toMatch(/<script/i);
    }
  });

  it('documents every reporting endpoint with a summary and responses, and every schema field with an example', async () => {
    const gaps = openApiGaps((await request<OpenApiDocument>('GET', `${reporting.url}/docs-json`)).body);
    expect(gaps.operations).toBeGreaterThanOrEqual(18);
    expect([gaps.withoutSummary, gaps.withoutSuccess, gaps.withoutExample]).toEqual([[], [], []]);
  });
});
