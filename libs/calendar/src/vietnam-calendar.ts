/**
 * The one calendar of the platform: Vietnam's (UTC+7 all year, no daylight saving). Every
 * "today", "this month", "not in the future" for days or months, and every day bucket goes
 * through these functions, never through `toISOString().slice(...)` of an instant: between
 * 17:00 and 24:00 UTC the Vietnam day is already tomorrow, and answers must not depend on which
 * side of midnight UTC a request falls.
 */
export const VIETNAM_UTC_OFFSET_MS = 7 * 3600000;
export const DAY_MS = 86400000;

type Instant = Date | string | number;

function millis(at: Instant): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new RangeError(`not a point in time: ${String(at)}`);
  return ms;
}

/** The Vietnam calendar day (YYYY-MM-DD) of an instant; now when none is given. */
export function vietnamDay(at: Instant = Date.now()): string {
  return new Date(millis(at) + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Vietnam calendar month (YYYY-MM) of an instant; now when none is given. */
export function vietnamMonth(at: Instant = Date.now()): string {
  return vietnamDay(at).slice(0, 7);
}

/** The Vietnam calendar year of an instant; now when none is given. */
export function vietnamYear(at: Instant = Date.now()): number {
  return Number(vietnamDay(at).slice(0, 4));
}

/** Today in Vietnam (YYYY-MM-DD). */
export function vietnamToday(): string {
  return vietnamDay(Date.now());
}

/** The day `days` after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one YYYY-MM-DD day to another (negative when `to` is earlier). */
export function daysFromTo(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The instant a Vietnam day starts (00:00 in Vietnam is 17:00 UTC the day before), plus `hours`. */
export function vietnamDayStart(day: string, hours = 0): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - VIETNAM_UTC_OFFSET_MS + hours * 3600000);
}
