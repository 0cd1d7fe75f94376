import fs from 'node:fs';
import path from 'node:path';
import { dropTestSchemas, eventually, freePort, newRunId, testKafka, testToken } from '@dtc/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { householdBody, onboardCommune } from '../../support/demo-commune';
import { request } from '../../support/http';
import { startServices, type RunningService } from '../../support/services';
import { infraTool } from '../../support/infra-tools';

// The registry -> reporting slice on a broker that only speaks SASL_SSL, each service as its own
// SCRAM user with ACLs (tools/infra/kafka-access.js), then the refusals those ACLs promise.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const { infraSettings } = infraTool('settings.js') as { infraSettings: () => { kafka: { jarsDir: string; log4jConfig: string } } };
const { startSecureBroker, serviceEnv } = infraTool('kafka-secure.js') as {
  startSecureBroker: (options: Record<string, unknown>) => Promise<SecureBroker>;
  serviceEnv: (broker: SecureBroker, service: string) => NodeJS.ProcessEnv;
};

interface SecureBroker {
  brokers: string[];
  caFile: string;
  credentials: Record<string, { username: string; password: string }>;
  stop: () => Promise<void>;
}

const runId = newRunId();
const prefix = `t-${runId}.`;
const commune = '10031';
const dataDir = path.join(repoRoot, '.data', `kafka-sasl-ssl-${runId}`);
const agent = testToken({ sub: 'agent-10031', role: 'field_agent', communes: [commune] });
const admin = testToken({ sub: 'admin-10031', role: 'commune_admin', communes: [commune] });

describe('Kafka with SASL_SSL, SCRAM users and ACLs', () => {
  let broker: SecureBroker;
  let registry: RunningService;
  let reporting: RunningService;
  let stopServices: (() => Promise<void>) | undefined;

  /** A client of the secure broker as one service's user (or with a given password). */
  const clientAs = (service: string, password?: string) =>
    testKafka({ ...serviceEnv(broker, service), ...(password ? { KAFKA_SASL_PASSWORD: password } : {}) }, { clientId: `sasl-spec-${service}`, retry: { retries: 0 }, connectionTimeout: 3000 });

  beforeAll(async () => {
    const { kafka } = infraSettings();
    const started = Date.now();
    broker = await startSecureBroker({ dataDir, port: await freePort(), controllerPort: await freePort(), jarsDir: kafka.jarsDir, log4jConfig: kafka.log4jConfig, topicPrefix: prefix });
    process.stdout.write(`SASL_SSL broker with ACLs ready in ${Date.now() - started} ms\n`);
    ({ services: { 'household-registry': registry, reporting }, stop: stopServices } = (await startServices(runId, ['household-registry', 'reporting'], {
      'household-registry': serviceEnv(broker, 'household-registry'),
      reporting: serviceEnv(broker, 'reporting'),
    })) as never);
    await onboardCommune(registry.url, commune, '38', ['THON-1']);
  }, 180000);

  afterAll(async () => {
    await stopServices?.();
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropTestSchemas(runId);
  });

  it('carries a registered household from the registry to reporting, each as its own user', async () => {
    const created = await request<{ id: string }>('POST', `${registry.url}/households`, agent, householdBody(commune, 'THON-1'));
    expect(created.status).toBe(201);
    await eventually(async () => {
      const { body } = await request<{ totalHouseholds: number }>('GET', `${reporting.url}/communes/${commune}/households-by-village`, admin);
      expect(body.totalHouseholds).toBe(1);
    });
  });

  it('refuses the enrollment user a write to the registry stream', async () => {
    const producer = clientAs('enrollment').producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await expect(producer.send({ topic: `${prefix}household-registry.events`, messages: [{ key: commune, value: '{"forged":true}' }] })).rejects.toMatchObject({
        type: 'TOPIC_AUTHORIZATION_FAILED',
      });
    } finally {
      await producer.disconnect();
    }
  });

  it('refuses the training user a stream it does not consume and the consumer groups of reporting', async () => {
    const trainingAdmin = clientAs('training').admin();
    await trainingAdmin.connect();
    try {
      // It may read what it consumes ...
      await expect(trainingAdmin.fetchTopicOffsets(`${prefix}household-registry.events`)).resolves.toHaveLength(3);
      // ... but enrollment's stream (consumed only by the registry and reporting) is not even visible,
      await expect(trainingAdmin.fetchTopicOffsets(`${prefix}enrollment.events`)).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
      // and only its own consumer groups are its to read or move: reporting's group is refused
      // (kafkajs reports the broker's GROUP_AUTHORIZATION_FAILED as "no coordinator").
      const positions = (groupId: string) => trainingAdmin.fetchOffsets({ groupId, topics: [`${prefix}household-registry.events`] });
      await expect(positions(`${prefix}training-registry-read-model`)).resolves.toHaveLength(1);
      await expect(positions(`${prefix}reporting-projections`)).rejects.toThrow('Failed to find group coordinator');
    } finally {
      await trainingAdmin.disconnect();
    }
    const consumer = clientAs('training').consumer({ groupId: `${prefix}training-spy` });
    await consumer.connect();
    try {
      await expect(consumer.subscribe({ topics: [`${prefix}enrollment.events`], fromBeginning: true })).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses a wrong password', async () => {
    const intruder = clientAs('reporting', 'not-the-password').admin();
    await expect(intruder.connect()).rejects.toThrow(/SASL SCRAM-SHA-512 authentication failed|Authentication failed/i);
    await intruder.disconnect().catch(() => undefined);
  });

  it('refuses a PLAINTEXT client: the listener speaks TLS only', async () => {
    const plaintext = new Kafka({ clientId: 'sasl-spec-plaintext', brokers: broker.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 3000, retry: { retries: 0 } }).admin();
    await expect(plaintext.connect()).rejects.toThrow();
    await plaintext.disconnect().catch(() => undefined);
  });
});
