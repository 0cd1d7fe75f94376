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

/** Explicit settings (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS); unset ones follow the cluster. */
export interface TopicReplication {
  replicationFactor?: number;
  minInsyncReplicas?: number;
}

/**
 * A production cluster (3+ brokers) gets three copies of every event and refuses a write that
 * fewer than two hold (producers use acks=all), so losing one broker loses nothing and stops
 * nothing; a single development broker keeps one copy.
 */
export function chooseReplication(brokerCount: number, requested: TopicReplication = {}): Required<TopicReplication> {
  const replicationFactor = requested.replicationFactor ?? (brokerCount >= 3 ? 3 : 1);
  if (replicationFactor > brokerCount) throw new Error(`Replication factor ${replicationFactor} needs at least ${replicationFactor} brokers; the cluster has ${brokerCount}`);
  const minInsyncReplicas = requested.minInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1);
  if (minInsyncReplicas > replicationFactor) throw new Error(`min.insync.replicas ${minInsyncReplicas} exceeds the replication factor ${replicationFactor}: every write would fail`);
  return { replicationFactor, minInsyncReplicas };
}

/**
 * Creates missing topics with the configured partition count, unlimited retention (event
 * topics are the record that projections are rebuilt from) and replication chosen from the
 * cluster. Existing topics are left as they are: changing replication is an operator's job.
 */
export async function ensureTopics(admin: Admin, topics: string[], partitions: number, replication: TopicReplication = {}): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  const { replicationFactor, minInsyncReplicas } = chooseReplication((await admin.describeCluster()).brokers.length, replication);
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
          { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
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
