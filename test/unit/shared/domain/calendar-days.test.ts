import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumber, isCalendarDate, isoOfDay, monthsBefore } from '../../../../src/shared/domain/calendar-days';
import { addMonths, isIsoDate, isoDate, MS_PER_DAY, parseIsoDate } from '../../../../src/shared/domain/dates';

/** The character-code calendar of hot paths agrees with dates.ts (Date based) on every day of 1900–2199. Seeded. */
const SEED = 20200101;
const dayArb = fc.integer({ min: Date.UTC(1900, 0, 1) / MS_PER_DAY, max: Date.UTC(2199, 11, 31) / MS_PER_DAY });

describe('calendar days (ISO dates as day numbers)', () => {
  it('dayNumber and isoOfDay are the days since 1970-01-01 of dates.ts, both ways', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const iso = isoDate(new Date(day * MS_PER_DAY));
        expect(isoOfDay(day)).toBe(iso);
        expect(dayNumber(iso)).toBe(day);
        expect(isCalendarDate(iso)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('monthsBefore clamps to the month end as dates.addMonths (2028-05-31 − 3 months = 2028-02-29)', () => {
    expect(monthsBefore('2028-05-31', 3)).toBe('2028-02-29');
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 36 }), (day, months) => {
        const iso = isoOfDay(day);
        expect(monthsBefore(iso, months)).toBe(isoDate(addMonths(parseIsoDate(iso), -months)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('refuses what is not a calendar date, as dates.ts does', () => {
    for (const value of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-01', '2026/01/01', 'abcd-ef-gh', '']) {
      expect(isCalendarDate(value)).toBe(isIsoDate(value));
      expect(isCalendarDate(value)).toBe(false);
    }
    expect(dayNumber('2026-13-01')).toBeNaN();
    expect(isCalendarDate('2028-02-29')).toBe(true);
  });
});
