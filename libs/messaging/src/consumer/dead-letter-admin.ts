import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { headerText } from '../kafka/headers';

/** Marks a replayed dead letter (where it came from): consumers deduplicating by offsets check it against every event they applied. */
export const REPLAYED_FROM_HEADER = 'dlt-replayed-from';

/** One message a consumer set aside, with the reason it gave (headers from sendToDeadLetter). */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  eventType: string | null;
  eventId: string | null;
  error: string;
  errorType: string;
  consumer: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  attempts: number;
  failedAt: string;
  /** True once `replay` has sent it back to its original topic. */
  replayed: boolean;
  message: KafkaMessage;
}

/** The CloudEvents `type` and `id` of a structured-mode message (no ce_ headers): a letter says what it was either way. */
function bodyAttributes(message: KafkaMessage): { type: string | null; id: string | null } {
  try {
    const body = JSON.parse(message.value?.toString() ?? '') as { type?: unknown; id?: unknown };
    return { type: typeof body.type === 'string' ? body.type : null, id: typeof body.id === 'string' ? body.id : null };
  } catch {
    return { type: null, id: null };
  }
}

/** The consumer group whose committed offsets record how far dead letters were replayed. */
export function replayGroup(prefix: string, deadLetterTopicName: string): string {
  return `${prefix}ops.replay.${deadLetterTopicName.slice(prefix.length)}`;
}

/** Dead-letter topics of a deployment (all consumers, or one). */
export async function deadLetterTopics(kafka: Kafka, prefix: string, consumerName?: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = `${prefix}dead-letter.${consumerName ?? ''}`;
    return (await admin.listTopics()).filter((topic) => (consumerName ? topic === wanted : topic.startsWith(wanted))).sort();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a topic from the beginning up to its end as of now, with a throwaway consumer group
 * (deleted afterwards) so reading changes nothing an operator relies on.
 */
async function readToEnd(kafka: Kafka, topic: string, groupPrefix: string): Promise<Array<{ partition: number; message: KafkaMessage }>> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${groupPrefix}ops.reader.${randomUUID()}`;
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
    const messages: Array<{ partition: number; message: KafkaMessage }> = [];
    if (pending.size === 0) return messages;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const end = ends.get(partition) ?? 0n;
              if (BigInt(message.offset) < end) messages.push({ partition, message });
              if (BigInt(message.offset) + 1n >= end) pending.delete(partition);
              if (pending.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function replayedUpTo(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every dead letter on a topic, oldest first per partition, each saying whether it was replayed. */
export async function listDeadLetters(kafka: Kafka, prefix: string, topic: string): Promise<DeadLetter[]> {
  const [messages, replayed] = await Promise.all([readToEnd(kafka, topic, prefix), replayedUpTo(kafka, replayGroup(prefix, topic), topic)]);
  return messages.map(({ partition, message }) => {
    const headers = message.headers;
    const fromBody = headerText(headers, 'ce_type') && headerText(headers, 'ce_id') ? undefined : bodyAttributes(message);
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      eventType: headerText(headers, 'ce_type') ?? fromBody?.type ?? null,
      eventId: headerText(headers, 'ce_id') ?? fromBody?.id ?? null,
      error: headerText(headers, 'dlt-error') ?? '',
      errorType: headerText(headers, 'dlt-error-type') ?? '',
      consumer: headerText(headers, 'dlt-consumer') ?? '',
      originalTopic: headerText(headers, 'dlt-original-topic') ?? '',
      originalPartition: Number(headerText(headers, 'dlt-original-partition') ?? -1),
      originalOffset: headerText(headers, 'dlt-original-offset') ?? '',
      attempts: Number(headerText(headers, 'dlt-attempts') ?? 0),
      failedAt: headerText(headers, 'dlt-failed-at') ?? '',
      replayed: BigInt(message.offset) < (replayed.get(partition) ?? 0n),
      message,
    };
  });
}

/**
 * Sends dead letters not yet replayed back to their original topics, with their key (so they
 * land on the same partition as the rest of their aggregate) and original headers, then records
 * how far it got. Consumers dedupe by event id, so a replay interrupted before it recorded its
 * progress is safe to run again. Letters that fail again simply return to the dead-letter topic.
 */
export async function replayDeadLetters(kafka: Kafka, prefix: string, topic: string, onProgress?: (done: number, total: number) => void): Promise<DeadLetter[]> {
  const letters = (await listDeadLetters(kafka, prefix, topic)).filter((letter) => !letter.replayed);
  if (letters.length === 0) return letters;
  const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const [index, letter] of letters.entries()) {
      const headers = Object.fromEntries(Object.entries(letter.message.headers ?? {}).filter(([name]) => !name.startsWith('dlt-')));
      await producer.send({
        topic: letter.originalTopic,
        acks: -1,
        messages: [{ key: letter.message.key, value: letter.message.value, headers: { ...headers, [REPLAYED_FROM_HEADER]: `${topic}/${letter.partition}/${letter.offset}` } }],
      });
      onProgress?.(index + 1, letters.length);
    }
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const next = new Map<number, string>();
    for (const letter of letters) next.set(letter.partition, (BigInt(letter.offset) + 1n).toString());
    await admin.setOffsets({ groupId: replayGroup(prefix, topic), topic, partitions: [...next].map(([partition, offset]) => ({ partition, offset })) });
  } finally {
    await admin.disconnect();
  }
  return letters;
}
