/**
 * BIL-1: the monthly statement a centre sends Pix by the 5th for the previous month's paying sessions,
 * and BIL-2: the late-payment interest and recovery indemnity on Pix's invoice. Pure: amounts in
 * integer euro cents, dates as ISO calendar dates, instants computed in Europe/Paris.
 */
import { PARAMETERS } from '../../config/parameters';
import { addDays, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { zonedInstant } from '../../shared/domain/zoned-time';

const TZ = PARAMETERS.agrement.timeZone;
const B = PARAMETERS.billing;

export interface PayingSession {
  sessionId: string;
  /** The session's date in its venue's time zone: it decides the month of its statement (BIL-1). */
  date: string;
  /** BIL-1 (Conv annexe 1): « le nombre de candidats ayant participé à la session », those who actually sat. */
  candidates: number;
  /** PRI-1..5: totals incl. VAT, in cents. */
  priceCents: number;
  pixShareCents: number;
}

export interface StatementLine {
  sessionId: string;
  date: string;
  candidates: number;
  priceExclVatCents: number;
  priceInclVatCents: number;
  pixShareExclVatCents: number;
  pixShareInclVatCents: number;
}

/** Prices are set incl. VAT (PRI-1); excl. VAT = incl. ÷ (1 + rate), rounded to the cent, half up, per line. */
export function exclVat(inclCents: number, vatRatePercent: number = B.vatRatePercent): number {
  return Math.round((inclCents * 100) / (100 + vatRatePercent));
}

export function statementLines(sessions: readonly PayingSession[]): {
  lines: StatementLine[];
  totals: Omit<StatementLine, 'sessionId' | 'date'>;
} {
  const lines = [...sessions]
    .sort((a, b) => (a.date === b.date ? a.sessionId.localeCompare(b.sessionId) : a.date < b.date ? -1 : 1))
    .map((s) => ({
      sessionId: s.sessionId,
      date: s.date,
      candidates: s.candidates,
      priceExclVatCents: exclVat(s.priceCents),
      priceInclVatCents: s.priceCents,
      pixShareExclVatCents: exclVat(s.pixShareCents),
      pixShareInclVatCents: s.pixShareCents,
    }));
  const sum = (k: keyof Omit<StatementLine, 'sessionId' | 'date'>) => lines.reduce((t, l) => t + l[k], 0);
  return {
    lines,
    totals: {
      candidates: sum('candidates'),
      priceExclVatCents: sum('priceExclVatCents'),
      priceInclVatCents: sum('priceInclVatCents'),
      pixShareExclVatCents: sum('pixShareExclVatCents'),
      pixShareInclVatCents: sum('pixShareInclVatCents'),
    },
  };
}

/** "2026-10" → the month after, "2026-11". */
export function nextMonth(month: string): string {
  checkMonth(month);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  checkMonth(month);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function checkMonth(month: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidCommand('month', `month must be YYYY-MM (got ${month})`);
}

/** BIL-1: the statement of `month` is due by the 5th of the next month, i.e. until the end of that day in Paris. */
export function statementDueAt(month: string): Date {
  const day = `${nextMonth(month)}-${String(B.statementDueDay).padStart(2, '0')}`;
  return new Date(zonedInstant(isoDate(addDays(parseIsoDate(day), 1)), TZ).getTime() - 1);
}

/** When the statement is prepared: the 1st of the next month at 06:00 in Paris (the schedule's time). */
export function statementPreparedAt(month: string): Date {
  return zonedInstant(`${nextMonth(month)}-01`, TZ, B.statementPreparedHour, 0);
}

/** Reminders before the due day, at 09:00 Paris (0 = the due day itself). */
export function statementReminders(month: string): Date[] {
  return B.reminderDaysBefore.map((d) =>
    zonedInstant(isoDate(addDays(parseIsoDate(`${nextMonth(month)}-${String(B.statementDueDay).padStart(2, '0')}`), -d)), TZ, 9, 0),
  );
}

/** Once overdue: the n-th reminder (n ≥ 1) every `overdueReminderEveryDays` days after the due day, 09:00 Paris. */
export function overdueReminderAt(month: string, n: number): Date {
  const due = `${nextMonth(month)}-${String(B.statementDueDay).padStart(2, '0')}`;
  return zonedInstant(isoDate(addDays(parseIsoDate(due), n * B.overdueReminderEveryDays)), TZ, 9, 0);
}

// ------------------------------------------------------------------------------------------------
// The statement's life: an explicit state machine with guarded transitions.
// ------------------------------------------------------------------------------------------------

export const STATEMENT_STATES = ['prepared', 'sent', 'invoiced', 'paid'] as const;
export type StatementState = (typeof STATEMENT_STATES)[number];

const NEXT: Record<StatementState, StatementState | null> = { prepared: 'sent', sent: 'invoiced', invoiced: 'paid', paid: null };
const RULE: Record<StatementState, string> = { prepared: 'BIL-1', sent: 'BIL-1', invoiced: 'BIL-2', paid: 'BIL-2' };

/** Refuses any transition but the next one, naming the rule. */
export function assertTransition(from: StatementState, to: StatementState): void {
  if (NEXT[from] !== to) {
    throw new TransitionRefused(RULE[to], `a statement ${from} cannot become ${to} (${STATEMENT_STATES.join(' → ')})`, { from, to });
  }
}

// ------------------------------------------------------------------------------------------------
// BIL-2: late-payment interest.
// ------------------------------------------------------------------------------------------------

/** One ECB main refinancing rate, published for a half-year (data: src/billing/rules/ecb-rates.ts). */
export interface RateEntry {
  from: string;
  percent: number;
}

/** The ECB rate that applies to a half-year: the rate of 1 January for the first, of 1 July for the second. */
export function ecbRateForHalfYear(date: string, rates: readonly RateEntry[]): number {
  const year = date.slice(0, 4);
  const start = date.slice(5, 7) <= '06' ? `${year}-01-01` : `${year}-07-01`;
  const entry = rates.find((r) => r.from === start);
  if (!entry)
    throw new InvalidCommand(
      'rate',
      `no ECB main refinancing rate for the half-year starting ${start}: add it to src/billing/rules/ecb-main-refinancing-rates.json (BIL-2)`,
    );
  return entry.percent;
}

/**
 * BIL-1: the month whose statement declares a session: the month of its date in its venue's zone (the
 * date Pix Certif reports, never an instant converted to UTC or Paris).
 */
export function statementMonthOf(sessionLocalDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(sessionLocalDate)) throw new InvalidCommand('date', `date must be YYYY-MM-DD (got ${sessionLocalDate})`);
  return sessionLocalDate.slice(0, 7);
}

/**
 * BIL-1: the month whose statement a paying session finalised at `at` opens at once (its monthly run, the 1st at
 * 06:00 Paris, has passed: the run will not list it); null while that run is still to come.
 */
export function monthOpenedLate(sessionLocalDate: string, at: Date): string | null {
  const month = statementMonthOf(sessionLocalDate);
  return statementPreparedAt(month).getTime() <= at.getTime() ? month : null;
}

/**
 * BIL-2: an invoice is payable 30 days after its issue. SUS-3, TER-5: from `payableOn` (the day of the
 * suspension or of the end) every amount owed is payable at once: the invoice is then due that day, or on
 * its issue day when issued later; never later than its normal term.
 */
export function paymentDueOn(issuedOn: string, payableOn: string | null = null): string {
  const term = isoDate(addDays(parseIsoDate(issuedOn), B.paymentTermDays));
  if (payableOn === null) return term;
  const atOnce = payableOn < issuedOn ? issuedOn : payableOn;
  return atOnce < term ? atOnce : term;
}

/**
 * BIL-2 (Conv annexe 1 §3, last sentence, as C. com. L441-10): Pix may not claim the 40 € recovery
 * indemnity when the opening of insolvency proceedings (sauvegarde, redressement, liquidation judiciaire)
 * forbids paying the claim at its due date, i.e. when they were opened on or before that date (an
 * unknown opening date counts as before). Opened after a due date already missed, the indemnity had
 * become owed de plein droit and stays owed (to be declared with the claim).
 */
export function recoveryIndemnityWaived(dueOn: string, insolvency: { proceedings: boolean; openedOn: string | null }): boolean {
  return insolvency.proceedings && (insolvency.openedOn === null || insolvency.openedOn <= dueOn);
}

export interface LateInterestOptions {
  /** SUS-3, TER-5: the day from which amounts are payable at once (see paymentDueOn). */
  payableOn?: string | null;
  /** BIL-2: insolvency proceedings recorded on the organisation (see recoveryIndemnityWaived). */
  insolvency?: { proceedings: boolean; openedOn: string | null };
}

export interface LateInterest {
  /** The invoice's due date (BIL-2: 30 days after issue; SUS-3, TER-5: earlier when payable at once). */
  dueOn: string;
  /** The first day interest runs: the day after the payment term. */
  runsFrom: string | null;
  daysLate: number;
  /** One period per half-year crossed, each at its own rate. */
  periods: Array<{ from: string; to: string; days: number; ratePercent: number; interestCents: number }>;
  interestCents: number;
  /** BIL-2: fixed 40 €, once, when payment is late (0 when insolvency proceedings forbid it). */
  indemnityCents: number;
  /** BIL-2: the indemnity is not owed because insolvency proceedings forbid paying at the due date. */
  indemnityWaived: boolean;
  totalCents: number;
}

/**
 * BIL-2: simple interest on the amount at (ECB rate + 10 points) × days / 365, for each day after the
 * due date (30 days after issue, earlier under SUS-3/TER-5) up to and including the day of payment (or
 * `asOf` while unpaid), split at half-years; each period's interest is rounded to the cent (half up), and
 * the 40 € indemnity once, unless insolvency proceedings forbid it.
 * Reading chosen for insolvency: the convention's clause removes only the indemnity ("ces indemnités"),
 * not the late interest, so the engine keeps computing the contractual interest: it is the amount Pix
 * declares with its claim; whether the opening judgment stops it (C. com. L622-28, L641-3) is for the
 * legal team to argue in the proceedings, not for the engine to decide (BRE-4's spirit).
 */
export function lateInterest(
  amountCents: number,
  issuedOn: string,
  paidOrAsOf: string,
  rates: readonly RateEntry[],
  options: LateInterestOptions = {},
): LateInterest {
  const dueOn = paymentDueOn(issuedOn, options.payableOn ?? null);
  const firstLate = isoDate(addDays(parseIsoDate(dueOn), 1));
  const waived = options.insolvency ? recoveryIndemnityWaived(dueOn, options.insolvency) : false;
  const none = {
    dueOn,
    runsFrom: null,
    daysLate: 0,
    periods: [],
    interestCents: 0,
    indemnityCents: 0,
    indemnityWaived: false,
    totalCents: 0,
  };
  if (paidOrAsOf <= dueOn) return none;
  const periods: LateInterest['periods'] = [];
  let from = firstLate;
  while (from <= paidOrAsOf) {
    const year = Number(from.slice(0, 4));
    const halfEnd = from.slice(5, 7) <= '06' ? `${year}-06-30` : `${year}-12-31`;
    const to = halfEnd < paidOrAsOf ? halfEnd : paidOrAsOf;
    const days = Math.round((parseIsoDate(to).getTime() - parseIsoDate(from).getTime()) / 86_400_000) + 1;
    const ratePercent = ecbRateForHalfYear(from, rates) + B.interestPointsAboveEcb;
    periods.push({ from, to, days, ratePercent, interestCents: Math.round((amountCents * ratePercent * days) / (100 * 365)) });
    from = isoDate(addDays(parseIsoDate(to), 1));
  }
  const interestCents = periods.reduce((t, p) => t + p.interestCents, 0);
  const indemnityCents = waived ? 0 : B.recoveryIndemnityEur * 100;
  return {
    dueOn,
    indemnityWaived: waived,
    runsFrom: firstLate,
    daysLate: periods.reduce((t, p) => t + p.days, 0),
    periods,
    interestCents,
    indemnityCents,
    totalCents: interestCents + indemnityCents,
  };
}
