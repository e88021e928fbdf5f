import { dateIn, zoneOffsetMs } from './zoned-time';

/**
 * Dates as French readers expect them, for every place people read one (e-mails, the calendar feed, the web
 * app): "1er mars 2025" (the ordinal for the first of the month), "15 juillet 2025", "30 mars 2026 à 17 h",
 * "1er avril 2026 à 7 h 30". A date off by a day is a wrong legal act, so one definition serves them all;
 * month names from a table, not a locale, so it reads the same on any runtime.
 */
const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** A calendar date (YYYY-MM-DD) as is: "1er mars 2025". */
export function frenchDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !MONTHS[month - 1] || !day) throw new Error(`expected a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

/** The date of an instant in the zone: "1er avril 2026". */
export function frenchDateIn(instant: Date, timeZone: string): string {
  return frenchDate(dateIn(instant, timeZone));
}

/** The time of an instant in the zone, as French administrative texts write it: "17 h", "7 h 30". */
export function frenchTimeIn(instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
  const minutes = local.getUTCMinutes();
  return `${local.getUTCHours()} h${minutes === 0 ? '' : ` ${String(minutes).padStart(2, '0')}`}`;
}

/** Date and time of an instant in the zone: "1er avril 2026 à 7 h 30". */
export function frenchDateTimeIn(instant: Date, timeZone: string): string {
  return `${frenchDateIn(instant, timeZone)} à ${frenchTimeIn(instant, timeZone)}`;
}
