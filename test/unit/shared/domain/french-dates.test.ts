import { describe, expect, it } from 'vitest';
import { frenchDate, frenchDateIn, frenchDateTimeIn, frenchTimeIn } from '../../../../src/shared/domain/french-dates';

describe('French dates, one definition for e-mails, the calendar feed and the web app', () => {
  it('the first of the month is "1er"; every other day its number', () => {
    expect(frenchDate('2025-01-01')).toBe('1er janvier 2025');
    expect(frenchDate('2026-10-01')).toBe('1er octobre 2026');
    expect(frenchDate('2025-08-15')).toBe('15 août 2025');
    expect(frenchDate('2025-02-02')).toBe('2 février 2025');
    expect(frenchDate('2024-12-31')).toBe('31 décembre 2024');
  });

  it('an instant reads in the zone: the last evening of a month in Papeete is the 1st in Paris', () => {
    const instant = new Date('2026-05-01T06:30:00Z');
    expect(frenchDateIn(instant, 'Europe/Paris')).toBe('1er mai 2026');
    expect(frenchDateIn(instant, 'Pacific/Tahiti')).toBe('30 avril 2026');
    expect(frenchDateTimeIn(instant, 'Pacific/Tahiti')).toBe('30 avril 2026 à 20 h 30');
  });

  it('times as French administrative texts write them: "17 h", "7 h 05", summer and winter time', () => {
    expect(frenchTimeIn(new Date('2026-03-30T15:00:00Z'), 'Europe/Paris')).toBe('17 h');
    expect(frenchTimeIn(new Date('2026-01-15T06:05:00Z'), 'Europe/Paris')).toBe('7 h 05');
    expect(frenchDateTimeIn(new Date('2026-03-31T22:00:00Z'), 'Europe/Paris')).toBe('1er avril 2026 à 0 h');
  });

  it('a malformed date is refused, not written as "undefined"', () => {
    expect(() => frenchDate('2026-13-01')).toThrow(/YYYY-MM-DD/);
    expect(() => frenchDate('hier')).toThrow(/YYYY-MM-DD/);
  });
});
