/**
 * ISO calendar dates (YYYY-MM-DD) as day numbers, on character codes: no Date, no RegExp, no Intl.
 * For hot paths that handle many dates (the session rules' facts, per candidate); dates.ts stays the
 * general calendar of the domain, and these agree with it (test/unit/shared/domain/calendar-days.test.ts).
 */
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/** Whether `value` starts like an ISO date, YYYY-MM-DD (the day of an ISO instant too): character codes, no RegExp. */
export function startsWithIsoDate(value: string): boolean {
  if (value.length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  for (const i of DATE_DIGITS) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// The fields of a value that startsWithIsoDate.
export const yearOf = (iso: string) => digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3);
const monthOf = (iso: string) => digit(iso, 5) * 10 + digit(iso, 6);
const dayOf = (iso: string) => digit(iso, 8) * 10 + digit(iso, 9);

/**
 * Days since 1970-01-01 of an ISO date YYYY-MM-DD (NaN if it does not look like one). Civil-date
 * arithmetic on character codes: the facts builder calls it per candidate, Date parsing costs more.
 */
export function dayNumber(iso: string): number {
  if (iso.length !== 10 || !startsWithIsoDate(iso)) return Number.NaN;
  let y = yearOf(iso);
  const m = monthOf(iso);
  const d = dayOf(iso);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  // H. Hinnant's days_from_civil.
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

/** A calendar date YYYY-MM-DD (2026-02-30 is not), without building a Date: it is on every evaluation's path. */
export function isCalendarDate(value: string): boolean {
  return !Number.isNaN(dayNumber(value)) && dayOf(value) <= daysInMonth(yearOf(value), monthOf(value));
}

/** The ISO date of a day number (dayNumber's inverse; H. Hinnant's civil_from_days). */
export function isoOfDay(day: number): string {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** `months` calendar months before an ISO date, the day clamped to the month's end (as dates.addMonths). */
export function monthsBefore(iso: string, months: number): string {
  const index = yearOf(iso) * 12 + (monthOf(iso) - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(dayOf(iso), daysInMonth(year, month));
  return `${year}-${pad2(month)}-${pad2(day)}`;
}
