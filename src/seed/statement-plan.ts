import { nextMonth, previousMonth, statementPreparedAt } from '../billing/domain/statement';
import { shift } from './dates';

/**
 * DEMO DATA ONLY: what the demo portfolio does with the statements of past months (BIL-1, BIL-2), so that every state
 * is on show whatever the day and the hour: some left unsent (reminders, then overdue), the latest month the monthly
 * run prepared sent and awaiting its invoice, older ones invoiced, then paid on time, paid late or not yet.
 */
export interface ListedStatement {
  id: string;
  organisationId: string;
  month: string;
  totals: { pixShareInclVatEur: number };
}

export interface StatementSteps {
  sent: boolean;
  /** BIL-2: the invoice Pix issues (the 10th of the month after the statement's), and its payment when its day is past. */
  invoice: { issuedOn: string; amountEur: number; paidOn: string | null } | null;
}

export function planStatements(statements: readonly ListedStatement[], now: Date, today: string): Map<string, StatementSteps> {
  const thisMonth = today.slice(0, 7);
  // The latest month the monthly run has prepared: last month's from the 1st, 06:00 Paris, the month before's until then.
  const lastMonth = previousMonth(thisMonth);
  const lastRun = statementPreparedAt(lastMonth) <= now ? lastMonth : previousMonth(lastMonth);
  const byOrganisation = new Map<string, ListedStatement[]>();
  for (const s of statements) byOrganisation.set(s.organisationId, [...(byOrganisation.get(s.organisationId) ?? []), s]);
  // Chosen by position (k: the centre's rank, p: the statement's, latest first), not by a hash of random ids, so that
  // every state is reached whatever the ids. Each centre's latest statement stays unsent every fourth centre; now and
  // then an older one was never sent.
  const centres = [...byOrganisation.keys()].sort();
  const unsent = (k: number, p: number) => (p === 0 ? k % 4 === 0 : (k + p) % 5 === 0);
  // BIL-2: the invoiced statements, in order, are paid late (interest and the 40 € indemnity: 40 days after the
  // invoice, when that day is past), on time (15 days after) or not yet, in turn: each outcome the dates allow is there.
  let mayBeLate = 0;
  let notLate = 0;
  const plan = new Map<string, StatementSteps>();
  for (const [k, organisationId] of centres.entries()) {
    const latestFirst = byOrganisation.get(organisationId)!.sort((a, b) => b.month.localeCompare(a.month));
    for (const [p, s] of latestFirst.entries()) {
      const sent = s.month < thisMonth && !unsent(k, p);
      const issuedOn = `${nextMonth(s.month)}-10`;
      if (!sent || s.month >= lastRun || issuedOn > today || !(s.totals.pixShareInclVatEur > 0)) {
        plan.set(s.id, { sent, invoice: null });
        continue;
      }
      const payment =
        shift(issuedOn, 40) <= today
          ? (['late', 'on-time', 'unpaid'] as const)[mayBeLate++ % 3]!
          : (['on-time', 'unpaid'] as const)[notLate++ % 2]!;
      const paidOn = payment === 'unpaid' ? null : shift(issuedOn, payment === 'late' ? 40 : 15);
      plan.set(s.id, {
        sent,
        invoice: { issuedOn, amountEur: s.totals.pixShareInclVatEur, paidOn: paidOn && paidOn <= today ? paidOn : null },
      });
    }
  }
  return plan;
}
