import { PARAMETERS } from '../../config/parameters';
import { addDays, addMonths, isIsoDate, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';
import { dateIn, startOfDay, zoneOffsetMs } from '../../shared/domain/zoned-time';

/**
 * APP-7: the procedure takes 2 months, and the clock stops while the applicant
 * has not met a step's requirements (CdC §3.2.1). The clock therefore only runs
 * while Pix holds the file; its deadline moves by every pause.
 */
export type Holder = 'pix' | 'applicant' | 'none';

export interface ProcedureClock {
  /** ISO instant the application was received (clock start). */
  startedAt: string;
  /** Sum of completed pauses, in ms. */
  pausedMs: number;
  /** ISO instant the current pause began, when the file waits on the applicant. */
  pausedSince: string | null;
  /** ISO instant the procedure ended (final decision); the clock no longer runs. */
  stoppedAt: string | null;
}

/**
 * APP-7: the instant the clock starts for an application entered `now`. By default Pix receives it now; operations
 * entering a file received earlier (a paper file arriving by post, registered late) give `receivedOn`, the day Pix
 * received it in Pix's calendar (Europe/Paris): the clock runs from the start of that day. Never in the future, at
 * most PARAMETERS.application.receivedOnMaxDaysAgo days ago (InvalidCommand naming `receivedOn`).
 */
export function receiptInstant(receivedOn: string | undefined, now: Date): Date {
  if (receivedOn === undefined) return now;
  const timeZone = PARAMETERS.agrement.timeZone;
  const today = dateIn(now, timeZone);
  if (!isIsoDate(receivedOn)) throw new InvalidCommand('receivedOn', 'receivedOn must be a date (YYYY-MM-DD)');
  if (receivedOn > today) throw new InvalidCommand('receivedOn', `receivedOn cannot be in the future (today is ${today} in Paris)`);
  const maxDays = PARAMETERS.application.receivedOnMaxDaysAgo;
  const earliest = isoDate(addDays(parseIsoDate(today), -maxDays));
  if (receivedOn < earliest)
    throw new InvalidCommand('receivedOn', `receivedOn must be within the last ${maxDays} days (from ${earliest})`, { earliest });
  return receivedOn === today ? now : startOfDay(receivedOn, timeZone);
}

export function startClock(at: Date): ProcedureClock {
  return { startedAt: at.toISOString(), pausedMs: 0, pausedSince: null, stoppedAt: null };
}

/** Moves the clock when the file changes hands. */
export function handOver(clock: ProcedureClock, to: Holder, at: Date): ProcedureClock {
  let { pausedMs, pausedSince, stoppedAt } = clock;
  if (stoppedAt) return clock;
  if (pausedSince) {
    if (to === 'applicant') return clock;
    pausedMs += at.getTime() - new Date(pausedSince).getTime();
    pausedSince = null;
  }
  if (to === 'applicant') pausedSince = at.toISOString();
  if (to === 'none') stoppedAt = at.toISOString();
  return { startedAt: clock.startedAt, pausedMs, pausedSince, stoppedAt };
}

/** Net time Pix has held the file, in ms, as of `now`. */
export function netElapsedMs(clock: ProcedureClock, now: Date): number {
  const end = clock.stoppedAt ? new Date(clock.stoppedAt) : clock.pausedSince ? new Date(clock.pausedSince) : now;
  return end.getTime() - new Date(clock.startedAt).getTime() - clock.pausedMs;
}

/**
 * APP-7: `months` calendar months after an instant in the calendar of `timeZone` (Pix's, Europe/Paris):
 * same wall-clock time, the day clamped to the month's end. 2026-11-30T23:30Z is 1 December in Paris,
 * so 2 months later is 1 February 00:30 in Paris, not 31 January.
 */
export function addMonthsIn(instant: Date, months: number, timeZone: string): Date {
  const wall = addMonths(new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)), months).getTime();
  // The instant showing that wall time (the later offset wins across a DST gap, as zonedInstant).
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/**
 * The instant at which the net time reaches 2 months if Pix keeps the file from now on:
 * start + 2 calendar months in Pix's calendar (Europe/Paris) + every pause so far (the current one
 * counted up to `now`).
 */
export function procedureDeadline(clock: ProcedureClock, now: Date): Date {
  const running = clock.pausedSince ? now.getTime() - new Date(clock.pausedSince).getTime() : 0;
  const base = addMonthsIn(new Date(clock.startedAt), PARAMETERS.application.procedureMonths, PARAMETERS.agrement.timeZone);
  return new Date(base.getTime() + clock.pausedMs + running);
}

export function isRunning(clock: ProcedureClock): boolean {
  return !clock.stoppedAt && !clock.pausedSince;
}
