/**
 * Issue 14: a small iCalendar (RFC 5545) writer for read-only feeds: all-day events only. Pure.
 * Lines end with CRLF (§3.1), are folded at 75 octets without splitting a UTF-8 character (§3.1), and TEXT values
 * escape backslashes, semicolons, commas and newlines (§3.3.11).
 */

export interface CalendarEvent {
  /** Stable across feeds, so that calendar applications update the event rather than add another (§3.8.4.7). */
  uid: string;
  /** The day (YYYY-MM-DD) of an all-day event. */
  date: string;
  summary: string;
  description?: string;
  categories?: string[];
}

export interface Calendar {
  /** §3.7.3, e.g. "-//Pix//Agréments//FR". */
  prodId: string;
  /** The name calendar applications show (X-WR-CALNAME, widely read). */
  name: string;
  /** When the feed was written: every event's DTSTAMP (§3.8.7.2). */
  stamp: Date;
  events: CalendarEvent[];
}

/** §3.3.11: a TEXT value, escaped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Octets of a code point in UTF-8 (no Buffer: the domain stays runnable anywhere). */
const utf8Octets = (codePoint: number): number => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** §3.1: a content line folded into lines of at most 75 octets, continuation lines starting with a space. */
export function foldLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0)!);
    const limit = out.length === 0 ? 75 : 74; // a continuation line's leading space counts
    if (octets + size > limit) {
      out.push(out.length === 0 ? current : ` ${current}`);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(out.length === 0 ? current : ` ${current}`);
  return out;
}

/** YYYY-MM-DD → YYYYMMDD (§3.3.4). */
const basicDate = (date: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not an ISO date: ${date}`);
  return date.replace(/-/g, '');
};

/** The next day (DTEND of an all-day event is exclusive, §3.6.1). */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** §3.3.5, UTC form: 20250131T083000Z. */
const utcStamp = (instant: Date): string =>
  instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The whole feed, CRLF line ends, folded. */
export function formatCalendar(calendar: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(calendar.prodId)}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
  ];
  const stamp = utcStamp(calendar.stamp);
  for (const e of calendar.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${basicDate(e.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(e.date))}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.description !== undefined) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.categories?.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
    // A deadline does not make its day busy.
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return `${lines.flatMap(foldLine).join('\r\n')}\r\n`;
}
