import { randomUUID } from 'node:crypto';
import { collectTopic, deleteTestTopics, dropTestSchemas, eventually, newRunId, query, testKafka, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../support/demo-commune';
import { request } from '../support/http';
import { activeProjectionSchema, startServices, type RunningService } from '../support/services';

// End to end through the real broker: registry HTTP -> outbox -> Kafka -> reporting projection.
const runId = newRunId();
const commune = '10001';
const otherCommune = '10002';
const admin = testToken({ sub: 'admin-10001', role: 'commune_admin', communes: [commune] });
const agent = testToken({ sub: 'agent-10001', role: 'field_agent', communes: [commune] });
const outsider = testToken({ sub: 'admin-10002', role: 'commune_admin', communes: [otherCommune] });
const provinceOfficer = testToken({ sub: 'officer-38', role: 'province_officer', province: '38' });

interface Report {
  totalHouseholds: number;
  villages: Array<{ villageCode: string; households: number }>;
}

describe('first vertical slice: household registered -> households per village', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;

  const report = (token = admin) => request<Report>('GET', `${reporting.url}/communes/${commune}/households-by-village`, token);
  const households = (village: string) => async () => {
    const { body } = await report();
    return body.villages?.find((v) => v.villageCode === village)?.households ?? 0;
  };

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1', 'THON-2']);
    await onboardCommune(registry.url, otherCommune, '39', ['THON-9']);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it('shows a registered household in the reporting projection and prints the latency', async () => {
    const started = Date.now();
    const created = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    expect(created.status).toBe(201);
    await eventually(async () => expect(await households('THON-1')()).toBe(1), { intervalMs: 10 });
    const latencyMs = Date.now() - started;
    process.stdout.write(`write-to-projection latency: ${latencyMs} ms\n`);
    expect(latencyMs).toBeLessThan(20000);
    const { body } = await report();
    expect(body.totalHouseholds).toBe(1);
  });

  it('rejects an invalid household with 400 and the failing fields, writing nothing and publishing nothing', async () => {
    const [{ count: before }] = await query<{ count: number }>(`select count(*)::int as count from "${registry.schema}".outbox`);
    const response = await request<{ fields: Array<{ field: string }> }>('POST', `${registry.url}/households`, agent, {
      communeCode: commune,
      villageCode: 'thôn 1',
      address: '',
      headName: 42,
      smartDevices: -1,
      unexpected: true,
    });
    expect(response.status).toBe(400);
    expect([...new Set(response.body.fields.map((f) => f.field))].sort()).toEqual(['address', 'headName', 'smartDevices', 'unexpected', 'villageCode']);
    const [{ count: after }] = await query<{ count: number }>(`select count(*)::int as count from "${registry.schema}".outbox`);
    const [{ count: rows }] = await query<{ count: number }>(`select count(*)::int as count from "${registry.schema}".households where head_name <> 'Nguyễn Văn An'`);
    expect(after).toBe(before);
    expect(rows).toBe(0);
  });

  it('answers malformed JSON and unknown villages with clear errors and no stack trace', async () => {
    const malformed = await request<{ message: string; stack?: string }>('POST', `${registry.url}/households`, agent, '{"communeCode": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toBe('Request body is not valid JSON');
    const unknownVillage = await request<{ fields: Array<{ field: string }> }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-404'));
    expect(unknownVillage.status).toBe(422);
    expect(unknownVillage.body.fields[0].field).toBe('villageCode');
    expect(JSON.stringify(unknownVillage.body)).not.toMatch(/at .*\.js:\d+/);
    const oversize = await request<{ message: string }>('POST', `${registry.url}/households`, agent, { ...householdBody(commune, 'THON-1'), address: 'x'.repeat(1_100_000) });
    expect(oversize.status).toBe(413);
    expect(oversize.body.message).toBe('Request body is too large');
  });

  it('requires a valid token (401) and refuses another commune’s token (403)', async () => {
    expect((await request('POST', `${registry.url}/households`, undefined, householdBody(commune, 'THON-1'))).status).toBe(401);
    expect((await request('POST', `${registry.url}/households`, 'not-a-jwt', householdBody(commune, 'THON-1'))).status).toBe(401);
    expect((await request('POST', `${registry.url}/households`, outsider, householdBody(commune, 'THON-1'))).status).toBe(403);
    expect((await request('POST', `${registry.url}/households`, provinceOfficer, householdBody(commune, 'THON-1'))).status).toBe(403);
    expect((await request('GET', `${reporting.url}/communes/${commune}/households-by-village`)).status).toBe(401);
    expect((await report(outsider)).status).toBe(404);
    expect((await report(provinceOfficer)).status).toBe(200);
  });

  it('counts an event delivered twice once', async () => {
    const created = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-2'));
    expect(created.status).toBe(201);
    await eventually(async () => expect(await households('THON-2')()).toBe(1));
    // Redeliver the very same event (as a relay crash before marking it sent would).
    const topic = `t-${runId}.household-registry.events`;
    const reader = await collectTopic(topic, `t-${runId}.probe-${randomUUID()}`);
    const original = await eventually(() => {
      const found = reader.messages.find((m) => m.message.key?.toString() === created.body.id);
      expect(found).toBeDefined();
      return found!.message;
    });
    await reader.stop();
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: original.key, value: original.value, headers: original.headers }] });
    await producer.disconnect();
    // A later household in the same village is the barrier: once it counts, the duplicate was seen.
    const barrier = await request('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-2'));
    expect(barrier.status).toBe(201);
    await eventually(async () => expect(await households('THON-2')()).toBe(2));
    const [{ count }] = await query<{ count: number }>(`select count(*)::int as count from (select unnest(event_ids) as id from "${await activeProjectionSchema(reporting)}".applied_batches) applied where id = $1`, [original.headers!.ce_id!.toString()]);
    expect(count).toBe(1);
  });

  it('dead-letters a poison event and keeps the partition flowing', async () => {
    const topic = `t-${runId}.household-registry.events`;
    const producer = testKafka().producer();
    await producer.connect();
    const key = randomUUID();
    await producer.send({ topic, messages: [{ key, value: JSON.stringify({ specversion: '1.0', id: randomUUID(), type: 'vn.dtc.registry.household.registered.v1', data: {} }) }] });
    await producer.disconnect();
    const created = await request('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    expect(created.status).toBe(201);
    await eventually(async () => expect(await households('THON-1')()).toBe(2));
    const dead = await collectTopic(`t-${runId}.dead-letter.reporting-projections`, `t-${runId}.dlt-${randomUUID()}`);
    try {
      await eventually(() => {
        const found = dead.messages.find((m) => m.message.key?.toString() === key);
        expect(found?.message.headers?.['dlt-error']?.toString()).toMatch(/invalid/);
      });
    } finally {
      await dead.stop();
    }
  });

  it('moves the count when a household moves to another village', async () => {
    const before = { one: await households('THON-1')(), two: await households('THON-2')() };
    const created = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    await eventually(async () => expect(await households('THON-1')()).toBe(before.one + 1));
    const moved = await request('POST', `${registry.url}/households/${created.body.id}/move`, agent, { version: 1, villageCode: 'THON-2' });
    expect(moved.status).toBe(200);
    await eventually(async () => expect([await households('THON-1')(), await households('THON-2')()]).toEqual([before.one, before.two + 1]));
  });

  it('serves health, Prometheus metrics and OpenAPI docs', async () => {
    for (const service of [registry, reporting]) {
      const health = await request<{ status: string; checks: Record<string, unknown> }>('GET', `${service.url}/health`);
      expect(health.status).toBe(200);
      expect(Object.keys(health.body.checks).sort()).toEqual(['database', 'kafka', 'redis']);
      const docs = await request<{ paths: Record<string, unknown> }>('GET', `${service.url}/docs-json`);
      expect(Object.keys(docs.body.paths)).toContain('/health');
    }
    const registryMetrics = await request<string>('GET', `${registry.url}/metrics`);
    expect(registryMetrics.body).toMatch(/^outbox_backlog\{service="household-registry"\} 0$/m);
    // Every SQL statement is counted (what the benchmark divides by events): the writes above sent some.
    expect(Number(/^db_statements_total\{service="household-registry"\} (\d+)$/m.exec(registryMetrics.body)?.[1])).toBeGreaterThan(0);
    const reportingMetrics = await request<string>('GET', `${reporting.url}/metrics`);
    expect(reportingMetrics.body).toMatch(/kafka_consumer_lag\{.*group="t-.*reporting-projections"/);
    expect(reportingMetrics.body).toMatch(/events_applied_total\{consumer="reporting-projections",service="reporting"\} [1-9]/);
    const docs = await request<{ paths: Record<string, unknown> }>('GET', `${registry.url}/docs-json`);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/households', '/communes', '/communes/{code}/villages']));
  });

  it('serves the AsyncAPI document for its topic prefix without a token, outside the OpenAPI document', async () => {
    for (const service of [registry, reporting]) {
      const asyncApi = await request<{ asyncapi: string; channels: Record<string, { address: string }> }>('GET', `${service.url}/asyncapi.json`);
      expect(asyncApi.status).toBe(200);
      expect(asyncApi.body.asyncapi).toBe('3.0.0');
      expect(asyncApi.body.channels['household-registry_events'].address).toBe(`t-${runId}.household-registry.events`);
    }
    const docs = await request<{ paths: Record<string, unknown> }>('GET', `${registry.url}/docs-json`);
    expect(Object.keys(docs.body.paths)).not.toContain('/asyncapi.json');
  });
});
