/**
 * Backups of the services' source-of-truth schemas: a pg_dump custom-format archive and, next to
 * it, a manifest (<file>.json) written from the very snapshot pg_dump read, so it says exactly
 * what the archive holds (outbox history per schema, the Kafka cluster each schema recorded).
 */
import { spawn } from 'node:child_process';
import { Client } from 'pg';

export const SERVICE_SCHEMAS = ['registry', 'enrollment', 'training', 'reporting'];
export const MANIFEST_FORMAT = 'dtc-backup/1';

export interface SchemaManifest {
  schema: string;
  /** Outbox rows the relay had published (re-publishable history) and rows still waiting. */
  outboxPublished: number | null;
  outboxWaiting: number | null;
  lastOutboxSeq: string | null;
  /** The Kafka cluster and topic prefix the schema recorded last (null before the first start). */
  kafkaCluster: { clusterId: string; topicPrefix: string } | null;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** When the snapshot was taken (the transaction's start, the server's clock). */
  snapshotAt: string;
  database: string;
  schemas: SchemaManifest[];
  /** Reporting's projection generations are left out on purpose: they are rebuilt from Kafka. */
  leftOut: string[];
}

export const manifestPath = (archive: string) => `${archive}.json`;

/** Runs a PostgreSQL client tool; its stderr becomes the error. */
export function runTool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(`${command} is not installed (PostgreSQL client tools, same major version as the server or newer)`) : error));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))));
  });
}

export async function existingSchemas(client: Client, schemas: string[]): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname = any($1) order by nspname', [schemas]);
  return rows.map((row) => row.nspname);
}

async function hasTable(client: Client, schema: string, table: string): Promise<boolean> {
  const { rows } = await client.query('select 1 from pg_tables where schemaname = $1 and tablename = $2', [schema, table]);
  return rows.length > 0;
}

/** What one schema holds, read inside the backup's snapshot. */
export async function describeSchema(client: Client, schema: string): Promise<SchemaManifest> {
  const manifest: SchemaManifest = { schema, outboxPublished: null, outboxWaiting: null, lastOutboxSeq: null, kafkaCluster: null };
  if (await hasTable(client, schema, 'outbox')) {
    const [row] = (
      await client.query<{ published: number; waiting: number; last: string | null }>(
        `select count(*) filter (where published_at is not null)::int as published, count(*) filter (where published_at is null)::int as waiting, max(seq)::text as last from "${schema}".outbox`,
      )
    ).rows;
    Object.assign(manifest, { outboxPublished: row.published, outboxWaiting: row.waiting, lastOutboxSeq: row.last });
  }
  if (await hasTable(client, schema, 'kafka_cluster')) {
    const [row] = (await client.query<{ cluster_id: string; topic_prefix: string }>(`select cluster_id, topic_prefix from "${schema}".kafka_cluster order by recorded_at desc limit 1`)).rows;
    if (row) manifest.kafkaCluster = { clusterId: row.cluster_id, topicPrefix: row.topic_prefix };
  }
  return manifest;
}

/** Generation schemas of every restored reporting schema (<schema>_g<n>): left out of backups. */
export async function generationSchemas(client: Client, schemas: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const schema of schemas) {
    if (!(await hasTable(client, schema, 'projection_generations'))) continue;
    const { rows } = await client.query<{ schema_name: string }>(`select schema_name from "${schema}".projection_generations order by generation`);
    left.push(...rows.map((row) => row.schema_name));
  }
  return left;
}

/**
 * Reporting restored without its generations: retire every generation the archive names, so at
 * start reporting creates a new, empty one and fills it from the beginning of the topics.
 */
export async function retireProjectionGenerations(client: Client, schemas: string[]): Promise<string[]> {
  const retired: string[] = [];
  for (const schema of schemas) {
    if (!(await hasTable(client, schema, 'projection_generations'))) continue;
    await client.query(`update "${schema}".projection_generations set state = 'retired' where state in ('active', 'building')`);
    retired.push(schema);
  }
  return retired;
}

/** The database name of a connection URL (for messages and createdb). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`database name "${name}" must be 1-63 letters, digits, "_" or "-"`);
  return name;
}

/** The URL of the same server's maintenance database, to create a database from. */
export function maintenanceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}
