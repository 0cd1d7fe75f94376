export * from './write-context';
export * from './sync-results.migration';
export * from './sync.dto';
export * from './sync.engine';
