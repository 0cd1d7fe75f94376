import type { Admin } from 'kafkajs';

/** How far a consumer group is through topics: committed offsets against the ends. */
export async function groupProgress(admin: Admin, groupId: string, topics: string[]): Promise<{ done: number; end: number }> {
  let done = 0;
  let end = 0;
  for (const topic of topics) {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const partition of ends) {
      const high = Number(partition.high);
      const low = Number(partition.low);
      const at = byPartition.get(partition.partition) ?? -1;
      end += high - low;
      done += at < 0 ? 0 : Math.min(high, at) - low;
    }
  }
  return { done, end };
}

/** Polls until the group has committed everything up to the topics' current ends (or the deadline). */
export async function awaitCaughtUp(
  admin: Admin,
  groupId: string,
  topics: string[],
  { timeoutMs, onProgress }: { timeoutMs: number; onProgress?: (done: number, end: number) => void },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { done, end } = await groupProgress(admin, groupId, topics);
    onProgress?.(done, end);
    if (done >= end) return;
    if (Date.now() > deadline) throw new Error(`${groupId} is still ${end - done} events behind after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
