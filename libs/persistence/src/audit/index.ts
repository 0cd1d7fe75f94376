export * from './audit';
export * from './audit.migration';
export * from './audit.controller';
export * from './audit.module';
export * from './audit-partitions';
export * from './audit-partitioning.migration';
