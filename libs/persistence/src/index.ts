export * from './data-source';
export * from './persistence.module';
export * from './audit';
export * from './batch/batch-writer';
export * from './retention';
export * from './transaction/after-commit';
export * from './transaction/deferred-inserts';
export * from './transaction/per-database';
