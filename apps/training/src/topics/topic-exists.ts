import { cachePerDatabase } from '@dtc/persistence';
import type { EntityManager } from 'typeorm';

/** Topic codes this process found: a topic is added once and never removed. */
const topicsFound = cachePerDatabase<true>();

export async function topicExists(tx: EntityManager, code: string): Promise<boolean> {
  if (topicsFound(tx).has(code)) return true;
  const [topic] = await tx.query('select 1 from topics where code = $1', [code]);
  if (topic) topicsFound(tx).set(code, true);
  return Boolean(topic);
}
