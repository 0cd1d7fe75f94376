import { randomUUID } from 'node:crypto';
import { vietnamToday } from '@dtc/platform';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, testKafka, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// Registry -> enrollment -> reporting through the real broker: the enrollment funnel projection.
const runId = newRunId();
const commune = '60001';
const agent = testToken({ sub: 'agent-60001', role: 'field_agent', communes: [commune] });
const outsider = testToken({ sub: 'agent-60002', role: 'field_agent', communes: ['60002'] });

interface Funnel {
  steps: Array<{ state: string; reached: number }>;
  villages: Array<{ villageCode: string | null; steps: Array<{ state: string; reached: number }> }>;
}

describe('enrollment funnel projection', () => {
  let registry: RunningService;
  let enrollment: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  const residents: string[] = [];

  const funnel = async (query = '') => (await request<Funnel>('GET', `${reporting.url}/communes/${commune}/enrollment-funnel?serviceCode=vneid_level2${query}`, agent)).body;
  const steps = (f: Funnel) => Object.fromEntries(f.steps.map((s) => [s.state, s.reached]));

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, enrollment, reporting }, stop } = (await startServices(runId, ['household-registry', 'enrollment', 'reporting'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1']);
    const household = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    for (let i = 0; i < 3; i += 1) {
      const resident = await request<{ id: string }>('POST', `${registry.url}/residents`, agent, {
        householdId: household.body.id,
        fullName: `Người ${i}`,
        dateOfBirth: `198${i}-01-01`,
        sex: 'male',
        ethnicity: 'Kinh',
        relationshipToHead: 'other_relative',
      });
      residents.push(resident.body.id);
    }
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('counts each state an enrollment reached, in lifecycle order, by the day it happened, once', async () => {
    const opened: string[] = [];
    for (const [index, residentId] of residents.entries()) {
      // The first happened offline five days ago and arrives now.
      const occurredAt = index === 0 ? new Date(Date.now() - 5 * 86400000).toISOString() : undefined;
      const response = await request<{ id: string; validation: string }>('POST', `${enrollment.url}/enrollments`, agent, { communeCode: commune, serviceCode: 'vneid_level2', residentId, occurredAt });
      opened.push(response.body.id);
    }
    await eventually(async () => {
      for (const id of opened) expect((await request<{ validation: string }>('GET', `${enrollment.url}/enrollments/${id}`, agent)).body.validation).toBe('valid');
    });
    await request('POST', `${enrollment.url}/enrollments/${opened[0]}/transitions`, agent, { to: 'issued' });
    await request('POST', `${enrollment.url}/enrollments/${opened[0]}/transitions`, agent, { to: 'activated' });
    await request('POST', `${enrollment.url}/enrollments/${opened[1]}/transitions`, agent, { to: 'issued' });
    await request('POST', `${enrollment.url}/enrollments/${opened[2]}/transitions`, agent, { to: 'rejected', reason: 'Sai thông tin' });

    await eventually(async () => expect(steps(await funnel())).toEqual({ registered: 3, issued: 2, activated: 1, rejected: 1 }));
    expect((await funnel()).steps.map((s) => s.state)).toEqual(['registered', 'issued', 'activated', 'rejected']);
    expect((await funnel()).villages.map((v) => v.villageCode)).toEqual(['THON-1']);

    const today = vietnamToday();
    expect(steps(await funnel(`&from=${today}`))).toEqual({ registered: 2, issued: 2, activated: 1, rejected: 1 });

    // The same events delivered again are counted once.
    const topic = `t-${runId}.enrollment.events`;
    const reader = await collectTopic(topic, `t-${runId}.probe-${randomUUID()}`);
    const originals = await eventually(() => {
      const mine = reader.messages.filter((m) => m.message.key?.toString() === opened[0]);
      expect(mine).toHaveLength(3);
      return mine;
    });
    await reader.stop();
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: originals.map(({ message }) => ({ key: message.key, value: message.value, headers: message.headers })) });
    await producer.disconnect();
    // Once reporting has seen the copies (its duplicate counter moved), the figures must not have.
    await eventually(async () => {
      const metrics = (await request<string>('GET', `${reporting.url}/metrics`)).body;
      const skipped = Number(/events_duplicates_total\{consumer="reporting-projections",service="reporting"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      expect(skipped).toBeGreaterThanOrEqual(3);
    });
    expect(steps(await funnel())).toEqual({ registered: 3, issued: 2, activated: 1, rejected: 1 });
    expect((await request('GET', `${reporting.url}/communes/${commune}/enrollment-funnel?serviceCode=vneid_level2`, outsider)).status).toBe(404);
    expect((await request('GET', `${reporting.url}/communes/${commune}/enrollment-funnel?serviceCode=Bad!`, agent)).status).toBe(400);
  });
});
