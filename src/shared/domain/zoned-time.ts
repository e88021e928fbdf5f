import { isoDate, MS_PER_DAY as DAY_MS, parseIsoDate, utcTime } from './dates';

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

/**
 * Offsets already computed, per zone and second: formatToParts costs tens of microseconds, a bulk import asks the same
 * few hundred dates' offsets again and again (SES-10 deadlines), and every request asking for today asks for the
 * current second's. Exact: the offset is read to the second (computeZoneOffsetMs), the time zone database's own
 * resolution, so every instant of one second has the same. Bounded, emptied when full.
 */
const offsets = new Map<string, Map<number, number>>();
const OFFSETS_PER_ZONE = 4096;

/** Offset of the zone from UTC at an instant, in ms (e.g. +3 600 000 in Paris in winter). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const at = Math.floor(instant.getTime() / 1000);
  let known = offsets.get(timeZone);
  const hit = known?.get(at);
  if (hit !== undefined) return hit;
  const offset = computeZoneOffsetMs(instant, timeZone);
  if (!known) offsets.set(timeZone, (known = new Map()));
  else if (known.size >= OFFSETS_PER_ZONE) known.clear();
  known.set(at, offset);
  return offset;
}

function computeZoneOffsetMs(instant: Date, timeZone: string): number {
  const v = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type in v) v[p.type as keyof typeof v] = Number(p.value);
  const asUtc = utcTime(v.year, v.month - 1, v.day, v.hour, v.minute, v.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar date of an instant in the zone. */
export function dateIn(instant: Date, timeZone: string): string {
  return isoDate(new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)));
}

/**
 * The instant a local wall-clock time occurs in the zone. Like Temporal's "compatible" disambiguation:
 * a time repeated when clocks go back is its first occurrence; a time skipped when they go forward is
 * moved forward by the gap (02:30 on a spring-forward night is 03:30), in every zone, east or west of UTC
 * (two guesses used to land an hour early in Montreal's gap, and on the wrong day at Guadeloupe 1942-05-03).
 */
export function zonedInstant(date: string, timeZone: string, hours = 0, minutes = 0): Date {
  return new Date(resolve(parseIsoDate(date).getTime() + (hours * 60 + minutes) * 60_000, timeZone).instant);
}

/** The instant of a wall-clock time (ms, as if UTC); `steady` when the offset is the same a day either side. */
function resolve(wall: number, timeZone: string): { instant: number; steady: boolean } {
  // Offsets around the wall time (offsets stay within ±24 h): any transition near it lies between them.
  const before = zoneOffsetMs(new Date(wall - DAY_MS), timeZone);
  const after = zoneOffsetMs(new Date(wall + DAY_MS), timeZone);
  if (before === after && zoneOffsetMs(new Date(wall - before), timeZone) === before) return { instant: wall - before, steady: true };
  const offsets = new Set([before, after, zoneOffsetMs(new Date(wall - before), timeZone), zoneOffsetMs(new Date(wall - after), timeZone)]);
  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of offsets) {
    const candidate = wall - offset;
    if (candidate < earliest && zoneOffsetMs(new Date(candidate), timeZone) === offset) earliest = candidate;
  }
  // No candidate: the wall time falls in a gap; the offset before it places it that far after the gap's start.
  return { instant: Number.isFinite(earliest) ? earliest : wall - before, steady: false };
}

/** The first instant of the date in the zone: an event "on D" takes effect then. */
export function startOfDay(date: string, timeZone: string): Date {
  const { instant, steady } = resolve(parseIsoDate(date).getTime(), timeZone);
  if (steady || dateIn(new Date(instant - 1), timeZone) !== date) return new Date(instant);
  // A gap that began before midnight (Montreal, 1919-03-30 23:30 → 00:30): the day starts at the transition.
  let lo = instant - DAY_MS;
  let hi = instant;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dateIn(new Date(mid), timeZone) < date) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

/** When a deadline "by D" has passed: the start of the following day. */
export function endOfDay(date: string, timeZone: string): Date {
  return startOfDay(isoDate(new Date(parseIsoDate(date).getTime() + DAY_MS)), timeZone);
}

/** An IANA time zone name that Intl knows (e.g. Europe/Paris, Indian/Reunion). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.trim() === '') return false;
  if (KNOWN_ZONES.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: value });
  } catch {
    return false;
  }
  KNOWN_ZONES.add(value); // bounded: only real IANA names get here (building a formatter is slow, a bulk import asks per session)
  return true;
}

const KNOWN_ZONES = new Set<string>();
