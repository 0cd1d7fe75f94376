import type { EntityManager } from 'typeorm';

export interface UpsertSpec {
  table: string;
  /** Column names with their SQL casts, in the order of each row's values. */
  columns: Array<[name: string, cast: string]>;
  conflict: string[];
  /** The `do update set ...` clause; `excluded` is the incoming row. */
  update: string;
}

const CHUNK_ROWS = 20000;

/** A Postgres array literal for one array-typed cell (arrays of arrays cannot travel through unnest). */
function arrayLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return `{${(value as unknown[]).map((item) => `"${String(item).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * One insert ... select from unnest(column arrays) ... on conflict per chunk: projections fold
 * a batch in memory and write it in a few round trips, with one parameter per column whatever
 * the row count (a VALUES list with a parameter per cell costs Postgres more to parse than to
 * write). Callers pass rows in a stable key order so concurrent batches lock rows in the same
 * order (no deadlocks).
 */
export async function upsertRows(tx: EntityManager, spec: UpsertSpec, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const names = spec.columns.map(([name]) => name).join(', ');
  const arrays = spec.columns.map(([, cast], c) => (cast.endsWith('[]') ? `$${c + 1}::text[]` : `$${c + 1}::${cast}[]`)).join(', ');
  const selected = spec.columns.map(([name, cast]) => (cast.endsWith('[]') ? `${name}::${cast}` : name)).join(', ');
  const sql = `insert into ${spec.table} (${names})
     select ${selected} from unnest(${arrays}) with ordinality as incoming (${names}, row_order) order by row_order
     on conflict (${spec.conflict.join(', ')}) do update set ${spec.update}`;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const columns = spec.columns.map(([, cast], c) => chunk.map((row) => (cast.endsWith('[]') ? arrayLiteral(row[c]) : row[c])));
    await tx.query(sql, columns);
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
