import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { readOutboxBacklog, type OutboxBacklog } from '@dtc/messaging';

export type OutboxStatus = OutboxBacklog & { schema: string };

/** Outbox backlog per service schema: how much is waiting for Kafka, and for how long. */
export async function outboxStatus(databaseUrl: string, schemas: string[]): Promise<OutboxStatus[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const present = new Set(
      (await client.query<{ table_schema: string }>("select table_schema from information_schema.tables where table_name = 'outbox' and table_schema = any($1)", [schemas])).rows.map((r) => r.table_schema),
    );
    const rows: OutboxStatus[] = [];
    for (const schema of schemas.filter((s) => present.has(s))) {
      const outbox = await readOutboxBacklog(async (sql) => (await client.query(sql)).rows, `"${schema.replace(/"/g, '""')}".outbox`);
      rows.push({ schema, ...outbox, oldestUnpublishedSeconds: outbox.oldestUnpublishedSeconds === null ? null : Math.round(outbox.oldestUnpublishedSeconds) });
    }
    return rows;
  } finally {
    await client.end();
  }
}

export interface ConsumerLag {
  group: string;
  state: string;
  members: number;
  topic: string;
  partition: number;
  committed: string;
  end: string;
  lag: number;
}

/** Every consumer group of the deployment: state, members and lag per topic partition. */
export async function consumerStatus(kafka: Kafka, prefix: string): Promise<ConsumerLag[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix) && !id.startsWith(`${prefix}ops.reader.`)).sort();
    if (groups.length === 0) return [];
    const described = new Map((await admin.describeGroups(groups)).groups.map((g) => [g.groupId, g]));
    const ends = new Map<string, Map<number, bigint>>();
    const rows: ConsumerLag[] = [];
    for (const group of groups) {
      const offsets = await admin.fetchOffsets({ groupId: group });
      for (const { topic, partitions } of offsets) {
        if (!ends.has(topic)) ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])));
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic)?.get(partition) ?? 0n;
          const committed = offset === '-1' ? null : BigInt(offset);
          rows.push({
            group: group.slice(prefix.length),
            state: described.get(group)?.state ?? 'Unknown',
            members: described.get(group)?.members.length ?? 0,
            topic: topic.slice(prefix.length),
            partition,
            committed: committed === null ? '-' : committed.toString(),
            end: end.toString(),
            lag: Number(end - (committed ?? 0n)),
          });
        }
      }
    }
    return rows.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
