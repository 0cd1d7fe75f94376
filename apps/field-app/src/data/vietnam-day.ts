/**
 * Today's Vietnam calendar day (UTC+7, no daylight saving) as YYYY-MM-DD, whatever zone the phone
 * is set to: the same rule the services' calendar helper applies (libs/platform), so a date the
 * phone offers as "today" is never "in the future" for the server between 17:00 and 24:00 UTC.
 */
export function vietnamToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}
