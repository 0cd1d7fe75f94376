export * from './write-context';
export * from './sync-results.migration';
export * from './sync.dto';
export * from './sync.engine';
export * from './sync-health.migration';
export * from './sync-health';
export * from './sync-results-retention.migration';
export * from './sync-results.retention';
