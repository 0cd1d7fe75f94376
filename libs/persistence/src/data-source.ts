import { Client } from 'pg';
import { DataSource, type Logger as TypeOrmLogger, type MixedList } from 'typeorm';
import { PreparedStatementNames } from './prepared-statements';
import { serviceClientClass } from './service-client';

export interface ServiceDataSourceOptions {
  url: string;
  /** The service's own schema; every table, including the migrations table, lives in it. */
  schema: string;
  poolSize?: number;
  /** Send repeated parameterised statements as named prepared statements (default on). */
  prepareStatements?: boolean;
  entities?: MixedList<string | (new () => unknown)>;
  migrations: MixedList<string | (new () => unknown)>;
  /** Called for every SQL statement sent through the data source (the db_statements_total metric). */
  onStatement?: () => void;
  /** Called for every exchange with the server that waits for its answer (the db_round_trips_total metric). */
  onRoundTrip?: () => void;
}

/**
 * Counts statements and prints nothing (TypeORM's own logging stays off): round trips per item are
 * what bounds the write path (docs/benchmarks.md), so the benchmark reads them per phase.
 */
export class StatementCounter implements TypeOrmLogger {
  constructor(private readonly onStatement: () => void) {}
  logQuery(): void {
    this.onStatement();
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

function quoteIdentifier(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(identifier)) throw new Error(`Unsafe SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}

/** A TypeORM data source bound to one schema (search_path too, so raw SQL stays unqualified). */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    ...(options.onStatement ? { logger: new StatementCounter(options.onStatement) } : {}),
    extra: {
      max: options.poolSize ?? 10,
      Client: serviceClientClass({ ...(options.prepareStatements === false ? {} : { names: new PreparedStatementNames('dtc_') }), onRoundTrip: options.onRoundTrip }),
      options: `-c search_path=${quoteIdentifier(options.schema)},public`,
      connectionTimeoutMillis: 5000,
    },
  });
}

/**
 * Creates the schema if needed, then runs pending migrations under an advisory lock so several
 * instances starting together never race. Never `synchronize`.
 */
export async function migrateSchema(options: ServiceDataSourceOptions, dataSource: DataSource): Promise<string[]> {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`migrations:${options.schema}`]);
    await client.query(`create schema if not exists ${quoteIdentifier(options.schema)}`);
    if (!dataSource.isInitialized) await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`migrations:${options.schema}`]).catch(() => undefined);
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}
