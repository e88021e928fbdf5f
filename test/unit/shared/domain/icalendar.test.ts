import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, formatCalendar } from '../../../../src/shared/domain/icalendar';

const octets = (s: string) => new TextEncoder().encode(s).length;

describe('iCalendar writer (RFC 5545, issue 14)', () => {
  it('§3.3.11 escapes backslashes, semicolons, commas and newlines in TEXT', () => {
    expect(escapeText('a\\b; c, d\ne\r\nf')).toBe('a\\\\b\\; c\\, d\\ne\\nf');
  });

  it('§3.1 folds at 75 octets, continuation lines starting with a space, never inside a UTF-8 character', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(line);
    expect(folded.length).toBeGreaterThan(1);
    for (const l of folded) expect(octets(l)).toBeLessThanOrEqual(75);
    for (const l of folded.slice(1)) expect(l.startsWith(' ')).toBe(true);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(line);
    expect(foldLine('DTSTART;VALUE=DATE:20250101')).toEqual(['DTSTART;VALUE=DATE:20250101']);
    expect(foldLine('x'.repeat(75))).toHaveLength(1);
    expect(foldLine('x'.repeat(76))).toEqual(['x'.repeat(75), ' x']);
  });

  it('writes all-day events with CRLF line ends, DTSTAMP in UTC and an exclusive DTEND', () => {
    const ics = formatCalendar({
      prodId: '-//Pix//Agréments//FR',
      name: 'Échéances',
      stamp: new Date('2025-01-31T08:30:05.123Z'),
      events: [{ uid: 'a-1@x', date: '2025-12-31', summary: 'Terme, centre; A', description: 'ligne 1\nligne 2', categories: ['AGR-1'] }],
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.split('\r\n').slice(0, -1)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Pix//Agréments//FR',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Échéances',
      'BEGIN:VEVENT',
      'UID:a-1@x',
      'DTSTAMP:20250131T083005Z',
      'DTSTART;VALUE=DATE:20251231',
      'DTEND;VALUE=DATE:20260101',
      'SUMMARY:Terme\\, centre\\; A',
      'DESCRIPTION:ligne 1\\nligne 2',
      'CATEGORIES:AGR-1',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });

  it('an empty feed is still a calendar', () => {
    expect(formatCalendar({ prodId: 'p', name: 'n', stamp: new Date(0), events: [] })).toBe(
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:p\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:n\r\nEND:VCALENDAR\r\n',
    );
  });
});
