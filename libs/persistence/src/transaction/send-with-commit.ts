import type { EntityManager } from 'typeorm';
import { holdUntilNext } from '../service-client';

/**
 * Sends a statement whose answer nobody reads (an insert, an update without `returning`) with the
 * transaction's next statement, usually its COMMIT: one round trip for both. Its error is that
 * statement's, so a failing COMMIT rolls the transaction back as a failing statement would have.
 * Statements sent in between still run after it. Outside a transaction it is sent at once. It goes
 * through `tx.query`, so it is counted and logged like any statement.
 */
export async function sendWithCommit(tx: EntityManager, sql: string, parameters: readonly unknown[]): Promise<void> {
  await tx.query(sql, holdUntilNext(parameters));
}
