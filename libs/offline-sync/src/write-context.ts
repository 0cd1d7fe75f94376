import type { DataSource, EntityManager } from 'typeorm';

/** How a write is performed: in its own transaction, or inside an offline-sync item's one. */
export interface WriteContext {
  tx?: EntityManager;
  /** Device time of an offline command; overrides "now" and any time in the payload. */
  occurredAt?: Date;
  correlationId?: string;
}

export function inTransaction<T>(dataSource: DataSource, context: WriteContext, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return context.tx ? work(context.tx) : dataSource.transaction(work);
}
