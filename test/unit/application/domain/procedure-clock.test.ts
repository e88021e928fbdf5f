import { describe, expect, it } from 'vitest';
import {
  addMonthsIn,
  handOver,
  netElapsedMs,
  procedureDeadline,
  receiptInstant,
  startClock,
} from '../../../../src/application/domain/procedure-clock';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import { MS_PER_DAY } from '../../../../src/shared/domain/dates';

const at = (s: string) => new Date(s);

describe('APP-7 procedure clock', () => {
  it('APP-7 deadline is 2 months after receipt when Pix holds the file throughout', () => {
    const clock = startClock(at('2026-01-15T09:00:00Z'));
    expect(procedureDeadline(clock, at('2026-02-01T00:00:00Z')).toISOString()).toBe('2026-03-15T09:00:00.000Z');
  });

  it('APP-7 months are counted in the Europe/Paris calendar: received 23:30 UTC on 31 January is received on 1 February', () => {
    // 1 February 00:30 in Paris (UTC+1) + 2 months = 1 April 00:30 in Paris (UTC+2, summer time).
    expect(procedureDeadline(startClock(at('2026-01-31T23:30:00Z')), at('2026-02-01T00:00:00Z')).toISOString()).toBe(
      '2026-03-31T22:30:00.000Z',
    );
    // 1 December 00:30 in Paris + 2 months = 1 February, not 31 January (2 UTC months from 30 November).
    expect(procedureDeadline(startClock(at('2026-11-30T23:30:00Z')), at('2026-12-01T00:00:00Z')).toISOString()).toBe(
      '2027-01-31T23:30:00.000Z',
    );
    // Received 31 December in Paris: the month's end clamps in Paris's calendar (28 February).
    expect(addMonthsIn(at('2026-12-31T10:00:00Z'), 2, 'Europe/Paris').toISOString()).toBe('2027-02-28T10:00:00.000Z');
    // Pauses still move the deadline by their length.
    let clock = startClock(at('2026-11-30T23:30:00Z'));
    clock = handOver(clock, 'applicant', at('2026-12-02T00:00:00Z'));
    clock = handOver(clock, 'pix', at('2026-12-05T00:00:00Z'));
    expect(procedureDeadline(clock, at('2026-12-06T00:00:00Z')).toISOString()).toBe('2027-02-03T23:30:00.000Z');
  });

  it('APP-7 a 10-day wait on the applicant moves the deadline by 10 days (2026-03-25)', () => {
    let clock = startClock(at('2026-01-15T09:00:00Z'));
    clock = handOver(clock, 'applicant', at('2026-01-20T09:00:00Z'));
    // While paused, the deadline keeps moving with the pause.
    expect(procedureDeadline(clock, at('2026-01-25T09:00:00Z')).toISOString()).toBe('2026-03-20T09:00:00.000Z');
    clock = handOver(clock, 'pix', at('2026-01-30T09:00:00Z'));
    expect(clock.pausedMs).toBe(10 * MS_PER_DAY);
    expect(procedureDeadline(clock, at('2026-02-10T00:00:00Z')).toISOString()).toBe('2026-03-25T09:00:00.000Z');
    expect(netElapsedMs(clock, at('2026-02-09T09:00:00Z'))).toBe(15 * MS_PER_DAY);
  });

  it('APP-7 staying with the applicant across two hand-overs counts one pause; stopping freezes the net time', () => {
    let clock = startClock(at('2026-01-01T00:00:00Z'));
    clock = handOver(clock, 'applicant', at('2026-01-02T00:00:00Z'));
    clock = handOver(clock, 'applicant', at('2026-01-03T00:00:00Z'));
    clock = handOver(clock, 'pix', at('2026-01-04T00:00:00Z'));
    expect(clock.pausedMs).toBe(2 * MS_PER_DAY);
    clock = handOver(clock, 'none', at('2026-01-10T00:00:00Z'));
    expect(netElapsedMs(clock, at('2026-06-01T00:00:00Z'))).toBe(7 * MS_PER_DAY);
  });

  describe('APP-7 receivedOn: a file received earlier, registered late', () => {
    const now = at('2026-11-30T14:00:00Z');
    const refusal = (receivedOn: string) => {
      try {
        receiptInstant(receivedOn, now);
      } catch (err) {
        return err instanceof InvalidCommand ? { field: err.field, message: err.message } : err;
      }
      return null;
    };

    it('APP-7 without receivedOn the application is received now; received today, it is received now too', () => {
      expect(receiptInstant(undefined, now)).toEqual(now);
      expect(receiptInstant('2026-11-30', now)).toEqual(now);
    });

    it('APP-7 an earlier receipt starts the clock at the start of that day in Paris: past 2 months, the application is overdue', () => {
      // Received on 15 September (summer time: midnight in Paris is 22:00 UTC the day before).
      const clock = startClock(receiptInstant('2026-09-15', now));
      expect(clock.startedAt).toBe('2026-09-14T22:00:00.000Z');
      // 2 months later in Paris's calendar: 15 November at midnight (winter time: 23:00 UTC the day before).
      expect(procedureDeadline(clock, now).toISOString()).toBe('2026-11-14T23:00:00.000Z');
      expect(procedureDeadline(clock, now).getTime()).toBeLessThan(now.getTime());
      expect(Math.floor(netElapsedMs(clock, now) / MS_PER_DAY)).toBe(76);
    });

    it('APP-7 the date in Paris decides "today": 30 November 23:30 UTC is already 1 December there', () => {
      const late = at('2026-11-30T23:30:00Z');
      expect(receiptInstant('2026-12-01', late)).toEqual(late);
      expect(receiptInstant('2026-11-30', late).toISOString()).toBe('2026-11-29T23:00:00.000Z');
    });

    it('APP-7 receivedOn is refused, naming the field, in the future, beyond a year back, or not a date', () => {
      expect(refusal('2026-12-01')).toMatchObject({ field: 'receivedOn', message: expect.stringContaining('future') });
      expect(refusal('2025-11-29')).toMatchObject({ field: 'receivedOn', message: expect.stringContaining('365 days') });
      expect(refusal('2025-11-30')).toBeNull();
      expect(refusal('2026-02-30')).toMatchObject({ field: 'receivedOn' });
      expect(refusal('30/11/2026')).toMatchObject({ field: 'receivedOn' });
    });
  });
});
