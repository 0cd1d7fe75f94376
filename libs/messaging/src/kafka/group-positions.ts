import type { Admin } from 'kafkajs';

/** Where a consumer group stands on one partition: the partition's range and the group's committed offset (null before its first commit). */
export interface PartitionPosition {
  topic: string;
  partition: number;
  low: number;
  high: number;
  committed: number | null;
}

/** The group's position on every partition of the topics (lag metrics, catch-up progress). */
export async function groupPositions(admin: Admin, groupId: string, topics: string[]): Promise<PartitionPosition[]> {
  const positions: PartitionPosition[] = [];
  for (const topic of topics) {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const end of ends) {
      const at = byPartition.get(end.partition) ?? -1;
      positions.push({ topic, partition: end.partition, low: Number(end.low), high: Number(end.high), committed: at < 0 ? null : at });
    }
  }
  return positions;
}

/** Messages on the partition the group has not applied (from the start of what is kept when it never committed). */
export function lagOf(position: PartitionPosition): number {
  return Math.max(0, position.high - Math.max(position.committed ?? position.low, position.low));
}
