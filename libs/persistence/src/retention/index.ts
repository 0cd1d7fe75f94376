export * from './retention-settings';
export * from './retention-task';
export * from './retention.scheduler';
