// Pure functions with no Node or browser dependency: the services (through @dtc/platform) and the
// web apps share this one calendar.
export * from './vietnam-calendar';
