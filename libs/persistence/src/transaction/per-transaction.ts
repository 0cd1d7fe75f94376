import type { EntityManager } from 'typeorm';

/**
 * What one transaction already read or locked, kept for its lifetime (a sync group applies many
 * items in one transaction: their households' villages are read once). Gone with the transaction,
 * committed or rolled back; outside a transaction nothing is kept.
 */
export function memoPerTransaction<Value>(name: string): (tx: EntityManager) => Map<string, Value> {
  const slot = `dtcMemo:${name}`;
  return (tx) => {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) return new Map();
    return ((runner.data[slot] as Map<string, Value> | undefined) ??= new Map());
  };
}
