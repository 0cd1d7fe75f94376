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
      waitForLeaders: true,
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
}
