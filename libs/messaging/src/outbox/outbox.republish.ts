import { findEventDefinition } from '@dtc/contracts';
import type { Admin, Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { ensureTopics, topicFor, type TopicReplication } from '../kafka/topics';
import { outboxMessage } from './outbox.relay';

/** Marks a re-published message: consumers deduplicating by offsets check it against every event they applied. */
export const REPUBLISHED_HEADER = 'dtc-republished';

export interface RepublishOptions {
  databaseUrl: string;
  schema: string;
  /** Prefix of the topics to publish to (the rows' own prefix is replaced). */
  topicPrefix: string;
  producer: Producer;
  admin: Admin;
  partitions: number;
  replication?: TopicReplication;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RepublishResult {
  schema: string;
  events: number;
  topics: string[];
}

interface PublishedRow {
  seq: string;
  event_type: string;
  message_key: string;
  payload: string;
  created_at: Date;
}

/** The topic of an event type under a prefix (the stored topic carries the old prefix). */
function targetTopic(topicPrefix: string, eventType: string): string {
  const definition = findEventDefinition(eventType);
  if (!definition) throw new Error(`Outbox holds an event of unknown type ${eventType}`);
  return topicFor(topicPrefix, definition.stream);
}

/** How many published rows an outbox retains and the topics they go to under a prefix. */
export async function publishedOutboxTopics(client: Client, schema: string, topicPrefix: string): Promise<{ total: number; topics: string[] }> {
  const { rows } = await client.query<{ event_type: string; events: number }>(`select event_type, count(*)::int as events from "${schema}".outbox where published_at is not null group by event_type`);
  return { total: rows.reduce((sum, row) => sum + row.events, 0), topics: [...new Set(rows.map((row) => targetTopic(topicPrefix, row.event_type)))].sort() };
}

/**
 * Re-publishes an outbox's retained history (the rows the relay has published) to a cluster or
 * topic prefix whose topics lost it. Rows go in sequence order, one batch at a time, with one
 * request in flight and acks from all replicas: per aggregate (the message key) the order is the
 * order the relay first published them in, and keys land on the partitions the services' own
 * producer would choose. Same event ids, keys, payloads and headers as the relay's messages, plus
 * REPUBLISHED_HEADER, so consumers that already applied an event skip it (their inbox, or for
 * consumers deduplicating by offsets, whose positions on the old cluster mean nothing here, a
 * check against every id they applied). Unpublished rows are left to the relay,
 * pointed at the new prefix's topics.
 */
export async function republishOutbox(options: RepublishOptions): Promise<RepublishResult> {
  const batchSize = options.batchSize ?? 500;
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const { total, topics } = await publishedOutboxTopics(client, options.schema, options.topicPrefix);
    await ensureTopics(options.admin, topics, options.partitions, options.replication);
    let done = 0;
    let after = '0';
    options.onProgress?.(0, total);
    for (;;) {
      const { rows } = await client.query<PublishedRow>(
        `select seq, event_type, message_key, payload, created_at from "${options.schema}".outbox
         where published_at is not null and seq > $1 order by seq limit $2`,
        [after, batchSize],
      );
      if (rows.length === 0) break;
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const topic = targetTopic(options.topicPrefix, row.event_type);
        const messages = byTopic.get(topic);
        const relayed = outboxMessage(row);
        const message = { ...relayed, headers: { ...relayed.headers, [REPUBLISHED_HEADER]: 'true' } };
        if (messages) messages.push(message);
        else byTopic.set(topic, [message]);
      }
      await options.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      after = rows[rows.length - 1].seq;
      done += rows.length;
      options.onProgress?.(done, total);
    }
    // Rows still waiting go out through the relay later: point them at the new prefix's topics too.
    const waiting = await client.query<{ event_type: string }>(`select distinct event_type from "${options.schema}".outbox where published_at is null`);
    for (const { event_type: eventType } of waiting.rows) {
      await client.query(`update "${options.schema}".outbox set topic = $1 where published_at is null and event_type = $2 and topic <> $1`, [targetTopic(options.topicPrefix, eventType), eventType]);
    }
    return { schema: options.schema, events: done, topics };
  } finally {
    await client.end();
  }
}

