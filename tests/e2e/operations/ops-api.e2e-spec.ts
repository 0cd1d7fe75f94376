import { randomUUID } from 'node:crypto';
import { deleteTestTopics, dropTestSchemas, eventually, newRunId, testKafka, testToken } from '@dtc/testkit';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';

// The operations page's endpoints (GET /ops/status, GET /ops/dead-letters/{consumer},
// POST /ops/dead-letters/{consumer}/replay) on the real registry and reporting services and the
// real broker: an outbox that drains, a poison event dead-lettered by reporting's projections,
// listed with its reason, replayed (and set aside again, since it is still poison); only an
// operations token may look or replay.
const runId = newRunId();
const COMMUNE = '32001';
const operations = testToken({ sub: 'ops-oncall', role: 'operations' });
const admin = testToken({ sub: 'admin-32001', role: 'commune_admin', communes: [COMMUNE] });
const officer = testToken({ sub: 'officer-32', role: 'province_officer', province: '32' });
const PROJECTIONS = 'reporting-projections';

interface ConsumerStatus {
  consumer: string;
  group: string;
  lag: number | null;
  partitions: Array<{ topic: string; partition: number; committed: number | null; end: number; lag: number }>;
  deadLetters: number | null;
  deadLettersWaiting: number | null;
}
interface OpsStatus {
  service: string;
  kafkaReachable: boolean;
  outbox?: { backlog: number; oldestUnpublishedSeconds: number | null; lastPublishedAt: string | null };
  consumers: ConsumerStatus[];
}
interface DeadLetters {
  consumer: string;
  topic: string;
  total: number;
  letters: Array<{ key: string | null; eventType: string | null; error: string; originalTopic: string; replayed: boolean }>;
}

describe('operations endpoints: status, dead letters, replay', () => {
  let registry: RunningService;
  let reporting: RunningService;
  let stop: () => Promise<void>;
  const poisonKey = randomUUID();
  const projections = async () => {
    const { status, body } = await request<OpsStatus>('GET', `${reporting.url}/ops/status`, operations);
    expect(status).toBe(200);
    return body.consumers.find((c) => c.consumer === PROJECTIONS)!;
  };

  beforeAll(async () => {
    ({ services: { 'household-registry': registry, reporting }, stop } = (await startServices(runId, ['household-registry', 'reporting'])) as never);
    await onboardCommune(registry.url, COMMUNE, '32', ['THON-1']);
  });

  afterAll(async () => {
    await stop?.();
    await dropTestSchemas(runId);
    await deleteTestTopics(runId);
  });

  it("reports the registry's drained outbox and reporting's consumers caught up", async () => {
    const created = await request('POST', `${registry.url}/households`, admin, householdBody(COMMUNE, 'THON-1'));
    expect(created.status).toBe(201);
    await eventually(async () => {
      const { body } = await request<OpsStatus>('GET', `${registry.url}/ops/status`, operations);
      expect(body.service).toBe('household-registry');
      expect(body.kafkaReachable).toBe(true);
      expect(body.outbox).toMatchObject({ backlog: 0, oldestUnpublishedSeconds: null });
      // Stamped by the database's clock, which the fixed-clock run does not move: only that it was published.
      expect(body.outbox!.lastPublishedAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/));
    });
    await eventually(async () => {
      const consumer = await projections();
      expect(consumer.group).toBe(`t-${runId}.${PROJECTIONS}`);
      expect(consumer.partitions.map((p) => p.topic)).toContain(`t-${runId}.household-registry.events`);
      expect(consumer.partitions.some((p) => p.end > 0 && p.committed === p.end)).toBe(true);
      expect(consumer.lag).toBe(0);
      expect(consumer).toMatchObject({ deadLetters: 0, deadLettersWaiting: 0 });
    });
    const { body } = await request<OpsStatus>('GET', `${reporting.url}/ops/status`, operations);
    expect(body.outbox).toBeUndefined();
  });

  it('counts a poison event as a dead letter waiting, lists it with its reason, and replays it once', async () => {
    const topic = `t-${runId}.household-registry.events`;
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: poisonKey, value: JSON.stringify({ specversion: '1.0', id: randomUUID(), type: 'vn.dtc.registry.household.registered.v1', data: {} }) }] });
    await producer.disconnect();
    await eventually(async () => expect(await projections()).toMatchObject({ deadLetters: 1, deadLettersWaiting: 1 }), { timeoutMs: 30_000, intervalMs: 250 });

    const listed = await request<DeadLetters>('GET', `${reporting.url}/ops/dead-letters/${PROJECTIONS}`, operations);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ consumer: PROJECTIONS, topic: `t-${runId}.dead-letter.${PROJECTIONS}`, total: 1 });
    expect(listed.body.letters[0]).toMatchObject({ key: poisonKey, eventType: 'vn.dtc.registry.household.registered.v1', originalTopic: topic, replayed: false });
    expect(listed.body.letters[0].error).toMatch(/invalid/);

    const replayed = await request<{ replayed: number }>('POST', `${reporting.url}/ops/dead-letters/${PROJECTIONS}/replay`, operations);
    expect(replayed.status).toBe(200);
    expect(replayed.body.replayed).toBe(1);
    // Still poison: it comes back as a new letter, and the first one is marked replayed.
    await eventually(async () => expect(await projections()).toMatchObject({ deadLetters: 2, deadLettersWaiting: 1 }), { timeoutMs: 30_000, intervalMs: 250 });
    const after = await request<DeadLetters>('GET', `${reporting.url}/ops/dead-letters/${PROJECTIONS}`, operations);
    expect(after.body.letters.map((l) => l.replayed).sort()).toEqual([false, true]);
    const again = await request<{ replayed: number }>('POST', `${reporting.url}/ops/dead-letters/${PROJECTIONS}/replay`, operations);
    expect(again.body.replayed).toBe(1);
  });

  it('answers 404 for a consumer the service does not run', async () => {
    const response = await request<{ message: string }>('GET', `${registry.url}/ops/dead-letters/${PROJECTIONS}`, operations);
    expect(response.status).toBe(404);
    expect(response.body.message).toContain(`runs no consumer named ${PROJECTIONS}`);
    const replay = await request('POST', `${reporting.url}/ops/dead-letters/nobody/replay`, operations);
    expect(replay.status).toBe(404);
  });

  it('refuses every other role and an anonymous caller, replaying nothing', async () => {
    const before = await projections();
    for (const token of [admin, officer, testToken({ sub: 'agent', role: 'field_agent', communes: [COMMUNE] }), testToken({ sub: 'feed', role: 'integrator', province: '32' })]) {
      expect((await request('GET', `${reporting.url}/ops/status`, token)).status).toBe(403);
      expect((await request('GET', `${reporting.url}/ops/dead-letters/${PROJECTIONS}`, token)).status).toBe(403);
      expect((await request('POST', `${reporting.url}/ops/dead-letters/${PROJECTIONS}/replay`, token)).status).toBe(403);
    }
    expect((await request('GET', `${reporting.url}/ops/status`)).status).toBe(401);
    expect((await request('POST', `${reporting.url}/ops/dead-letters/${PROJECTIONS}/replay`)).status).toBe(401);
    expect(await projections()).toMatchObject({ deadLetters: before.deadLetters, deadLettersWaiting: before.deadLettersWaiting });
  });
});
