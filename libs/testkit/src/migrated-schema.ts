import { createServiceDataSource, dropSchema, migrateSchema } from '@dtc/persistence';
import type { DataSource, MigrationInterface } from 'typeorm';
import { databaseUrl } from './database';

export interface MigratedSchema {
  schema: string;
  dataSource: DataSource;
  /** Closes the data source and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/**
 * A service-level spec's database: its own schema (name it after the run id), migrated the way
 * the service migrates, with an initialised data source. Call `drop` in afterAll.
 */
export async function migratedDataSource(schema: string, migrations: Array<new () => MigrationInterface>, entities: Array<new () => unknown> = []): Promise<MigratedSchema> {
  const options = { url: databaseUrl(), schema, entities, migrations };
  const dataSource = createServiceDataSource(options);
  await migrateSchema(options, dataSource);
  if (!dataSource.isInitialized) await dataSource.initialize();
  return {
    schema,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropSchema(databaseUrl(), schema);
    },
  };
}
