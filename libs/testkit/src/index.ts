export * from './test-run';
export * from './eventually';
export * from './kafka-probe';
export * from './database';
export * from './field-stream';
export * from './ports';
export * from './registry-changes';
export * from './batch-against-one-by-one';
