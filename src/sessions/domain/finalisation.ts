import { PARAMETERS } from '../../config/parameters';
import { requireDate } from '../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { isTimeZone, zonedInstant } from '../../shared/domain/zoned-time';
import type { SessionLetter } from './notification-templates';

/**
 * SES-10: a session is finalised within 48 hours of its end. Pure and deterministic (Intl only),
 * so the session workflow decides with it.
 *
 *   scheduled → finalised                       (on time)
 *   scheduled → overdue → finalised-late        (the deadline passed: operations are alerted)
 *   scheduled → cancelled                       (only before the session has ended)
 *
 * The 48 hours are elapsed hours, not wall-clock: across a DST change the deadline's local time shifts.
 */

const HOUR_MS = 3_600_000;
const RULE = 'SES-10';
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface SessionSchedule {
  /** SES-10: hours from the session's end to the finalisation deadline. */
  finalisationHours: number;
  /** SES-10: reminders, in hours before the deadline. */
  reminderHoursBefore: readonly number[];
}

export const DEFAULT_SCHEDULE: SessionSchedule = PARAMETERS.sessions;

function parseTime(field: string, value: unknown): { hours: number; minutes: number } {
  const m = typeof value === 'string' ? TIME.exec(value) : null;
  if (!m) throw new InvalidCommand(field, `${field} must be a local time HH:MM (00:00 to 23:59)`);
  return { hours: Number(m[1]), minutes: Number(m[2]) };
}

function checkZone(value: unknown): string {
  if (!isTimeZone(value)) throw new InvalidCommand('timeZone', 'timeZone must be an IANA time zone (e.g. Europe/Paris)');
  return value;
}

/** The instant the session ends: its date and end time, local to the centre's zone (SES-1). */
export function sessionEndsAt(date: string, endTime: string, timeZone: string): Date {
  const { hours, minutes } = parseTime('endTime', endTime);
  return zonedInstant(requireDate('date', date), checkZone(timeZone), hours, minutes);
}

/** SES-10: 48 elapsed hours after the session's end in the centre's zone. */
export function finalisationDeadline(
  date: string,
  endTime: string,
  timeZone: string,
  hours: number = DEFAULT_SCHEDULE.finalisationHours,
): Date {
  return new Date(sessionEndsAt(date, endTime, timeZone).getTime() + hours * HOUR_MS);
}

export interface Reminder {
  hoursBefore: number;
  at: Date;
}

/**
 * SES-10: reminder instants before the deadline, soonest first. Reminders that would fall before the
 * session's end are dropped (nothing to finalise yet).
 */
