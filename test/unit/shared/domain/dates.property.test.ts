import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import * as deadlines from '../../../../src/agrement/domain/deadlines';
import { addDays, addMonths, addYears, daysBetween, isoDate, MS_PER_DAY, parseIsoDate, utcTime } from '../../../../src/shared/domain/dates';
import { dateIn, endOfDay, startOfDay, zonedInstant, zoneOffsetMs } from '../../../../src/shared/domain/zoned-time';

/**
 * Property-based tests of the calendar arithmetic every dated rule relies on (DOMAIN.md, "Time conventions").
 * Seeded: a failure names its counterexample and reproduces.
 */
const SEED = 20260310;
const run = <Ts extends unknown[]>(property: fc.IProperty<Ts>, numRuns = 300) => fc.assert(property, { seed: SEED, numRuns });

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

/** Midnight UTC of a calendar date (the domain's dates), as an arbitrary. */
const dayArb = (fromYear = MIN_YEAR, toYear = MAX_YEAR) =>
  fc.integer({ min: utcTime(fromYear, 0, 1) / MS_PER_DAY, max: utcTime(toYear, 11, 31) / MS_PER_DAY }).map((n) => new Date(n * MS_PER_DAY));
/** A calendar date YYYY-MM-DD; month ends and 29 February come often. */
const isoDayArb = fc.oneof(
  { weight: 3, arbitrary: dayArb().map(isoDate) },
  {
    weight: 1,
    arbitrary: fc
      .record({ y: fc.integer({ min: MIN_YEAR, max: MAX_YEAR }), m: fc.integer({ min: 0, max: 11 }), back: fc.integer({ min: 0, max: 3 }) })
      .map(({ y, m, back }) => isoDate(new Date(Date.UTC(y, m + 1, 0 - back)))),
  },
);
const monthsArb = fc.integer({ min: -600, max: 600 });

const lastDay = (year: number, monthIndex: number) => new Date(utcTime(year, monthIndex + 1, 0)).getUTCDate();
const next = (day: string) => isoDate(addDays(parseIsoDate(day), 1));
const previous = (day: string) => isoDate(addDays(parseIsoDate(day), -1));
const ordered = ([a, b]: [string, string]): [string, string] => (a <= b ? [a, b] : [b, a]);

