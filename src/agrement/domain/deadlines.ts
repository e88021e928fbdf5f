import { PARAMETERS } from '../../config/parameters';
import { addDays, addMonths, addYears, daysBetween, isoDate, parseIsoDate } from '../../shared/domain/dates';

/**
 * The dates an agrément's clauses derive from its facts. Pure, in calendar dates (YYYY-MM-DD);
 * months are calendar months clamped to the month's end.
 */
const P = PARAMETERS;
const d = parseIsoDate;

/**
 * Calendar steps from a date, kept once computed: every decision recomputes every clause's dates from the same few
 * dates (pendingDeadlines; a bulk QUO-3 signal decides up to 1,000 sessions in a row), and the Date work dominated it
 * (issue 15). Pure, so a kept answer is the answer; bounded, as a long-lived worker meets ever new dates.
 */
function kept(step: (date: string, n: number) => string): (date: string, n: number) => string {
  const answers = new Map<string, string>();
  return (date, n) => {
    const key = `${date}|${n}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = step(date, n); // an invalid date throws here, and nothing is kept
      if (answers.size >= 10_000) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  };
}
const plusMonths = kept((date, months) => isoDate(addMonths(d(date), months)));
const plusDays = kept((date, days) => isoDate(addDays(d(date), days)));
const plusYears = kept((date, years) => isoDate(addYears(d(date), years)));

/** APP-5, APP-6, AGR-3: the term is the start plus the granted duration. */
export function termOn(startOn: string, years: number): string {
  return plusYears(startOn, years);
}

/** AGR-2: the renewal request is due 3 months before the term (2028-05-31 → 2028-02-29). */
export function renewalDueOn(term: string): string {
  return plusMonths(term, -P.agrement.renewalNoticeMonths);
}

/** AGR-2: reminder dates before the renewal deadline. */
export function renewalReminderDates(due: string): string[] {
  return P.agrement.renewalReminderDaysBefore.map((days) => plusDays(due, -days));
}

/** REF-3: the badge is due 6 months after the grant (or after a new référent's appointment). */
export function badgeDueOn(from: string): string {
  return plusMonths(from, P.referent.badgeMonths);
}

export function badgeReminderDates(due: string): string[] {
  return P.referent.badgeReminderDaysBefore.map((days) => plusDays(due, -days));
}

/** QUO-1, QUO-3: pace checkpoints and the end of the 3-year window, from the first grant. */
export function quotaCheckpoints(firstGrantOn: string): string[] {
  return P.quota.checkpointMonths.map((m) => plusMonths(firstGrantOn, m));
}

export function quotaDeadlineOn(firstGrantOn: string): string {
  return plusMonths(firstGrantOn, P.quota.months);
}

/** QUO-1: 600 for a centre, 2,500 for a network (its members have none). */
export function quotaTarget(kind: 'centre' | 'network'): number {
  return kind === 'network' ? P.eligibility.networkCandidates : P.eligibility.centreCandidates;
}

/** QUO-3: the candidates the current pace would reach at 3 years. */
export function projectedCandidates(candidates: number, firstGrantOn: string, on: string): number {
  const elapsed = daysBetween(d(firstGrantOn), d(on));
  const window = daysBetween(d(firstGrantOn), d(quotaDeadlineOn(firstGrantOn)));
  if (elapsed <= 0) return 0;
  return Math.floor((candidates * window) / elapsed);
}

/** QUO-2: withdrawal takes effect 15 days after notice. */
export function quotaWithdrawalEffectiveOn(noticeOn: string): string {
  return plusDays(noticeOn, P.quota.withdrawalNoticeDays);
}

/**
 * BRE-1, BRE-2: 30 days from the sending of the registered letter; when the notice follows a
 * suspension, the days already suspended before the letter are subtracted (never below zero).
 * 2026-03-10 → 2026-04-09; after 10 days of suspension → 2026-03-30.
 */
export function cureDueOn(letterSentOn: string, suspendedSince: string | null): { cureDueOn: string; suspendedDaysDeducted: number } {
  const suspendedDays = suspendedSince ? Math.max(0, daysBetween(d(suspendedSince), d(letterSentOn))) : 0;
  const deducted = Math.min(suspendedDays, P.breach.cureDays);
  return { cureDueOn: plusDays(letterSentOn, P.breach.cureDays - deducted), suspendedDaysDeducted: deducted };
}

/** SUS-5: the answer to a control-visit demand is due within 1 month. */
export function visitAnswerDueOn(demandedOn: string): string {
  return plusMonths(demandedOn, P.suspension.visitAnswerMonths);
}

/** TER-1: the centre's termination for convenience takes effect 30 days after notice. */
export function convenienceEffectiveOn(noticeOn: string): string {
  return plusDays(noticeOn, P.termination.convenienceNoticeDays);
}

/** TER-3: force majeure still ongoing 2 months after it began terminates the convention. */
export function forceMajeureTerminationOn(since: string): string {
  return plusMonths(since, P.termination.forceMajeureMonths);
}

/** TER-4: labour-law documents are owed within 15 days of the request. */
export function labourDocumentsDueOn(requestedOn: string): string {
  return plusDays(requestedOn, P.termination.labourDocumentsDays);
}

/** AGR-5: a substantial change is applied within 1 month of its notification. */
export function cahierChangeApplyBy(notifiedOn: string): string {
  return plusMonths(notifiedOn, P.agrement.cahierChangeMonths);
}

/** TER-5: confidentiality runs 5 more years after the end. */
export function confidentialityUntil(endOn: string): string {
  return plusYears(endOn, P.agrement.confidentialityYears);
}

// ---------------------------------------------------------------------------------------------
// Model 2 (transition table): readings of the clauses fixed by the legal audit.
// ---------------------------------------------------------------------------------------------

/**
 * TER-3: "d'une durée supérieure à deux mois" is strict: force majeure may last until the end of
 * the day 2 calendar months after it began; still ongoing after it, it terminates the convention the
 * next day (2026-03-15 → limit 2026-05-15, terminated on 2026-05-16).
 */
export function forceMajeureLimitOn(since: string): string {
  return plusMonths(since, P.termination.forceMajeureMonths);
}

export function dayAfter(date: string): string {
  return plusDays(date, 1);
}

export function shiftDays(date: string, days: number): string {
  return plusDays(date, days);
}

/** Days from `from` (included) to `to` (excluded); 0 when `to` is not after `from`. */
export function daysFrom(from: string, to: string): number {
  return Math.max(0, daysBetween(d(from), d(to)));
}

/** Days of [from, to) not covered by the given periods ([since, endedOn), endedOn null = still running). */
export function daysOutside(from: string, to: string, periods: ReadonlyArray<{ since: string; endedOn: string | null }>): number {
  let days = daysFrom(from, to);
  for (const p of periods) {
    const start = p.since > from ? p.since : from;
    const end = p.endedOn === null || p.endedOn > to ? to : p.endedOn;
    days -= daysFrom(start, end);
  }
  return Math.max(0, days);
}

/**
 * QUO-1: the window is [first grant, first grant + 3 years) by session date; a session held on its
 * last day may be finalised within 48 hours (SES-10), so the count is judged once those have passed.
 */
export function quotaWindowEndOn(firstGrantOn: string): string {
  return quotaDeadlineOn(firstGrantOn);
}

export function quotaJudgedOn(firstGrantOn: string): string {
  return plusDays(quotaWindowEndOn(firstGrantOn), Math.ceil(P.sessions.finalisationHours / 24));
}

/** REF-4: the agrément years of the current term end on each anniversary of its start (the last at the term). */
export function agrementYearEnds(startOn: string, termOn: string): string[] {
  const ends: string[] = [];
  for (let n = 1; ; n += 1) {
    const end = plusYears(startOn, n);
    if (end > termOn) break;
    ends.push(end);
  }
  return ends;
}

/** REF-4: the agrément year (1, 2, 3…) a date falls in, counted from the first grant. */
export function agrementYearOf(firstGrantOn: string, on: string): number {
  let n = 1;
  while (plusYears(firstGrantOn, n) <= on) n += 1;
  return n;
}

/** REF-4: the day after the last day of agrément year `year` (its anniversary), counted from the first grant. */
export function agrementYearEndOn(firstGrantOn: string, year: number): string {
  return plusYears(firstGrantOn, year);
}

/**
 * REF-4: the warning before an agrément year ends (`yearEnd`, the anniversary at whose start the year is judged):
 * `contributionWarningDaysBefore` days before it, never before the year began (2026-01-31 → 2025-12-02).
 */
export function contributionWarningOn(yearEnd: string): string {
  const warning = plusDays(yearEnd, -P.referent.contributionWarningDaysBefore);
  const yearStart = plusYears(yearEnd, -1);
  return warning < yearStart ? yearStart : warning;
}
