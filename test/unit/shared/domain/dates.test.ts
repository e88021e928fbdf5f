import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears, isoDate, parseIsoDate } from '../../../../src/shared/domain/dates';

const d = (s: string) => parseIsoDate(s);

describe('calendar arithmetic', () => {
  it('AGR-2 clamps to the month end: a term on 2028-05-31 minus 3 months is 2028-02-29', () => {
    expect(isoDate(addMonths(d('2028-05-31'), -3))).toBe('2028-02-29');
    expect(isoDate(addMonths(d('2027-05-31'), -3))).toBe('2027-02-28');
  });

  it('APP-7 adds 2 calendar months: 2026-01-15 → 2026-03-15, 2025-12-31 → 2026-02-28', () => {
    expect(isoDate(addMonths(d('2026-01-15'), 2))).toBe('2026-03-15');
    expect(isoDate(addMonths(d('2025-12-31'), 2))).toBe('2026-02-28');
  });

  it('APP-6 terms: 3 years after 2025-01-31 is 2028-01-31; 1 year after 2024-02-29 is 2025-02-28', () => {
    expect(isoDate(addYears(d('2025-01-31'), 3))).toBe('2028-01-31');
    expect(isoDate(addYears(d('2024-02-29'), 1))).toBe('2025-02-28');
  });

  it('keeps the time of day and crosses years both ways', () => {
    expect(addMonths(new Date('2026-11-30T10:15:00.000Z'), 3).toISOString()).toBe('2027-02-28T10:15:00.000Z');
    expect(isoDate(addMonths(d('2026-01-31'), -2))).toBe('2025-11-30');
    expect(isoDate(addDays(d('2026-03-10'), 30))).toBe('2026-04-09');
  });

  it('refuses dates that are not calendar dates', () => {
    expect(() => parseIsoDate('2026-02-30')).toThrow(/calendar date/);
    expect(() => parseIsoDate('15/01/2026')).toThrow(/ISO date/);
  });
});
