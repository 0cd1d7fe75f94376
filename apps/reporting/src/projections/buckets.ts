/** Team, member or village absent from an event: stored as the nil UUID so it can be part of a key. */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

/** The calendar day in Vietnam (UTC+7, no daylight saving) on which a thing happened. */
export function vietnamDay(isoTime: string): string {
  return new Date(new Date(isoTime).getTime() + 7 * 3600000).toISOString().slice(0, 10);
}