describe('dates.ts: calendar months clamp to the month end (AGR-2, APP-7, QUO-1, TER-3)', () => {
  it('AGR-2 D + n months is in the target month, on min(day, last day), at the same UTC time of day', () => {
    run(
      fc.property(dayArb(), monthsArb, fc.integer({ min: 0, max: MS_PER_DAY - 1 }), (day, months, timeOfDay) => {
        const instant = new Date(day.getTime() + timeOfDay);
        const result = addMonths(instant, months);
        const target = instant.getUTCFullYear() * 12 + instant.getUTCMonth() + months;
        const [year, month] = [Math.floor(target / 12), ((target % 12) + 12) % 12];
        expect([result.getUTCFullYear(), result.getUTCMonth()]).toEqual([year, month]);
        expect(result.getUTCDate()).toBe(Math.min(instant.getUTCDate(), lastDay(year, month)));
        expect(((result.getTime() % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY).toBe(timeOfDay);
      }),
    );
  });

  it('AGR-2 never overshoots: going n months forward then back never lands after the start', () => {
    run(
      fc.property(dayArb(), monthsArb, (day, months) => {
        const back = addMonths(addMonths(day, months), -months);
        expect(back.getTime()).toBeLessThanOrEqual(day.getTime());
        expect(daysBetween(back, day)).toBeLessThan(4); // at most 31 − 28 days lost to the clamp
      }),
    );
  });

  it('AGR-2 holds for the years 0–99 too (Date.UTC read them as 1900–1999)', () => {
    run(
      fc.property(dayArb(0, 120), fc.integer({ min: -24, max: 24 }), (day, months) => {
        const result = addMonths(day, months);
        const target = day.getUTCFullYear() * 12 + day.getUTCMonth() + months;
        if (target < 0) return;
        expect(result.getUTCFullYear()).toBe(Math.floor(target / 12));
        expect(result.getUTCDate()).toBe(Math.min(day.getUTCDate(), lastDay(result.getUTCFullYear(), result.getUTCMonth())));
      }),
    );
    expect(isoDate(addMonths(parseIsoDate('0050-01-31'), 1))).toBe('0050-02-28');
  });

  it('APP-6 years are 12 months; adding months is monotonic on dates and, with a time of day, on the calendar day', () => {
    run(
      fc.property(
        dayArb(),
        dayArb(),
        monthsArb,
        fc.integer({ min: 0, max: MS_PER_DAY - 1 }),
        fc.integer({ min: 0, max: MS_PER_DAY - 1 }),
        (a, b, months, ta, tb) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(addMonths(lo, months).getTime()).toBeLessThanOrEqual(addMonths(hi, months).getTime());
          expect(addYears(lo, months).getTime()).toBe(addMonths(lo, months * 12).getTime());
          // With times of day, 30 January 23:00 + 1 month can come after 31 January 01:00 + 1 month (both 28 February):
          // only the calendar day is monotonic.
          const [x, y] = [new Date(lo.getTime() + ta), new Date(hi.getTime() + tb)];
          if (x <= y) expect(isoDate(addMonths(x, months)) <= isoDate(addMonths(y, months))).toBe(true);
        },
      ),
    );
  });

  it('BRE-1, TER-1 “within N days of D” is D + N: days and whole-day differences invert each other; ISO dates round-trip', () => {
    run(
      fc.property(dayArb(), fc.integer({ min: -5000, max: 5000 }), (day, n) => {
        expect(daysBetween(day, addDays(day, n))).toBe(n);
        expect(parseIsoDate(isoDate(day)).getTime()).toBe(day.getTime());
      }),
    );
  });
});

describe('deadlines.ts: every deadline is monotonic in its fact and follows the conventions', () => {
  const single: Array<[string, (day: string) => string]> = [
    ['APP-5 termOn (3 years)', (day) => deadlines.termOn(day, 3)],
    ['APP-5 termOn (1 year)', (day) => deadlines.termOn(day, 1)],
    ['AGR-2 renewalDueOn', deadlines.renewalDueOn],
    ['REF-3 badgeDueOn', deadlines.badgeDueOn],
    ['QUO-1 quotaDeadlineOn', deadlines.quotaDeadlineOn],
    ['QUO-2 quotaWithdrawalEffectiveOn', deadlines.quotaWithdrawalEffectiveOn],
    ['BRE-1 cureDueOn (no suspension)', (day) => deadlines.cureDueOn(day, null).cureDueOn],
    ['SUS-5 visitAnswerDueOn', deadlines.visitAnswerDueOn],
    ['TER-1 convenienceEffectiveOn', deadlines.convenienceEffectiveOn],
    ['TER-3 forceMajeureTerminationOn', deadlines.forceMajeureTerminationOn],
    ['TER-4 labourDocumentsDueOn', deadlines.labourDocumentsDueOn],
    ['AGR-5 cahierChangeApplyBy', deadlines.cahierChangeApplyBy],
    ['TER-5 confidentialityUntil', deadlines.confidentialityUntil],
  ];
  const lists: Array<[string, (day: string) => string[]]> = [
    ['AGR-2 renewalReminderDates', deadlines.renewalReminderDates],
    ['REF-3 badgeReminderDates', deadlines.badgeReminderDates],
    ['QUO-3 quotaCheckpoints', deadlines.quotaCheckpoints],
  ];

  it.each(single)('%s: a ≤ b ⇒ f(a) ≤ f(b)', (_name, f) => {
    run(
      fc.property(fc.tuple(isoDayArb, isoDayArb).map(ordered), ([a, b]) => {
        expect(f(a) <= f(b), `${a} → ${f(a)}, ${b} → ${f(b)}`).toBe(true);
      }),
    );
  });

  it.each(lists)('%s: a ≤ b ⇒ f(a)[i] ≤ f(b)[i]', (_name, f) => {
    run(
      fc.property(fc.tuple(isoDayArb, isoDayArb).map(ordered), ([a, b]) => {
        const [fa, fb] = [f(a), f(b)];
        expect(fa.length).toBe(fb.length);
        fa.forEach((day, i) => expect(day <= fb[i]!, `${a} → ${day}, ${b} → ${fb[i]}`).toBe(true));
      }),
    );
  });

  it('BRE-2 cureDueOn is monotonic in the letter for any suspension start', () => {
    run(
      fc.property(fc.tuple(isoDayArb, isoDayArb).map(ordered), isoDayArb, ([a, b], since) => {
        expect(deadlines.cureDueOn(a, since).cureDueOn <= deadlines.cureDueOn(b, since).cureDueOn).toBe(true);
      }),
    );
  });

  it('BRE-2 the deduction stays within 0–30 days, the cure date within the letter + 0–30 days, never before the letter', () => {
    const cureDays = PARAMETERS.breach.cureDays;
    const near = fc
      .tuple(isoDayArb, fc.integer({ min: -60, max: 60 }))
      .map(([letter, k]) => [letter, isoDate(addDays(parseIsoDate(letter), -k))] as const);
    run(
      fc.property(fc.oneof(near, fc.tuple(isoDayArb, isoDayArb)), fc.boolean(), ([letter, since], suspended) => {
        const { cureDueOn, suspendedDaysDeducted } = deadlines.cureDueOn(letter, suspended ? since : null);
        expect(suspendedDaysDeducted).toBeGreaterThanOrEqual(0);
        expect(suspendedDaysDeducted).toBeLessThanOrEqual(cureDays);
        expect(Number.isInteger(suspendedDaysDeducted)).toBe(true);
        expect(cureDueOn >= letter).toBe(true);
        expect(daysBetween(parseIsoDate(letter), parseIsoDate(cureDueOn))).toBe(cureDays - suspendedDaysDeducted);
        // Only time suspended before the letter counts.
        const before = suspended ? Math.max(0, daysBetween(parseIsoDate(since), parseIsoDate(letter))) : 0;
        expect(suspendedDaysDeducted).toBe(Math.min(before, cureDays));
      }),
    );
  });

  it('AGR-2 a request on the renewal deadline is at least 3 months before the term', () => {
    run(
      fc.property(isoDayArb, (term) => {
        const due = deadlines.renewalDueOn(term);
        expect(isoDate(addMonths(parseIsoDate(due), PARAMETERS.agrement.renewalNoticeMonths)) <= term).toBe(true);
        expect(daysBetween(parseIsoDate(due), parseIsoDate(term))).toBeGreaterThanOrEqual(89);
        deadlines.renewalReminderDates(due).forEach((reminder) => expect(reminder < due).toBe(true));
      }),
    );
  });

  it('TER-3, QUO-1, REF-3, SUS-5, AGR-5: month deadlines land in the target month on min(day, last day)', () => {
    const cases: Array<[(day: string) => string, number]> = [
      [deadlines.forceMajeureTerminationOn, PARAMETERS.termination.forceMajeureMonths],
      [deadlines.quotaDeadlineOn, PARAMETERS.quota.months],
      [deadlines.badgeDueOn, PARAMETERS.referent.badgeMonths],
      [deadlines.visitAnswerDueOn, PARAMETERS.suspension.visitAnswerMonths],
      [deadlines.cahierChangeApplyBy, PARAMETERS.agrement.cahierChangeMonths],
      [deadlines.renewalDueOn, -PARAMETERS.agrement.renewalNoticeMonths],
    ];
    run(
      fc.property(isoDayArb, fc.constantFrom(...cases), (day, [f, months]) => {
        const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
        const target = y * 12 + (m - 1) + months;
        const [ty, tm] = [Math.floor(target / 12), target % 12];
        const expected = `${String(ty).padStart(4, '0')}-${String(tm + 1).padStart(2, '0')}-${String(Math.min(dd, lastDay(ty, tm))).padStart(2, '0')}`;
        expect(f(day)).toBe(expected);
      }),
    );
  });
});

describe('zoned-time.ts: deadline instants fall at local midnight, in metropolitan France, overseas and abroad', () => {
  const ZONES = [
    'Europe/Paris',
    'America/Guadeloupe',
    'America/Martinique',
    'America/Cayenne',
    'Indian/Reunion',
    'Indian/Mayotte',
    'Pacific/Noumea',
    'Pacific/Tahiti',
    'America/Montreal',
  ] as const;
  // Days when clocks change (and their neighbours), including historical ones where midnight was skipped or repeated.
  const TRANSITIONS = [
    '2026-03-29',
    '2026-10-25',
    '2027-03-28',
    '2027-10-31',
    '2030-03-31',
    '2030-10-27', // Paris
    '2026-03-08',
    '2026-11-01',
    '2027-03-14',
    '2027-11-07', // Montreal
    '1976-09-26',
    '1944-10-08',
    '1940-06-15', // Paris: midnight repeated, late changes
    '1942-05-03',
    '1980-04-06',
    '1911-05-01',
    '1967-10-01',
    '1919-03-31',
    '1997-03-02',
    '1996-12-01', // overseas, Montreal, Noumea
  ];
  const zonedDayArb = fc.oneof(
    { weight: 2, arbitrary: isoDayArb },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -1, max: 1 }))
        .map(([d, k]) => isoDate(addDays(parseIsoDate(d), k))),
    },
  );
  const localClock = (instant: Date, timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(instant);

  it('AGR-2, BRE-1, TER-1 endOfDay(d) is the first instant of d + 1 in the zone; the millisecond before is still on d', () => {
    run(
      fc.property(zonedDayArb, fc.constantFrom(...ZONES), (day, zone) => {
        const end = endOfDay(day, zone);
        expect(dateIn(end, zone)).toBe(next(day));
        expect(dateIn(new Date(end.getTime() - 1), zone)).toBe(day);
      }),
      1000,
    );
  });

  it('AGR-4, SUS-1 startOfDay(d) is the first instant of d in the zone, at 00:00:00 local unless midnight was skipped', () => {
    run(
      fc.property(zonedDayArb, fc.constantFrom(...ZONES), (day, zone) => {
        const start = startOfDay(day, zone);
        expect(dateIn(start, zone)).toBe(day);
        expect(dateIn(new Date(start.getTime() - 1), zone)).toBe(previous(day));
        expect(endOfDay(previous(day), zone).getTime()).toBe(start.getTime());
        // Not at 00:00:00 only when the clocks changed at that very instant (midnight skipped: Guadeloupe 1942-05-03).
        if (localClock(start, zone) !== '00:00:00')
          expect(zoneOffsetMs(new Date(start.getTime() - 1000), zone)).not.toBe(zoneOffsetMs(start, zone));
      }),
      1000,
    );
  });

  it('SES-10 a local time maps back to itself, at its first occurrence when repeated, in every zone', () => {
    run(
      fc.property(
        zonedDayArb,
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (day, zone, h, m) => {
          const at = zonedInstant(day, zone, h, m);
          const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
          if (localClock(at, zone) === hhmm && dateIn(at, zone) === day) {
            // First occurrence: an hour (or half an hour) earlier the clock did not show the same time.
            for (const earlier of [1_800_000, 3_600_000]) {
              const before = new Date(at.getTime() - earlier);
              expect(localClock(before, zone) === hhmm && dateIn(before, zone) === day).toBe(false);
            }
          } else {
            // Skipped by a change of clocks: moved forward past the gap (on that day, or the next one for 23:xx).
            expect(dateIn(at, zone) > day || (dateIn(at, zone) === day && localClock(at, zone) > hhmm)).toBe(true);
            expect(zoneOffsetMs(new Date(at.getTime() - 3 * 3_600_000), zone)).toBeLessThan(zoneOffsetMs(at, zone));
          }
        },
      ),
      500,
    );
  });

  it('issue 15: an offset remembered for one second is the offset of every millisecond of it, around every change of clocks', () => {
    // Offsets are read to the second (the time zone database's resolution), so they are cached per second: every
    // millisecond of a second, asked after another one of the same second, gets the offset the clock shows at it.
    const clockOffset = (at: Date, zone: string) => {
      const [h, m, s] = localClock(at, zone).split(':').map(Number) as [number, number, number];
      const local =
        parseIsoDate(new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at)).getTime() + ((h * 60 + m) * 60 + s) * 1000;
      return local - Math.floor(at.getTime() / 1000) * 1000;
    };
    run(
      fc.property(
        zonedDayArb,
        fc.constantFrom(...ZONES),
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: 0, max: 999 }),
        (day, zone, shift, ms) => {
          const start = startOfDay(day, zone).getTime();
          const second = Math.floor(start / 1000) * 1000 + shift * 1000;
          zoneOffsetMs(new Date(second + ((ms + 500) % 1000)), zone); // another millisecond of the same second first
          const at = new Date(second + ms);
          expect(zoneOffsetMs(at, zone)).toBe(clockOffset(at, zone));
        },
      ),
      1000,
    );
  });

  it('issue 15: example: Paris left Paris Mean Time (+00:09:21) at 1911-03-10T23:50:39Z, in the middle of a minute', () => {
    expect(zoneOffsetMs(new Date('1911-03-10T23:50:38.000Z'), 'Europe/Paris')).toBe(561_000);
    expect(zoneOffsetMs(new Date('1911-03-10T23:50:38.999Z'), 'Europe/Paris')).toBe(561_000);
    expect(zoneOffsetMs(new Date('1911-03-10T23:50:39.000Z'), 'Europe/Paris')).toBe(0);
    expect(dateIn(new Date('1911-03-10T23:50:38.999Z'), 'Europe/Paris')).toBe('1911-03-10');
  });

  it('SES-10 examples: a time skipped in Montreal moves forward; a time repeated in Paris is its first occurrence', () => {
    // 2026-03-08 02:30 does not exist in Montreal (02:00 EST → 03:00 EDT): 03:30 EDT. It used to give 01:30 EST.
    expect(zonedInstant('2026-03-08', 'America/Montreal', 2, 30).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant('2026-03-29', 'Europe/Paris', 2, 30).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 2026-10-25 02:30 happens twice in Paris: the first, in summer time.
    expect(zonedInstant('2026-10-25', 'Europe/Paris', 2, 30).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedInstant('2026-11-01', 'America/Montreal', 1, 30).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('BRE-1 regressions found by the properties: days whose midnight was repeated or skipped', () => {
    // Paris 1976-09-26: summer time ended at 01:00, so midnight came twice; the day began at the first (22:00Z).
    expect(startOfDay('1976-09-26', 'Europe/Paris').toISOString()).toBe('1976-09-25T22:00:00.000Z');
    expect(endOfDay('1976-09-25', 'Europe/Paris').toISOString()).toBe('1976-09-25T22:00:00.000Z');
    // Guadeloupe 1942-05-03: clocks went from 00:00 (UTC−4) to 01:00 (UTC−3); the day began at 04:00Z, not on 2 May.
    expect(startOfDay('1942-05-03', 'America/Guadeloupe').toISOString()).toBe('1942-05-03T04:00:00.000Z');
    // Montreal 1919-03-31: clocks went from 23:30 to 00:30; the day began at the change.
    expect(startOfDay('1919-03-31', 'America/Montreal').toISOString()).toBe('1919-03-31T04:30:00.000Z');
  });

  it('AGR-2 overseas: a deadline by D passes at local midnight, whatever the offset (examples)', () => {
    const cases: Array<[string, string]> = [
      ['Europe/Paris', '2026-03-29T22:00:00.000Z'],
      ['America/Guadeloupe', '2026-03-30T04:00:00.000Z'],
      ['America/Martinique', '2026-03-30T04:00:00.000Z'],
      ['America/Cayenne', '2026-03-30T03:00:00.000Z'],
      ['Indian/Reunion', '2026-03-29T20:00:00.000Z'],
      ['Indian/Mayotte', '2026-03-29T21:00:00.000Z'],
      ['Pacific/Noumea', '2026-03-29T13:00:00.000Z'],
      ['Pacific/Tahiti', '2026-03-30T10:00:00.000Z'],
      ['America/Montreal', '2026-03-30T04:00:00.000Z'],
    ];
    for (const [zone, instant] of cases) expect(endOfDay('2026-03-29', zone).toISOString(), zone).toBe(instant);
  });
});
