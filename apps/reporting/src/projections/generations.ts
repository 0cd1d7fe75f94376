import { createServiceDataSource, migrateSchema } from '@dtc/persistence';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { PROJECTION_MIGRATIONS } from './projection-migrations';

/**
 * Projection generations: every projection table lives in a generation schema
 * (<service schema>_g<n>). Live batches write to the active one; a rebuild fills a new one from
 * the topics and flips `projection_generations` while live batches are held back, so readers
 * and writers move from one complete generation to the next in a single commit.
 */
export const PROJECTIONS_CONSUMER = 'reporting-projections';

export function generationSchema(serviceSchema: string, generation: number): string {
  return `${serviceSchema}_g${generation}`;
}

/** Live batches hold this lock shared; the switch to a rebuilt generation holds it exclusively. */
export function switchLockKey(serviceSchema: string): string {
  return `${serviceSchema}:projection-switch`;
}

function safeSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Unsafe schema name: ${name}`);
  return name;
}

function searchPath(generation: string, serviceSchema: string): string {
  return `"${safeSchemaName(generation)}", "${safeSchemaName(serviceSchema)}", public`;
}

/** Creates a generation schema if needed and brings its tables to the latest projection migrations. */
export async function migrateGeneration(url: string, schema: string): Promise<void> {
  const options = { url, schema, migrations: PROJECTION_MIGRATIONS, poolSize: 2 };
  const dataSource = createServiceDataSource(options);
  try {
    await migrateSchema(options, dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

export interface GenerationRow {
  generation: number;
  schema_name: string;
  state: string;
}

/**
 * At start-up: make sure an active generation exists and is migrated. The very first one is
 * created empty (`created`), and the caller rewinds the live consumer group so it fills from the
 * beginning of the topics. Instances starting together take turns through an advisory lock.
 */
export async function ensureActiveGeneration(url: string, serviceSchema: string): Promise<{ schema: string; created: boolean }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`select set_config('search_path', $1, false)`, [searchPath(serviceSchema, serviceSchema)]);
    await client.query('select pg_advisory_lock(hashtext($1))', [`${serviceSchema}:projection-bootstrap`]);
    const active = await client.query<GenerationRow>(`select generation, schema_name, state from projection_generations where state = 'active'`);
    if (active.rows[0]) {
      await migrateGeneration(url, active.rows[0].schema_name);
      return { schema: active.rows[0].schema_name, created: false };
    }
    const next = await client.query<{ generation: number }>('select coalesce(max(generation), 0) + 1 as generation from projection_generations');
    const schema = generationSchema(serviceSchema, next.rows[0].generation);
    await migrateGeneration(url, schema);
    await client.query(`insert into projection_generations (generation, schema_name, state, activated_at) values ($1, $2, 'active', now())`, [next.rows[0].generation, schema]);
    return { schema, created: true };
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`${serviceSchema}:projection-bootstrap`]).catch(() => undefined);
    await client.end();
  }
}

/**
 * First statement of a live batch: wait out a switch in progress, then point this transaction
 * at the active generation (its tables and its inbox).
 */
export async function enterActiveGeneration(tx: EntityManager, serviceSchema: string): Promise<string> {
  await tx.query('select pg_advisory_xact_lock_shared(hashtext($1))', [switchLockKey(serviceSchema)]);
  return useActiveGeneration(tx, serviceSchema);
}

/** Readers: this transaction reads the active generation (projections) and the service schema (campaigns). */
export async function useActiveGeneration(tx: EntityManager, serviceSchema: string): Promise<string> {
  // One statement (every projection batch and report read starts with it): the active generation,
  // and the search path set to it; the names are quoted by format's %I.
  const [row] = (await tx.query(
    `select schema_name, set_config('search_path', format('%I, %I, public', schema_name, $1::text), true) from projection_generations where state = 'active'`,
    [safeSchemaName(serviceSchema)],
  )) as Array<{ schema_name: string }>;
  if (!row) throw new Error('No active projection generation');
  return safeSchemaName(row.schema_name);
}
