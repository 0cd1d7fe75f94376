import { randomUUID } from 'node:crypto';
import { ensureTopics } from '@dtc/messaging';
import { Partitioners, type Kafka } from 'kafkajs';
import { Client } from 'pg';

/**
 * What the same broker and database do with no platform in the way: the ceiling the pipeline's
 * figures are compared against.
 */
export interface KafkaBaseline {
  messages: number;
  bytesPerMessage: number;
  produceSeconds: number;
  consumeSeconds: number;
  /** Messages per second through produce and then consume (the pipeline does both). */
  messagesPerSecond: number;
}

export interface PostgresBaseline {
  rows: number;
  bytesPerRow: number;
  rowsPerSecond: number;
  seconds: number;
}

/** Produces `messages` messages of `bytes` each with keys (as the relay does), then consumes them all. */
export async function kafkaBaseline(kafka: Kafka, topic: string, partitions: number, messages: number, bytes: number, onProgress: (done: number, total: number) => void): Promise<KafkaBaseline> {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [topic], partitions);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const value = 'x'.repeat(bytes);
  const produceStarted = Date.now();
  const chunk = 5000;
  const inFlight = 4;
  let produced = 0;
  try {
    for (let start = 0; start < messages; start += chunk * inFlight) {
      const sends = [];
      for (let offset = start; offset < Math.min(messages, start + chunk * inFlight); offset += chunk) {
        const count = Math.min(chunk, messages - offset);
        sends.push(producer.send({ topic, acks: -1, messages: Array.from({ length: count }, () => ({ key: randomUUID(), value })) }));
        produced += count;
      }
      await Promise.all(sends);
      onProgress(produced, messages * 2);
    }
  } finally {
    await producer.disconnect();
  }
  const produceSeconds = (Date.now() - produceStarted) / 1000;

  const consumer = kafka.consumer({ groupId: `${topic}.reader`, maxBytesPerPartition: 1048576 });
  const consumeStarted = Date.now();
  let consumed = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          consumed += batch.messages.length;
          onProgress(messages + consumed, messages * 2);
          if (consumed >= messages) resolve();
        },
      })
      .catch(reject);
  });
  const consumeSeconds = (Date.now() - consumeStarted) / 1000;
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.deleteGroups([`${topic}.reader`]).catch(() => undefined);
  await admin.disconnect();
  return { messages, bytesPerMessage: bytes, produceSeconds, consumeSeconds, messagesPerSecond: messages / (produceSeconds + consumeSeconds) };
}

/** Multi-row inserts (1,000 rows per statement, one transaction each) of `rows` rows with a uuid key and a payload of `bytes`. */
export async function postgresBaseline(databaseUrl: string, schema: string, rows: number, bytes: number, onProgress: (done: number, total: number) => void): Promise<PostgresBaseline> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(`create table "${schema}".baseline (id uuid primary key, payload text not null, created_at timestamptz not null default clock_timestamp())`);
    const payload = 'x'.repeat(bytes);
    const perStatement = 1000;
    const started = Date.now();
    for (let done = 0; done < rows; done += perStatement) {
      const count = Math.min(perStatement, rows - done);
      const values: string[] = [];
      const tuples = Array.from({ length: count }, (_, i) => {
        values.push(randomUUID(), payload);
        return `($${i * 2 + 1}::uuid, $${i * 2 + 2})`;
      });
      await client.query(`insert into "${schema}".baseline (id, payload) values ${tuples.join(', ')}`, values);
      onProgress(done + count, rows);
    }
    const seconds = (Date.now() - started) / 1000;
    await client.query(`drop table "${schema}".baseline`);
    return { rows, bytesPerRow: bytes, rowsPerSecond: rows / seconds, seconds };
  } finally {
    await client.end();
  }
}
