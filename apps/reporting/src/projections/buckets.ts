/** Team, member or village absent from an event: stored as the nil UUID so it can be part of a key. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

/** Day buckets are Vietnam calendar days: the platform's one helper. */
export { vietnamDay } from '@dtc/platform';
