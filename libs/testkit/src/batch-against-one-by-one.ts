import type { EventEnvelope } from '@dtc/contracts';
import type { DataSource, EntityManager, MigrationInterface } from 'typeorm';
import { migratedDataSource, type MigratedSchema } from './migrated-schema';

type Side = 'batch' | 'oneByOne';

/**
 * A read model's batch against the same events one by one (real Postgres, no Kafka): two schemas
 * migrated alike, the events applied as one batch in one and one transaction per event in the
 * other, counting the statements each side sent. A batch must leave the same rows.
 */
export class BatchAgainstOneByOne {
  private constructor(
    private readonly sides: Record<Side, MigratedSchema>,
  ) {}

  static async start(schemaPrefix: string, migrations: Array<new () => MigrationInterface>, seed: string[] = []): Promise<BatchAgainstOneByOne> {
    const sides = {} as Record<Side, MigratedSchema>;
    for (const side of ['batch', 'oneByOne'] as const) {
      sides[side] = await migratedDataSource(`${schemaPrefix}_${side.toLowerCase()}`, migrations);
      for (const sql of seed) await sides[side].dataSource.query(sql);
    }
    return new BatchAgainstOneByOne(sides);
  }

  async apply<T>(events: EventEnvelope[], apply: (tx: EntityManager, events: EventEnvelope[]) => Promise<T>) {
    const oneByOne = { statements: 0, results: [] as T[] };
    for (const event of events) {
      await this.sides.oneByOne.dataSource.transaction(async (tx) => oneByOne.results.push(await apply(countStatements(tx, () => (oneByOne.statements += 1)), [event])));
    }
    const batch = { statements: 0, result: undefined as T | undefined };
    await this.sides.batch.dataSource.transaction(async (tx) => (batch.result = await apply(countStatements(tx, () => (batch.statements += 1)), events)));
    return { batch: batch as { statements: number; result: T }, oneByOne };
  }

  /** Runs the same statements on both sides (rows that were there before the events). */
  async seed(statements: readonly string[]): Promise<void> {
    for (const { dataSource } of Object.values(this.sides)) for (const sql of statements) await dataSource.query(sql);
  }

  /** The same queries on both sides. */
  async read(queries: Record<string, string>): Promise<Record<Side, Record<string, unknown[]>>> {
    const read = async (dataSource: DataSource) => Object.fromEntries(await Promise.all(Object.entries(queries).map(async ([name, sql]) => [name, await dataSource.query(sql)])));
    return { batch: await read(this.sides.batch.dataSource), oneByOne: await read(this.sides.oneByOne.dataSource) };
  }

  async stop(): Promise<void> {
    for (const side of Object.values(this.sides)) await side.drop();
  }
}

/** The transaction's manager, with every statement sent through it counted. */
export function countStatements(tx: EntityManager, count: (sql: string) => void): EntityManager {
  const query = tx.query.bind(tx);
  tx.query = ((sql: string, parameters?: unknown[]) => (count(sql), query(sql, parameters))) as EntityManager['query'];
  return tx;
}
