import type { EventStream } from '@dtc/contracts';
import type { Admin } from 'kafkajs';

export function topicFor(prefix: string, stream: EventStream): string {
  return `${prefix}${stream}`;
}

export function deadLetterTopic(prefix: string, consumerName: string): string {
  return `${prefix}dead-letter.${consumerName}`;
}

export function consumerGroup(prefix: string, consumerName: string): string {
  return `${prefix}${consumerName}`;
}

/**
 * Creates missing topics with the configured partition count and unlimited retention: event
 * topics are the record that projections are rebuilt from.
 */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: -1,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
        ],
      })),
    });
  } catch (error) {
    // Another instance may have created them between list and create.
    if (!/already exists/i.test((error as Error).message)) throw error;
  }
  await waitForLeaders(admin, missing);
}

/**
 * kafkajs's own waitForLeaders gives up when a fresh broker briefly answers "does not host this
 * topic-partition" for a just-created topic; poll the metadata ourselves until every partition
 * has a leader.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
