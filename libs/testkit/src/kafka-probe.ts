import { kafkaSecurityOptions, loadKafkaClientConfig } from '@dtc/platform';
import { Kafka, logLevel, type KafkaConfig, type KafkaMessage } from 'kafkajs';

/**
 * A plain kafkajs client for tests that read or write topics directly (independent of the
 * messaging lib). It follows KAFKA_BROKERS and the KAFKA_SSL / KAFKA_SASL_* variables; `env`
 * overrides them (e.g. a test that talks to its own SASL_SSL broker as a given user).
 */
export function testKafka(env: NodeJS.ProcessEnv = {}, overrides: Partial<KafkaConfig> = {}): Kafka {
  const config = loadKafkaClientConfig('tests', { ...process.env, ...env });
  return new Kafka({
    clientId: 'dtc-tests',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...(kafkaSecurityOptions(config) as Pick<KafkaConfig, 'ssl' | 'sasl'>),
    ...overrides,
  });
}

export interface CollectedMessage {
  partition: number;
  message: KafkaMessage;
}

/** Reads a topic from the beginning into memory with its own consumer group. */
export async function collectTopic(topic: string, groupId: string) {
  const kafka = testKafka();
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  const messages: CollectedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push({ partition, message });
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

/** Deletes the topics a test run created (they share the run's prefix). */
export async function deleteTestTopics(runId: string): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`t-${runId}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
