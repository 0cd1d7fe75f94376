import type { EntityManager } from 'typeorm';
import { sendWithCommit } from './send-with-commit';

const DEFERRED = 'dtcDeferredInserts';
/** Postgres takes at most 65,535 parameters per statement; a flush splits its rows below that. */
const MAX_PARAMETERS = 60_000;

/**
 * Append-only rows (audit, outbox) that a transaction applying many offline items collects and
 * writes just before its commit, with the statement that ends the transaction's work (its stored
 * results), instead of one statement per item.
 * Rows keep the order they were added in, so per aggregate the outbox order still follows the
 * order in which the aggregate rows were locked (the locks are held until the commit).
 */
export class DeferredInserts {
  /** Client id of the offline item being applied now: its audit rows carry it. */
  syncItem: string | null = null;
  private readonly tables = new Map<string, unknown[][]>();

  add(head: string, row: unknown[]): void {
    const rows = this.tables.get(head);
    if (rows) rows.push(row);
    else this.tables.set(head, [row]);
  }

  /**
   * Writes the rows and then `last` (a statement that may follow WITH): one statement when all of
   * it fits in Postgres's parameter limit (the inserts as data-modifying CTEs), else one per table.
   * The statement with `last` goes with the commit (sendWithCommit): `last` must not return rows.
   */
  async flush(tx: EntityManager, last?: Statement): Promise<void> {
    const tables = [...this.tables];
    this.tables.clear();
    const parameters = tables.reduce((sum, [, rows]) => sum + rows.length * rows[0].length, last?.parameters.length ?? 0);
    if (!last || parameters > MAX_PARAMETERS) {
      for (const [head, rows] of tables) await insertRows(tx, head, rows);
      if (last) await sendWithCommit(tx, last.sql, last.parameters);
      return;
    }
    // The last statement keeps its $1..$n; the rows' parameters are numbered after them.
    const values: unknown[] = [...last.parameters];
    const inserts = tables.map(([head, rows], index) => `deferred_${index} as (${head} values ${tuplesOf(rows, values)})`);
    await sendWithCommit(tx, inserts.length > 0 ? `with ${inserts.join(', ')} ${last.sql}` : last.sql, values);
  }
}

/** A SQL statement with its parameters. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/** `(...), (...)` for the rows, their values appended to `values` as numbered parameters. */
function tuplesOf(rows: readonly unknown[][], values: unknown[]): string {
  return rows.map((row) => `(${row.map((value) => (values.push(value), `$${values.length}`)).join(', ')})`).join(', ');
}

/** `head values (...), (...) tail`: rows of the same width in as few statements as Postgres allows. */
export async function insertRows(tx: EntityManager, head: string, rows: readonly unknown[][], tail = ''): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / rows[0].length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const values: unknown[] = [];
    const tuples = tuplesOf(rows.slice(start, start + perStatement), values);
    await tx.query(`${head} values ${tuples}${tail ? ` ${tail}` : ''}`, values);
  }
}

/**
 * Appends rows nothing reads back in the same transaction (audit, outbox, a history of steps):
 * collected when the transaction defers its inserts, inserted at once otherwise.
 */
export async function appendRows(tx: EntityManager, head: string, rows: readonly unknown[][]): Promise<void> {
  const deferred = deferredInsertsOf(tx);
  if (deferred) for (const row of rows) deferred.add(head, row);
  else await insertRows(tx, head, rows);
}

/** From now until `flushDeferredInserts`, deferrable inserts in this transaction are collected. */
export function deferInserts(tx: EntityManager): DeferredInserts {
  const runner = tx.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('deferInserts needs a transaction');
  const deferred = new DeferredInserts();
  runner.data[DEFERRED] = deferred;
  return deferred;
}

/** The collector of this transaction, when its inserts are deferred. */
export function deferredInsertsOf(tx: EntityManager): DeferredInserts | undefined {
  return tx.queryRunner?.data?.[DEFERRED] as DeferredInserts | undefined;
}

/**
 * Writes what was collected, then `last` if given (with the rows when they fit in one statement),
 * and stops collecting; call it last, before the commit.
 */
export async function flushDeferredInserts(tx: EntityManager, last?: Statement): Promise<void> {
  const deferred = deferredInsertsOf(tx);
  if (!deferred) {
    if (last) await sendWithCommit(tx, last.sql, last.parameters);
    return;
  }
  delete tx.queryRunner!.data[DEFERRED];
  await deferred.flush(tx, last);
}
