import type { EntityManager } from 'typeorm';
import { insertRows } from '../transaction/deferred-inserts';

/** An upsert whose rows from several events of a consumer batch may go in as one statement. */
export interface MergeableUpsert {
  table: string;
  columns: readonly string[];
  /** The statement's `on conflict ...` clause. */
  onConflict: string;
  /**
   * What a second row with the same key in one pending run means. `skip`: nothing (the clause is
   * `do nothing`, so the row would change nothing). `in-turn`: the run is written first and the
   * row starts the next one (a `do update` must see the earlier row, as one statement per event would).
   */
  repeatedKey: 'skip' | 'in-turn';
}

interface PendingRun {
  upsert: MergeableUpsert;
  keys: Set<string>;
  rows: unknown[][];
}

/**
 * A consumer batch's writes with as few statements as event order allows: the rows of each
 * upsert wait and go in together (one multi-row statement per table) until the batch writes
 * that table with another statement, repeats a key that must be applied in turn, runs any other
 * statement, or ends (flush). For tables that do not refer to each other: within one flush the
 * tables are written in the order they were first written to, not event by event.
 */
export class BatchWriter {
  /** Pending rows by table, in the order the tables were first written to. */
  private readonly pending = new Map<string, PendingRun>();

  constructor(private readonly tx: EntityManager) {}

  async upsert(upsert: MergeableUpsert, key: string, row: readonly unknown[]): Promise<void> {
    const run = this.pending.get(upsert.table);
    if (run?.upsert === upsert && run.keys.has(key) && upsert.repeatedKey === 'skip') return;
    if (run && (run.upsert !== upsert || run.keys.has(key))) await this.flush();
    const current = this.pending.get(upsert.table) ?? { upsert, keys: new Set<string>(), rows: [] };
    current.keys.add(key);
    current.rows.push([...row]);
    this.pending.set(upsert.table, current);
  }

  /** Any other statement: what is pending goes in first, so it sees every earlier event. */
  async query<T = unknown>(sql: string, parameters: readonly unknown[] = []): Promise<T> {
    await this.flush();
    return this.tx.query(sql, [...parameters]) as Promise<T>;
  }

  async flush(): Promise<void> {
    for (const { upsert, rows } of this.pending.values()) {
      await insertRows(this.tx, `insert into ${upsert.table} (${upsert.columns.join(', ')})`, rows, upsert.onConflict);
    }
    this.pending.clear();
  }
}
