import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The one way a request gives a point in time or a calendar day. `IsISO8601` alone is not enough:
 * it passes week dates (2026-W30), ordinal dates (2026-200), a bare year, times without a zone and
 * impossible days inside a date-time (2026-02-30T00:00:00Z), which `new Date` then rejects, rolls
 * over to another day or reads in the server's zone, and which the database may refuse (a 500).
 * Here a value is accepted only in one shape that JavaScript and PostgreSQL read alike, naming a
 * real calendar day within the years the platform stores.
 */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 9999;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** RFC 3339: date, T, hours and minutes, optional seconds and fraction, and a zone (Z or +hh:mm). */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const inRange = (year: number) => year >= EARLIEST_YEAR && year <= LATEST_YEAR;

/** A real calendar day YYYY-MM-DD (no 2026-02-30, no month 13) between 1900 and 9999. */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (!inRange(year)) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An instant written as an RFC 3339 date-time with a time zone (2026-07-21T08:30:00.000Z,
 * 2026-07-21T15:30+07:00), on a real calendar day, that `new Date` reads, between 1900 and 9999 UTC.
 */
export function isIsoDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME.exec(value);
  if (!match || !isCalendarDay(match[1])) return false;
  const at = new Date(value);
  return Number.isFinite(at.getTime()) && inRange(at.getUTCFullYear());
}

export const DATE_TIME_REASON = 'must be an ISO 8601 date-time with a time zone, e.g. 2026-07-21T08:30:00.000Z, between the years 1900 and 9999';
export const DAY_REASON = 'must be a date YYYY-MM-DD (a real calendar day between 1900-01-01 and 9999-12-31)';

/** The request field is an instant: see `isIsoDateTime`. Use it instead of `IsISO8601` on every DTO. */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDateTime',
      validator: { validate: (value: unknown) => isIsoDateTime(value), defaultMessage: (args) => `${args?.property} ${DATE_TIME_REASON}` },
    },
    options,
  );
}

/** The request field is a calendar day: see `isCalendarDay`. Use it instead of `IsISO8601`/`Matches` on every DTO. */
export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDay',
      validator: { validate: (value: unknown) => isCalendarDay(value), defaultMessage: (args) => `${args?.property} ${DAY_REASON}` },
    },
    options,
  );
}
