import { describe, expect, it } from 'vitest';
import { previousMonth, statementPreparedAt } from '../../../src/billing/domain/statement';
import { shift } from '../../../src/seed/dates';
import { type ListedStatement, planStatements } from '../../../src/seed/statement-plan';
import { dateIn, zonedInstant } from '../../../src/shared/domain/zoned-time';

/** The statements a demo system holds at `now`: 12 centres, most with a statement every month, some every other month. */
function portfolioAt(now: Date): ListedStatement[] {
  let month = previousMonth(dateIn(now, 'Europe/Paris').slice(0, 7));
  if (statementPreparedAt(month) > now) month = previousMonth(month); // BIL-1: not prepared before the 1st, 06:00 Paris
  const months = [month];
  for (let i = 0; i < 5; i++) months.push(previousMonth(months.at(-1)!));
  return Array.from({ length: 12 }, (_, k) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`).flatMap((organisationId, k) =>
    months
      .filter((_, i) => k % 3 !== 0 || i % 2 === 0)
      .map((m) => ({ id: `${organisationId}:${m}`, organisationId, month: m, totals: { pixShareInclVatEur: 20 } })),
  );
}

function endStates(now: Date): Set<string> {
  const plan = planStatements(portfolioAt(now), now, dateIn(now, 'Europe/Paris'));
  return new Set([...plan.values()].map((s) => (s.invoice ? (s.invoice.paidOn ? 'paid' : 'invoiced') : s.sent ? 'sent' : 'prepared')));
}

describe('the demo portfolio statements (BIL-1, BIL-2)', () => {
  it('BIL-1 BIL-2: on the 1st just before and at the monthly run (06:00 Paris), statements prepared, sent, invoiced and paid are all on show', () => {
    // 1 December 2026, 05:59:59.999 Paris: November's statements are not prepared yet, October's await their invoice.
    expect([...endStates(new Date(zonedInstant('2026-12-01', 'Europe/Paris', 6, 0).getTime() - 1))].sort()).toEqual([
      'invoiced',
      'paid',
      'prepared',
      'sent',
    ]);
    expect([...endStates(zonedInstant('2026-12-01', 'Europe/Paris', 6, 0))].sort()).toEqual(['invoiced', 'paid', 'prepared', 'sent']);
  });

  it('BIL-1 BIL-2: every day of two years, before and after the monthly run, every state is on show', () => {
    for (let day = '2026-01-01'; day <= '2027-12-31'; day = shift(day, 1))
      for (const [hour, minute] of [
        [0, 0],
        [5, 59],
        [6, 0],
        [23, 59],
      ] as const)
        expect([...endStates(zonedInstant(day, 'Europe/Paris', hour, minute))].sort(), `${day} ${hour}:${minute}`).toEqual([
          'invoiced',
          'paid',
          'prepared',
          'sent',
        ]);
  });

  it('BIL-2: an invoice is issued on the 10th of the month after the statement’s, paid 15 or 40 days later and never in the future', () => {
    const now = zonedInstant('2026-12-15', 'Europe/Paris', 12, 0);
    const plan = planStatements(portfolioAt(now), now, '2026-12-15');
    const invoices = [...plan.entries()].flatMap(([id, s]) => (s.invoice ? [{ month: id.slice(-7), ...s.invoice }] : []));
    expect(invoices.length).toBeGreaterThan(0);
    for (const i of invoices) {
      expect(i.issuedOn).toBe(`${shift(`${i.month}-28`, 5).slice(0, 7)}-10`);
      if (i.paidOn) expect([shift(i.issuedOn, 15), shift(i.issuedOn, 40)]).toContain(i.paidOn);
      if (i.paidOn) expect(i.paidOn <= '2026-12-15').toBe(true);
    }
    expect(invoices.some((i) => i.paidOn === shift(i.issuedOn, 40))).toBe(true);
  });
});
