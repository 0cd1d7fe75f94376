import fc from 'fast-check';
import { validate } from 'class-validator';
import { IsCalendarDay, IsIsoDateTime, isCalendarDay, isIsoDateTime } from './dates';
import { decimalPlaces, IsDecimal } from './numbers';
import { flattenValidationErrors } from './validation';

const SEED = 20260721;

class Stamped {
  @IsIsoDateTime()
  at!: unknown;

  @IsCalendarDay()
  day!: unknown;
}

const problemsOf = async (at: unknown, day: unknown) => flattenValidationErrors(await validate(Object.assign(new Stamped(), { at, day })));

describe('dates in requests', () => {
  it.each([
    '2026-07-21T08:30:00.000Z',
    '2026-07-21T08:30:00Z',
    '2026-07-21T08:30Z',
    '2026-07-21T15:30:00+07:00',
    '2026-07-21T08:30:00.123456Z',
    '2024-02-29T23:59:59.999-05:30',
    '1900-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
  ])('accepts the date-time %s', (value) => {
    expect(isIsoDateTime(value)).toBe(true);
  });

  it.each([
    ['a week date (IsISO8601 passes it, new Date cannot read it)', '2026-W30'],
    ['a week date with a day', '2026-W30-2'],
    ['an ordinal date', '2026-200'],
    ['a bare year', '2026'],
    ['a day without a time', '2026-07-21'],
    ['no time zone (read in the server zone)', '2026-07-21T08:30:00'],
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-07-21T24:00:00Z'],
    ['a leap second', '2026-06-30T23:59:60Z'],
    ['beyond what a Date holds', '+275760-09-13T00:00:00.001Z'],
    ['an expanded year', '+002026-07-21T08:30:00Z'],
    ['year 0 (PostgreSQL has none)', '0000-01-01T00:00:00Z'],
    ['before 1900', '1899-12-31T23:59:59Z'],
    ['after 9999 once in UTC', '9999-12-31T23:00:00-02:00'],
    ['basic format', '20260721T083000Z'],
    ['a space for T', '2026-07-21 08:30:00Z'],
    ['a comma fraction', '2026-07-21T08:30:00,5Z'],
    ['a zone of 24 hours', '2026-07-21T08:30:00+24:00'],
    ['a trailing newline', '2026-07-21T08:30:00Z\n'],
    ['a NUL', '2026-07-21T08:30:00Z\u0000'],
    ['a word', 'now'],
    ['empty', ''],
    ['a number', 1784622600000],
    ['null', null],
    ['a list', ['2026-07-21T08:30:00Z']],
  ])('refuses %s as a date-time', (_what, value) => {
    expect(isIsoDateTime(value)).toBe(false);
  });

  it.each(['2026-07-21', '2024-02-29', '1900-01-01', '9999-12-31'])('accepts the day %s', (value) => {
    expect(isCalendarDay(value)).toBe(true);
  });

  it.each(['2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-07-00', '0000-01-01', '1899-12-31', '+275760-09-13', '2026-W30', '2026-200', '2026-7-1', '20260721', '2026-07-21T00:00:00Z', '', 20260721, null])(
    'refuses %p as a day',
    (value) => {
      expect(isCalendarDay(value)).toBe(false);
    },
  );

  it('decorators name the field and the reason', async () => {
    expect(await problemsOf('2026-W30', '2026-02-30')).toEqual([
      { field: 'at', reason: expect.stringMatching(/^at must be an ISO 8601 date-time with a time zone/) },
      { field: 'day', reason: expect.stringMatching(/^day must be a date YYYY-MM-DD/) },
    ]);
    expect(await problemsOf('2026-07-21T08:30:00.000Z', '2026-07-21')).toEqual([]);
  });

  it('property: whatever string is accepted, new Date reads it, as the same calendar day and within 1900-9999, and PostgreSQL-safe output round-trips', () => {
    const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const zone = fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), digits(2), digits(2)).map(([s, h, m]) => `${s}${h}:${m}`));
    const stamp = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), fc.option(digits(2)), fc.option(fc.integer({ min: 1, max: 9 }).chain(digits)), zone)
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}${s === null ? '' : `:${s}${f === null ? '' : `.${f}`}`}${z}`);
    const anything = fc.oneof(stamp, fc.string(), fc.constantFrom('2026-W30', '2026-02-30T00:00:00Z', '+275760-09-13T00:00:00.001Z'));
    fc.assert(
      fc.property(anything, (value) => {
        if (!isIsoDateTime(value)) return true;
        const at = new Date(value);
        const year = at.getUTCFullYear();
        return Number.isFinite(at.getTime()) && year >= 1900 && year <= 9999 && isCalendarDay(value.slice(0, 10)) && isIsoDateTime(at.toISOString());
      }),
      { seed: SEED, numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.tuple(digits(4), digits(2), digits(2)), ([y, m, d]) => {
        const day = `${y}-${m}-${d}`;
        const parsed = new Date(`${day}T00:00:00Z`);
        const real = Number.isFinite(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day && Number(y) >= 1900;
        return isCalendarDay(day) === real;
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
});

describe('decimal numbers in requests', () => {
  class Measured {
    @IsDecimal(2)
    km!: unknown;
  }
  const reasons = async (km: unknown) => flattenValidationErrors(await validate(Object.assign(new Measured(), { km }))).map((p) => p.reason);

  it.each([0, 12.5, 12.25, -3, 1e21, 100000000])('accepts %p', async (km) => {
    expect(await reasons(km)).toEqual([]);
  });

  it.each([-2e-323, 5e-324, 1.5e-7, 12.345, Number.NaN, Number.POSITIVE_INFINITY, '12.5', null])('refuses %p with a reason (IsNumber({ maxDecimalPlaces }) threw on exponent notation: a 500)', async (km) => {
    expect(await reasons(km)).toEqual(['km must be a number with at most 2 decimal places']);
  });

  it('property: a number written with its decimal places reads back as itself, and with one fewer it does not', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (n) => {
        const places = decimalPlaces(n);
        if (places > 100) return true;
        return Number(n.toFixed(places)) === n && (places === 0 || Number(n.toFixed(places - 1)) !== n);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
