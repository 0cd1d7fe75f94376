export * from './envelope';
export * from './define-event';
export * from './catalogue';
export * from './validation';
export * from './create-event';
export * from './json-schema';
export * from './events/household-registry.events';
export * from './events/enrollment.events';
