import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@dtc/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { useActiveGeneration } from './generations';

/** Read access to the projections: every read runs against the generation active when it starts. */
@Injectable()
export class ProjectionStore {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /** Runs `work` in one read transaction that sees the active generation and the service's own tables. */
  read<T>(work: (tx: EntityManager, generation: string) => Promise<T>): Promise<T> {
    // One snapshot for the whole report: every figure in it is from the same moment.
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const generation = await useActiveGeneration(tx, this.config.databaseSchema);
      return work(tx, generation);
    });
  }

  /** Like read, but read-committed: for writes to the service's own tables (row locks wait instead of failing). */
  write<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', async (tx) => {
      await useActiveGeneration(tx, this.config.databaseSchema);
      return work(tx);
    });
  }
}