export function reminderInstants(
  deadline: Date,
  hoursBefore: readonly number[] = DEFAULT_SCHEDULE.reminderHoursBefore,
  endsAt?: Date,
): Reminder[] {
  return [...new Set(hoursBefore)]
    .filter((h) => Number.isFinite(h) && h > 0)
    .map((h) => ({ hoursBefore: h, at: new Date(deadline.getTime() - h * HOUR_MS) }))
    .filter((r) => !endsAt || r.at.getTime() >= endsAt.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

// ---------------------------------------------------------------------------------------------
// The deadline's state machine
// ---------------------------------------------------------------------------------------------

export const SESSION_DEADLINE_STATES = ['scheduled', 'finalised', 'overdue', 'finalised-late', 'cancelled'] as const;
export type SessionDeadlineState = (typeof SESSION_DEADLINE_STATES)[number];

export interface SessionDeadline {
  sessionId: string;
  centreName: string;
  /** SCO-1: collèges and lycées (no agrément); SCO-3 is cited in their reminders. */
  secondarySchool: boolean;
  state: SessionDeadlineState;
  date: string;
  endTime: string;
  timeZone: string;
  /** ISO instants. */
  endsAt: string;
  deadlineAt: string;
  schedule: SessionSchedule;
  /** Reminders (hours before) already sent or passed over for the current deadline. */
  reminded: number[];
  overdueAt: string | null;
  finalisation: {
    finalisedAt: string;
    candidatesWhoSat: number;
    late: boolean;
    incidents: string[];
    fraudReports: string[];
  } | null;
  cancellation: { at: string; reason: string } | null;
  version: number;
}

/** SES-10: a reminder to the centre, or the overdue alert to operations, with its typed data (notification-templates.ts). */
export type SessionEmail = SessionLetter<'session-finalisation-reminder' | 'session-finalisation-overdue'> & {
  audience: 'centre' | 'operations';
};

export interface SessionEvent {
  type: 'deadline-scheduled' | 'finalisation-reminder' | 'deadline-missed' | 'finalised' | 'finalised-late' | 'moved' | 'cancelled';
  ruleIds: string[];
  from: SessionDeadlineState | null;
  to: SessionDeadlineState;
  data: Record<string, unknown>;
  emails: SessionEmail[];
}

export type SessionDeadlineCommand =
  | { type: 'finalise'; finalisedAt: string; candidatesWhoSat: number; incidents?: string[]; fraudReports?: string[] }
  | { type: 'move'; date: string; endTime: string }
  | { type: 'cancel'; reason: string }
  /** The workflow's timers. */
  | { type: 'reminder-due' }
  | { type: 'deadline-passed' };

export interface SessionDecision {
  session: SessionDeadline;
  events: SessionEvent[];
}

export interface SessionStart {
  sessionId: string;
  centreName: string;
  date: string;
  endTime: string;
  timeZone: string;
  secondarySchool?: boolean;
}

export const isClosed = (s: SessionDeadline): boolean => s.state === 'finalised' || s.state === 'finalised-late' || s.state === 'cancelled';

function checkSchedule(schedule: SessionSchedule): SessionSchedule {
  if (!(Number.isFinite(schedule?.finalisationHours) && schedule.finalisationHours > 0)) {
    throw new InvalidCommand('schedule.finalisationHours', 'finalisationHours must be a positive number');
  }
  if (!Array.isArray(schedule.reminderHoursBefore) || schedule.reminderHoursBefore.some((h) => !(Number.isFinite(h) && h > 0))) {
    throw new InvalidCommand('schedule.reminderHoursBefore', 'reminderHoursBefore must list positive numbers of hours');
  }
  return { finalisationHours: schedule.finalisationHours, reminderHoursBefore: [...schedule.reminderHoursBefore] };
}

/** Opens the deadline of a session at its creation; throws InvalidCommand on malformed input. */
export function openSessionDeadline(start: SessionStart, schedule: SessionSchedule = DEFAULT_SCHEDULE): SessionDecision {
  if (typeof start?.sessionId !== 'string' || start.sessionId.trim() === '') throw new InvalidCommand('sessionId', 'sessionId is required');
  if (typeof start.centreName !== 'string' || start.centreName.trim() === '')
    throw new InvalidCommand('centreName', 'centreName is required');
  const s = checkSchedule(schedule);
  const endsAt = sessionEndsAt(start.date, start.endTime, start.timeZone);
  const deadlineAt = new Date(endsAt.getTime() + s.finalisationHours * HOUR_MS);
  const session: SessionDeadline = {
    sessionId: start.sessionId,
    centreName: start.centreName,
    secondarySchool: start.secondarySchool === true,
    state: 'scheduled',
    date: start.date,
    endTime: start.endTime,
    timeZone: start.timeZone,
    endsAt: endsAt.toISOString(),
    deadlineAt: deadlineAt.toISOString(),
    schedule: s,
    reminded: [],
    overdueAt: null,
    finalisation: null,
    cancellation: null,
    version: 0,
  };
  return {
    session,
    events: [
      {
        type: 'deadline-scheduled',
        ruleIds: [RULE],
        from: null,
        to: 'scheduled',
        data: {
          date: session.date,
          endTime: session.endTime,
          timeZone: session.timeZone,
          endsAt: session.endsAt,
          deadlineAt: session.deadlineAt,
        },
        emails: [],
      },
    ],
  };
}

/** Reminders of the current deadline not sent yet, soonest first. */
export function pendingReminders(s: SessionDeadline): Reminder[] {
  if (s.state !== 'scheduled') return [];
  return reminderInstants(new Date(s.deadlineAt), s.schedule.reminderHoursBefore, new Date(s.endsAt)).filter(
    (r) => !s.reminded.includes(r.hoursBefore),
  );
}

/** What the workflow waits for next: a reminder, the deadline, or (overdue) only people. */
export function nextTimer(s: SessionDeadline): { kind: 'reminder' | 'deadline'; at: Date } | null {
  if (s.state !== 'scheduled') return null;
  const reminder = pendingReminders(s)[0];
  return reminder ? { kind: 'reminder', at: reminder.at } : { kind: 'deadline', at: new Date(s.deadlineAt) };
}

/**
 * What a timer of `nextTimer` decides when it comes due at `now`. A reminder due once the deadline itself has passed
 * (a session reported more than 48 hours after its end without its finalisation, a worker back after a long outage)
 * has nothing left to remind: it is the deadline's (SES-10), or the workflow would wait for it again and again.
 */
export function dueCommand(s: SessionDeadline, kind: 'reminder' | 'deadline', now: Date): SessionDeadlineCommand {
  return kind === 'deadline' || now.getTime() >= Date.parse(s.deadlineAt) ? { type: 'deadline-passed' } : { type: 'reminder-due' };
}

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new TransitionRefused(RULE, message, details);
}

function parseInstant(field: string, value: unknown): Date {
  const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw new InvalidCommand(field, `${field} must be an ISO instant (e.g. 2026-03-29T10:00:00Z)`);
  return d;
}

function textList(field: string, value: unknown): string[] {
  if (value == null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new InvalidCommand(field, `${field} must be a list of non-empty texts`);
  }
  return [...(value as string[])];
}

/**
 * Decides a command against the current deadline at `now` (the workflow's clock): returns the next
 * deadline and the events to record (with their e-mails), or throws TransitionRefused (SES-10) /
 * InvalidCommand. A timer that finds nothing to do returns no event.
 */
export function decide(current: SessionDeadline, command: SessionDeadlineCommand, now: Date): SessionDecision {
  // A deep copy (JSON: the workflow sandbox has no structuredClone).
  const s: SessionDeadline = JSON.parse(JSON.stringify(current)) as SessionDeadline;
  const events: SessionEvent[] = [];
  const emit = (
    type: SessionEvent['type'],
    to: SessionDeadlineState,
    ruleIds: string[],
    data: Record<string, unknown>,
    emails: SessionEmail[] = [],
  ) => {
    events.push({ type, ruleIds, from: s.state, to, data, emails });
    s.state = to;
    s.version++;
  };
  const ended = now.getTime() >= Date.parse(s.endsAt);
  const common = { sessionId: s.sessionId, sessionDate: s.date, deadlineAt: s.deadlineAt, timeZone: s.timeZone };

  switch (command?.type) {
    case 'finalise': {
      if (s.state === 'cancelled') refuse('the session is cancelled: there is nothing to finalise', { state: s.state });
      if (s.state === 'finalised' || s.state === 'finalised-late')
        refuse('the session is already finalised', { state: s.state, finalisedAt: s.finalisation?.finalisedAt });
      const finalisedAt = parseInstant('finalisedAt', command.finalisedAt);
      if (finalisedAt.getTime() > now.getTime()) throw new InvalidCommand('finalisedAt', 'finalisedAt is in the future');
      if (finalisedAt.getTime() < Date.parse(s.endsAt))
        refuse('a session is finalised once it has ended', { endsAt: s.endsAt, finalisedAt: finalisedAt.toISOString() });
      const candidatesWhoSat = command.candidatesWhoSat;
      if (!Number.isInteger(candidatesWhoSat) || candidatesWhoSat < 0)
        throw new InvalidCommand('candidatesWhoSat', 'candidatesWhoSat must be a non-negative integer');
      const incidents = textList('incidents', command.incidents);
      const fraudReports = textList('fraudReports', command.fraudReports);
      // Late is judged on the finalisation instant, not on whether the workflow's timer has fired yet.
      const late = finalisedAt.getTime() > Date.parse(s.deadlineAt);
      s.finalisation = { finalisedAt: finalisedAt.toISOString(), candidatesWhoSat, late, incidents, fraudReports };
      emit(late ? 'finalised-late' : 'finalised', late ? 'finalised-late' : 'finalised', [RULE, 'QUO-3'], {
        finalisedAt: s.finalisation.finalisedAt,
        deadlineAt: s.deadlineAt,
        late,
        candidatesWhoSat,
        incidents,
        fraudReports,
      });
      break;
    }
    case 'move': {
      if (s.state !== 'scheduled') refuse(`a ${s.state} session cannot be moved`, { state: s.state });
      if (ended) refuse('the session has already taken place: it is finalised, not moved', { endsAt: s.endsAt });
      const date = requireDate('date', command.date);
      parseTime('endTime', command.endTime);
      if (date === s.date && command.endTime === s.endTime) break; // a retried move: nothing changes
      const endsAt = sessionEndsAt(date, command.endTime, s.timeZone);
      if (endsAt.getTime() <= now.getTime()) throw new InvalidCommand('date', 'the session cannot be moved to a time already past');
      const previous = { date: s.date, endTime: s.endTime, deadlineAt: s.deadlineAt };
      s.date = date;
      s.endTime = command.endTime;
      s.endsAt = endsAt.toISOString();
      s.deadlineAt = new Date(endsAt.getTime() + s.schedule.finalisationHours * HOUR_MS).toISOString();
      s.reminded = []; // the new deadline has its own reminders
      emit('moved', 'scheduled', [RULE], { previous, date, endTime: s.endTime, endsAt: s.endsAt, deadlineAt: s.deadlineAt });
      break;
    }
    case 'cancel': {
      if (s.state !== 'scheduled') refuse(`a ${s.state} session cannot be cancelled`, { state: s.state });
      if (ended) refuse('the session has already taken place: it must be finalised', { endsAt: s.endsAt });
      if (typeof command.reason !== 'string' || command.reason.trim() === '') throw new InvalidCommand('reason', 'a reason is required');
      s.cancellation = { at: now.toISOString(), reason: command.reason };
      emit('cancelled', 'cancelled', [RULE], { reason: command.reason });
      break;
    }
    case 'reminder-due': {
      const due = pendingReminders(s).filter((r) => r.at.getTime() <= now.getTime());
      if (due.length === 0 || now.getTime() >= Date.parse(s.deadlineAt)) break;
      // A late start or a long outage: only the latest reminder is worth sending, the earlier ones are passed over.
      const latest = due[due.length - 1]!;
      s.reminded.push(...due.map((r) => r.hoursBefore));
      const hoursLeft = Math.max(0, Math.round((Date.parse(s.deadlineAt) - now.getTime()) / HOUR_MS));
      emit(
        'finalisation-reminder',
        'scheduled',
        s.secondarySchool ? [RULE, 'SCO-3'] : [RULE],
        { hoursBefore: latest.hoursBefore, dueAt: latest.at.toISOString(), hoursLeft, deadlineAt: s.deadlineAt },
        [
          {
            template: 'session-finalisation-reminder',
            audience: 'centre',
            data: { ...common, hoursLeft, centreName: s.centreName, secondarySchool: s.secondarySchool },
          },
        ],
      );
      break;
    }
    case 'deadline-passed': {
      if (s.state !== 'scheduled' || now.getTime() < Date.parse(s.deadlineAt)) break;
      s.overdueAt = now.toISOString();
      emit('deadline-missed', 'overdue', [RULE], { deadlineAt: s.deadlineAt }, [
        {
          template: 'session-finalisation-overdue',
          audience: 'operations',
          data: { ...common, centreName: s.centreName, secondarySchool: s.secondarySchool },
        },
      ]);
      break;
    }
    default:
      throw new InvalidCommand('type', `unknown command ${JSON.stringify((command as { type?: unknown })?.type)}`);
  }
  return { session: s, events };
}
