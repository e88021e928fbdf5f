import { describe, expect, it } from 'vitest';
import * as D from '../../../../src/agrement/domain/deadlines';
import { endOfDay, startOfDay, dateIn } from '../../../../src/shared/domain/zoned-time';

describe('agrément deadlines', () => {
  it('AGR-2 APP-5 attestation 2025-01-31 for 3 years: term 2028-01-31, renewal request due 2027-10-31', () => {
    const term = D.termOn('2025-01-31', 3);
    expect(term).toBe('2028-01-31');
    expect(D.renewalDueOn(term)).toBe('2027-10-31');
  });

  it('AGR-2 clamps to the month end: a term on 2028-05-31 gives 2028-02-29', () => {
    expect(D.renewalDueOn('2028-05-31')).toBe('2028-02-29');
  });

  it('REF-3 badge due 2025-07-31 for a grant on 2025-01-31', () => {
    expect(D.badgeDueOn('2025-01-31')).toBe('2025-07-31');
  });

  it('QUO-3 checkpoints at 12, 24 and 30 months: 2026-01-31, 2027-01-31, 2027-07-31; QUO-1 window ends 2028-01-31', () => {
    expect(D.quotaCheckpoints('2025-01-31')).toEqual(['2026-01-31', '2027-01-31', '2027-07-31']);
    expect(D.quotaDeadlineOn('2025-01-31')).toBe('2028-01-31');
  });

  it('BRE-1 a letter sent 2026-03-10 gives until 2026-04-09 to cure', () => {
    expect(D.cureDueOn('2026-03-10', null)).toEqual({ cureDueOn: '2026-04-09', suspendedDaysDeducted: 0 });
  });

  it('BRE-2 the same letter after 10 days of suspension gives until 2026-03-30', () => {
    expect(D.cureDueOn('2026-03-10', '2026-02-28')).toEqual({ cureDueOn: '2026-03-30', suspendedDaysDeducted: 10 });
  });

  it('BRE-2 never below zero: after 45 days of suspension the cure is due the day the letter is sent', () => {
    expect(D.cureDueOn('2026-03-10', '2026-01-24')).toEqual({ cureDueOn: '2026-03-10', suspendedDaysDeducted: 30 });
  });

  it('TER-1 termination for convenience notified 2026-06-01 takes effect 2026-07-01', () => {
    expect(D.convenienceEffectiveOn('2026-06-01')).toBe('2026-07-01');
  });

  it('QUO-2 15 days, SUS-5 1 month, TER-3 2 months, TER-4 15 days, TER-5 5 years', () => {
    expect(D.quotaWithdrawalEffectiveOn('2028-02-01')).toBe('2028-02-16');
    expect(D.visitAnswerDueOn('2026-01-31')).toBe('2026-02-28');
    expect(D.forceMajeureTerminationOn('2026-03-15')).toBe('2026-05-15');
    expect(D.labourDocumentsDueOn('2026-05-01')).toBe('2026-05-16');
    expect(D.confidentialityUntil('2028-01-31')).toBe('2033-01-31');
  });

  it('AGR-2 a date computed again gives the same answer; an invalid one is refused every time (nothing kept of it)', () => {
    for (let i = 0; i < 3; i++) {
      expect(D.renewalDueOn('2028-05-31')).toBe('2028-02-29');
      expect(D.agrementYearEnds('2024-02-29', '2027-02-28')).toEqual(['2025-02-28', '2026-02-28', '2027-02-28']);
      expect(() => D.shiftDays('2026-02-30', 1)).toThrow(RangeError);
    }
  });

  it('QUO-3 projects the pace: 150 candidates after 1 of 3 years → 450', () => {
    expect(D.projectedCandidates(150, '2025-01-31', '2026-01-31')).toBe(450);
    expect(D.quotaTarget('centre')).toBe(600);
    expect(D.quotaTarget('network')).toBe(2500);
  });
});

describe('dates in Europe/Paris', () => {
  it('a deadline "by" 2026-04-09 passes at midnight Paris time (UTC+2 in summer)', () => {
    expect(endOfDay('2026-04-09', 'Europe/Paris').toISOString()).toBe('2026-04-09T22:00:00.000Z');
    expect(startOfDay('2026-01-31', 'Europe/Paris').toISOString()).toBe('2026-01-30T23:00:00.000Z');
  });

  it('handles the daylight-saving change and overseas zones', () => {
    expect(endOfDay('2026-03-28', 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfDay('2026-03-29', 'Europe/Paris').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfDay('2026-03-29', 'Indian/Reunion').toISOString()).toBe('2026-03-28T20:00:00.000Z');
    expect(dateIn(new Date('2026-03-28T23:30:00Z'), 'Europe/Paris')).toBe('2026-03-29');
  });
});
