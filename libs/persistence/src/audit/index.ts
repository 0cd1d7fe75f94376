export * from './audit';
export * from './audit.migration';
export * from './audit.controller';
export * from './audit.module';
