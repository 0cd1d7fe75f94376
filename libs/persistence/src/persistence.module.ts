import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, MetricsService, SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { DataSource, type MixedList } from 'typeorm';
import { createServiceDataSource, migrateSchema } from './data-source';

export interface PersistenceOptions {
  entities?: MixedList<string | (new () => unknown)>;
  migrations: MixedList<string | (new () => unknown)>;
}

/** Provides the service's DataSource, migrated at start, with a database health check. */
@Global()
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          inject: [SERVICE_CONFIG, HealthRegistry, MetricsService],
          useFactory: async (config: ServiceConfig, health: HealthRegistry, metrics: MetricsService) => {
            const statements = metrics.counter('db_statements_total', "SQL statements sent through the service's data source (requests, consumers, the relay; not its LISTEN connection)", []);
            const roundTrips = metrics.counter('db_round_trips_total', 'Exchanges with the database that waited for its answer (a BEGIN sent with the next statement is not one of its own)', []);
            const sourceOptions = {
              url: config.databaseUrl,
              schema: config.databaseSchema,
              poolSize: config.databasePoolSize,
              prepareStatements: config.databasePreparedStatements === 'on',
              ...options,
              onStatement: () => statements.inc(),
              onRoundTrip: () => roundTrips.inc(),
            };
            const dataSource = createServiceDataSource(sourceOptions);
            await migrateSchema(sourceOptions, dataSource);
            health.register('database', async () => {
              await dataSource.query('select 1');
            });
            return dataSource;
          },
        },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
