/**
 * Calendar arithmetic shared by every clock of the domain.
 * Pure (only the domain errors): usable in workflows (deterministic), activities, API and tests.
 */
import { InvalidCommand } from './errors';

const DAY_MS = 86_400_000;

/** Date.UTC without its quirk of reading years 0–99 as 1900–1999 (0050-01-31 + 1 month gave 1950-02-28). */
export function utcTime(year: number, monthIndex: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  const t = Date.UTC(year, monthIndex, day, hours, minutes, seconds, ms);
  return year >= 0 && year < 100 ? new Date(t).setUTCFullYear(new Date(t).getUTCFullYear() - 1900) : t;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(utcTime(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * Adds calendar months to an instant, clamping the day to the target month's end
 * (2028-05-31 − 3 months = 2028-02-29, AGR-2), keeping the UTC time of day.
 */
export function addMonths(instant: Date, months: number): Date {
  const y = instant.getUTCFullYear();
  const m = instant.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const day = Math.min(instant.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return new Date(
    utcTime(
      targetYear,
      targetMonth,
      day,
      instant.getUTCHours(),
      instant.getUTCMinutes(),
      instant.getUTCSeconds(),
      instant.getUTCMilliseconds(),
    ),
  );
}

export function addYears(instant: Date, years: number): Date {
  return addMonths(instant, years * 12);
}

export function addDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

/** ISO calendar date (YYYY-MM-DD) of an instant, in UTC. */
export function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses a YYYY-MM-DD date as midnight UTC; throws on anything else (including 2026-02-30). */
export function parseIsoDate(value: string): Date {
  if (!ISO_DATE.test(value)) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${value}`);
  const d = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || isoDate(d) !== value) throw new RangeError(`not a calendar date: ${value}`);
  return d;
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseIsoDate(value);
    return true;
  } catch {
    return false;
  }
}

/** A date field of a command: an ISO calendar date, else 400 naming the field. */
export function requireDate(field: string, value: unknown): string {
  if (!isIsoDate(value)) throw new InvalidCommand(field, `${field} must be an ISO date (YYYY-MM-DD)`);
  return value;
}

/** Whole days from a to b (b − a), rounded down. */
export function daysBetween(a: Date, b: Date): number {
  return Math.floor((b.getTime() - a.getTime()) / DAY_MS);
}

export const MS_PER_DAY = DAY_MS;
