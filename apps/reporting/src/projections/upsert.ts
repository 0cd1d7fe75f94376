import type { EntityManager } from 'typeorm';

export interface UpsertSpec {
  table: string;
  /** Column names with their SQL casts, in the order of each row's values. */
  columns: Array<[name: string, cast: string]>;
  conflict: string[];
  /** The `do update set ...` clause; `excluded` is the incoming row. */
  update: string;
}

const MAX_PARAMETERS = 60000;

/**
 * One multi-row insert ... on conflict per chunk: projections fold a batch in memory and write
 * it in a few round trips. Callers pass rows in a stable key order so concurrent batches lock
 * rows in the same order (no deadlocks).
 */
export async function upsertRows(tx: EntityManager, spec: UpsertSpec, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = spec.columns.length;
  const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / width));
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const values: unknown[] = [];
    const tuples = chunk.map((row, i) => {
      values.push(...row);
      return `(${spec.columns.map(([, cast], c) => `$${i * width + c + 1}::${cast}`).join(', ')})`;
    });
    await tx.query(
      `insert into ${spec.table} (${spec.columns.map(([name]) => name).join(', ')}) values ${tuples.join(', ')}
       on conflict (${spec.conflict.join(', ')}) do update set ${spec.update}`,
      values,
    );
  }
}

/** Adds a delta to a keyed counter map, creating the entry on first use. */
export function addTo<T>(map: Map<string, T>, key: string, create: () => T, apply: (entry: T) => void): void {
  const entry = map.get(key) ?? create();
  apply(entry);
  map.set(key, entry);
}

export function sortedByKey<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}
