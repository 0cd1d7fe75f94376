import { addDays, daysFromTo, vietnamDay, vietnamDayStart, vietnamMonth, vietnamToday, vietnamYear } from './vietnam-calendar';

describe('the Vietnam calendar (UTC+7, no daylight saving)', () => {
  it('starts the Vietnam day at 17:00 UTC the day before', () => {
    expect(vietnamDay('2026-07-21T16:59:59.999Z')).toBe('2026-07-21');
    expect(vietnamDay('2026-07-21T17:00:00.000Z')).toBe('2026-07-22');
    expect(vietnamDay(new Date('2026-07-21T00:00:00+07:00'))).toBe('2026-07-21');
    expect(vietnamDayStart('2026-07-22').toISOString()).toBe('2026-07-21T17:00:00.000Z');
    expect(vietnamDayStart('2026-07-22', 9).toISOString()).toBe('2026-07-22T02:00:00.000Z');
  });

  it.each([
    // The last evening of a month in UTC is already the next month in Vietnam.
    ['2026-11-30T17:30:00Z', '2026-12-01', '2026-12', 2026],
    ['2026-12-31T23:30:00Z', '2027-01-01', '2027-01', 2027],
    ['2026-12-31T16:59:59Z', '2026-12-31', '2026-12', 2026],
    ['2028-02-28T17:00:00Z', '2028-02-29', '2028-02', 2028],
  ])('at %s "today" is %s, this month %s, this year %d', (instant, day, month, year) => {
    jest.useFakeTimers({ now: new Date(instant), doNotFake: ['setTimeout', 'setInterval', 'setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      expect(vietnamToday()).toBe(day);
      expect(vietnamMonth()).toBe(month);
      expect(vietnamYear()).toBe(year);
      expect(vietnamDay()).toBe(day);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts calendar days across months, years and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysFromTo('2026-01-01', '2028-12-31')).toBe(1095);
    expect(daysFromTo('2026-07-22', '2026-07-21')).toBe(-1);
  });

  it('refuses what is not a point in time instead of inventing a day', () => {
    expect(() => vietnamDay('2026-W30')).toThrow(RangeError);
    expect(() => vietnamDay(Number.NaN)).toThrow(RangeError);
  });
});
