import { describe, expect, it } from 'vitest';
import { ECB_RATES } from '../../../../src/billing/rules/ecb-rates';
import {
  assertTransition,
  ecbRateForHalfYear,
  exclVat,
  lateInterest,
  monthOpenedLate,
  overdueReminderAt,
  paymentDueOn,
  statementMonthOf,
  statementDueAt,
  statementLines,
  statementPreparedAt,
  statementReminders,
} from '../../../../src/billing/domain/statement';

describe('BIL-1 the monthly statement', () => {
  it('BIL-1 lists each paying session with its totals excl. and incl. VAT (20 %), sorted by date', () => {
    const { lines, totals } = statementLines([
      { sessionId: 'S-2', date: '2026-10-20', candidates: 3, priceCents: 13_500, pixShareCents: 3_000 },
      { sessionId: 'S-1', date: '2026-10-02', candidates: 1, priceCents: 4_500, pixShareCents: 1_000 },
    ]);
    expect(lines.map((l) => l.sessionId)).toEqual(['S-1', 'S-2']);
    expect(lines[0]).toEqual({
      sessionId: 'S-1',
      date: '2026-10-02',
      candidates: 1,
      priceExclVatCents: 3_750,
      priceInclVatCents: 4_500,
      pixShareExclVatCents: 833,
      pixShareInclVatCents: 1_000,
    });
    expect(totals).toEqual({
      candidates: 4,
      priceExclVatCents: 15_000,
      priceInclVatCents: 18_000,
      pixShareExclVatCents: 3_333,
      pixShareInclVatCents: 4_000,
    });
    expect(exclVat(900)).toBe(750); // PRI-4: 9 € incl. VAT
  });

  it('BIL-1 is prepared on the 1st at 06:00 Paris and due by the end of the 5th, in winter and in summer time', () => {
    expect(statementPreparedAt('2026-10').toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(statementDueAt('2026-10').toISOString()).toBe('2026-11-05T22:59:59.999Z');
    expect(statementDueAt('2026-12').toISOString()).toBe('2027-01-05T22:59:59.999Z');
    expect(statementDueAt('2027-03').toISOString()).toBe('2027-04-05T21:59:59.999Z');
    expect(statementReminders('2026-10').map((d) => d.toISOString())).toEqual(['2026-11-02T08:00:00.000Z', '2026-11-05T08:00:00.000Z']);
    expect(overdueReminderAt('2026-10', 1).toISOString()).toBe('2026-11-12T08:00:00.000Z');
    expect(overdueReminderAt('2026-10', 2).toISOString()).toBe('2026-11-19T08:00:00.000Z');
  });

  it('BIL-1 BIL-2 a statement moves prepared → sent → invoiced → paid, nothing else', () => {
    expect(() => assertTransition('prepared', 'sent')).not.toThrow();
    expect(() => assertTransition('prepared', 'invoiced')).toThrow(expect.objectContaining({ ruleId: 'BIL-2' }));
    expect(() => assertTransition('paid', 'sent')).toThrow(/cannot become/);
  });
});

describe('BIL-2 late-payment interest', () => {
  it('BIL-2 nothing is owed when paid within 30 days of the invoice', () => {
    expect(lateInterest(100_000, '2023-05-01', '2023-05-31', ECB_RATES)).toMatchObject({
      interestCents: 0,
      indemnityCents: 0,
      totalCents: 0,
      runsFrom: null,
    });
  });

  it('BIL-2 ECB rate + 10 points, the rate of 1 January for June and of 1 July for July, plus the 40 € indemnity', () => {
    // 1,000.00 € issued 1 May 2023, due 31 May, paid 15 July: 30 days at 12.5 %, 15 days at 14 %.
    const late = lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES);
    expect(late.periods).toEqual([
      { from: '2023-06-01', to: '2023-06-30', days: 30, ratePercent: 12.5, interestCents: 1_027 },
      { from: '2023-07-01', to: '2023-07-15', days: 15, ratePercent: 14, interestCents: 575 },
    ]);
    expect(late).toMatchObject({ runsFrom: '2023-06-01', daysLate: 45, interestCents: 1_602, indemnityCents: 4_000, totalCents: 5_602 });
  });

  it('BIL-2 a half-year missing from the rate table is an error naming it, never a silent zero', () => {
    expect(ecbRateForHalfYear('2024-08-10', ECB_RATES)).toBe(4.25);
    expect(() => lateInterest(100_000, '2026-11-20', '2027-02-01', ECB_RATES)).toThrow(/half-year starting 2027-01-01/);
  });
});

