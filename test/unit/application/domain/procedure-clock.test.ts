import { describe, expect, it } from 'vitest';
import { addMonthsIn, handOver, netElapsedMs, procedureDeadline, startClock } from '../../../../src/application/domain/procedure-clock';
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
});
