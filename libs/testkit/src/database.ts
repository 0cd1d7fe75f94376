import { Client } from 'pg';

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dtc';
}

/** Runs one query on a short-lived connection (tests inspect tables directly). */
export async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function dropTestSchemas(runId: string): Promise<void> {
  const schemas = await query<{ nspname: string }>("select nspname from pg_namespace where nspname like $1", [`t_${runId}_%`]);
  for (const { nspname } of schemas) await query(`drop schema if exists "${nspname}" cascade`);
}
