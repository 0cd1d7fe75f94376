import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

const CALLBACKS = 'dtcAfterCommit';

/**
 * Runs `callback` once the transaction `tx` belongs to has committed, and never if it rolls back.
 * Work that others must see only after the commit (waking the outbox relay) goes here instead of
 * into the transaction: a NOTIFY inside a writing transaction holds Postgres's cluster-wide notify
 * lock across the commit's fsync and serialises every commit. A manager outside a transaction has
 * already committed its statements, so the callback runs at once.
 */
export function afterCommit(tx: EntityManager, callback: () => void): void {
  const runner = tx.queryRunner;
  if (!runner?.isTransactionActive) {
    runQuietly(callback);
    return;
  }
  attachHook(tx.connection);
  const pending = (runner.data[CALLBACKS] ??= new Set<() => void>()) as Set<() => void>;
  pending.add(callback);
}

/** One subscriber per DataSource: TypeORM tells it about every commit and rollback of its runners. */
class AfterCommitHook implements EntitySubscriberInterface {
  afterTransactionCommit({ queryRunner }: { queryRunner: QueryRunner }): void {
    // A released savepoint is reported as a commit too; the callbacks wait for the real one.
    if (queryRunner.isTransactionActive) return;
    for (const callback of takePending(queryRunner)) runQuietly(callback);
  }

  afterTransactionRollback({ queryRunner }: { queryRunner: QueryRunner }): void {
    // A savepoint rolled back keeps the outer transaction's callbacks (at worst one wake too many).
    if (!queryRunner.isTransactionActive) takePending(queryRunner);
  }
}

/** The transaction has committed whatever a callback does: its failure must not turn a commit into an error. */
function runQuietly(callback: () => void): void {
  try {
    callback();
  } catch {
    // A callback is a wake-up or a notice; its owner logs and retries on its own.
  }
}

function takePending(runner: QueryRunner): Set<() => void> {
  const pending = (runner.data?.[CALLBACKS] as Set<() => void> | undefined) ?? new Set<() => void>();
  if (runner.data) delete runner.data[CALLBACKS];
  return pending;
}

function attachHook(dataSource: DataSource): void {
  if (dataSource.subscribers.some((subscriber) => subscriber instanceof AfterCommitHook)) return;
  dataSource.subscribers.push(new AfterCommitHook());
}
