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
/** How long a group may commit nothing while behind before the wait gives up on it. */
const STALL_MS = 180_000;

export async function awaitCaughtUp(
  admin: Admin,
  groupId: string,
  topics: string[],
  { timeoutMs, onProgress }: { timeoutMs: number; onProgress?: (done: number, end: number) => void },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastDone = -1;
  let movedAt = Date.now();
  for (;;) {
    const { done, end } = await groupProgress(admin, groupId, topics);
    onProgress?.(done, end);
    if (done >= end) return;
    if (done !== lastDone) [lastDone, movedAt] = [done, Date.now()];
    // A consumer that stopped (crashed, stuck in a rebalance) should end the run with its name, not after an hour.
    if (Date.now() - movedAt > STALL_MS) throw new Error(`${groupId} made no progress for ${STALL_MS / 1000} s, ${end - done} events behind`);
    if (Date.now() > deadline) throw new Error(`${groupId} is still ${end - done} events behind after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