describe('BIL-1 the month of a session', () => {
  it("BIL-1: a session is declared in the month of its date in its venue's zone, never of a UTC or Paris instant", () => {
    // 31 January 20:00 in Papeete is 1 February 07:00 in Paris: January's statement all the same.
    expect(statementMonthOf('2026-01-31')).toBe('2026-01');
    expect(() => statementMonthOf('2026-01-31T22:00:00Z')).toThrow(/YYYY-MM-DD/);
  });
});

describe('BIL-2 insolvency proceedings', () => {
  it('BIL-2: no 40 € recovery indemnity when insolvency proceedings opened before the due date forbid paying it; interest still runs', () => {
    // 1,000.00 € issued 1 May 2023, due 31 May; proceedings opened 20 May; paid 15 July.
    const normal = lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES);
    const insolvent = lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES, {
      insolvency: { proceedings: true, openedOn: '2023-05-20' },
    });
    expect(insolvent).toMatchObject({
      indemnityCents: 0,
      indemnityWaived: true,
      interestCents: normal.interestCents,
      totalCents: normal.interestCents,
      runsFrom: '2023-06-01',
    });
    expect(
      lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES, { insolvency: { proceedings: true, openedOn: null } }).indemnityCents,
    ).toBe(0);
  });

  it('BIL-2: proceedings opened after a due date already missed do not remove the indemnity then owed; no proceedings, no waiver', () => {
    expect(
      lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES, { insolvency: { proceedings: true, openedOn: '2023-06-10' } }),
    ).toMatchObject({ indemnityCents: 4_000, indemnityWaived: false });
    expect(
      lateInterest(100_000, '2023-05-01', '2023-07-15', ECB_RATES, { insolvency: { proceedings: false, openedOn: null } }).indemnityCents,
    ).toBe(4_000);
  });
});

describe('SUS-3, TER-5 amounts payable at once', () => {
  it('SUS-3 TER-5: an invoice becomes due the day of the suspension or end (its issue day if issued later), never later than 30 days after issue', () => {
    expect(paymentDueOn('2023-05-01')).toBe('2023-05-31');
    expect(paymentDueOn('2023-05-01', '2023-05-10')).toBe('2023-05-10');
    expect(paymentDueOn('2023-05-20', '2023-05-10')).toBe('2023-05-20');
    expect(paymentDueOn('2023-05-01', '2023-07-01')).toBe('2023-05-31');
  });

  it('SUS-3 TER-5: BIL-2 interest then runs from the day after that day', () => {
    // Terminated 10 May: due 10 May, not 31 May; paid 31 May = 21 days late at 3.75 + 10 %.
    const late = lateInterest(100_000, '2023-05-01', '2023-05-31', ECB_RATES, { payableOn: '2023-05-10' });
    expect(late).toMatchObject({ dueOn: '2023-05-10', runsFrom: '2023-05-11', daysLate: 21, indemnityCents: 4_000 });
    expect(late.interestCents).toBeGreaterThan(0);
  });

  it("BIL-1: a paying session finalised once its month's run has passed (1st, 06:00 Paris) opens that statement at once; a moment before, the run will", () => {
    // 1 December 2026, 06:00 Paris = 05:00 UTC; in Papeete the session was held on 30 November.
    expect(monthOpenedLate('2026-11-30', new Date('2026-12-01T04:59:59.999Z'))).toBeNull();
    expect(monthOpenedLate('2026-11-30', new Date('2026-12-01T05:00:00.000Z'))).toBe('2026-11');
    expect(monthOpenedLate('2026-12-01', new Date('2026-12-01T05:00:00.000Z'))).toBeNull();
  });
});
