import type { Client } from 'pg';

/** What a generation's replay set aside: its tables (unlogged meanwhile) and the secondary indexes it dropped. */
export interface BulkLoad {
  schema: string;
  tables: string[];
  indexes: Array<{ name: string; definition: string }>;
}

/**
 * Readies a new, empty generation for its replay: its tables go unlogged (no WAL for the
 * replay's many upserts of the same rows) and lose their secondary indexes (several include
 * the counters, so no counter update could be HOT). Primary keys and unique indexes stay: the
 * upserts need them. The migrations' own table stays logged. A crash during the replay empties
 * unlogged tables, and the rebuild, which does not survive one either, is started again.
 */
export async function startBulkLoad(control: Client, schema: string): Promise<BulkLoad> {
  const { rows: tables } = await control.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind = 'r' and c.relname <> 'schema_migrations' order by c.relname`,
    [schema],
  );
  const { rows: indexes } = await control.query<{ name: string; definition: string }>(
    `select x.relname as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class x on x.oid = i.indexrelid join pg_namespace n on n.oid = x.relnamespace
     join pg_class t on t.oid = i.indrelid
     where n.nspname = $1 and not i.indisunique and not i.indisprimary and t.relname <> 'schema_migrations' order by x.relname`,
    [schema],
  );
  for (const index of indexes) await control.query(`drop index "${schema}"."${index.name}"`);
  for (const table of tables) await control.query(`alter table "${schema}"."${table.name}" set unlogged`);
  return { schema, tables: tables.map((table) => table.name), indexes };
}

/**
 * After the replay reached the end offsets, before the switch: the tables become logged again
 * (each rewritten once into the WAL, with its final rows only) and then get their secondary
 * indexes back, built once from the final rows. The replay keeps applying new events meanwhile;
 * its batches wait on each table while it is rewritten.
 */
export async function finishBulkLoad(control: Client, load: BulkLoad): Promise<void> {
  for (const table of load.tables) await control.query(`alter table "${load.schema}"."${table}" set logged`);
  for (const index of load.indexes) await control.query(index.definition);
}
