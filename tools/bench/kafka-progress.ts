import { groupPositions } from '@dtc/messaging';
import type { Admin } from 'kafkajs';

/** How far a consumer group is through topics: committed offsets against the ends. */
export async function groupProgress(admin: Admin, groupId: string, topics: string[]): Promise<{ done: number; end: number }> {
  let done = 0;
  let end = 0;
  for (const position of await groupPositions(admin, groupId, topics)) {
    end += position.high - position.low;
    done += position.committed === null ? 0 : Math.min(position.high, position.committed) - position.low;
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
