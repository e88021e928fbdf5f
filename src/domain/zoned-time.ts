import { isoDate, parseIsoDate } from './dates';

/**
 * Calendar dates in a time zone (IANA name), with Intl only: deterministic, so usable in workflows.
 * A date-deadline "by D" passes at the start of D + 1 in the zone; "on D" happens at the start of D.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of the zone from UTC at an instant, in ms (e.g. +3 600 000 in Paris in winter). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const v = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type in v) v[p.type as keyof typeof v] = Number(p.value);
  const asUtc = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar date of an instant in the zone. */
export function dateIn(instant: Date, timeZone: string): string {
  return isoDate(new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)));
}

/** The instant a local wall-clock time occurs in the zone (the later offset wins across a DST gap). */
export function zonedInstant(date: string, timeZone: string, hours = 0, minutes = 0): Date {
  const wall = parseIsoDate(date).getTime() + (hours * 60 + minutes) * 60_000;
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

export function startOfDay(date: string, timeZone: string): Date {
  return zonedInstant(date, timeZone, 0, 0);
}

/** When a deadline "by D" has passed: the start of the following day. */
export function endOfDay(date: string, timeZone: string): Date {
  return startOfDay(isoDate(new Date(parseIsoDate(date).getTime() + 86_400_000)), timeZone);
}
