/**
 * SES-12: an incident attributable to the centre entitles the candidates concerned to a free new
 * session or a full refund within 5 days (CdC §2.2.5, Conv art. 16). Pure: the follow-up of one
 * session, from its finalisation to the remedy the centre records, with the deadline it must meet.
 */
import { PARAMETERS } from '../../config/parameters';
import { addDays, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { endOfDay } from '../../shared/domain/zoned-time';
import type { SessionLetter } from './notification-templates';
import type { SessionIncident } from './session';

export type RemedyKind = 'new-session' | 'refund';
export const REMEDY_KINDS: readonly RemedyKind[] = ['new-session', 'refund'];
export type RemedyState = 'awaiting' | 'overdue' | 'remedied' | 'remedied-late' | 'unremedied';

export interface SessionRemedy {
  sessionId: string;
  centreName: string;
  date: string;
  timeZone: string;
  /** The 5th day after the session: the remedy is due by its end, in the centre's zone… */
  dueOn: string;
  /** …that is, this instant (the start of the next day there). */
  dueAt: string;
  /** The candidates concerned (local ids), or 'all' when an incident concerned the whole session. */
  affected: string[] | 'all';
  incidents: string[];
  state: RemedyState;
  remedy: { kind: RemedyKind; candidateLocalIds: string[]; note: string | null; recordedAt: string } | null;
  version: number;
}

export interface RemedyEvent {
  type: 'remedy-required' | 'remedy-overdue' | 'remedy-recorded' | 'remedy-follow-up-closed';
  ruleIds: string[];
  from: RemedyState | null;
  to: RemedyState;
  data: Record<string, unknown>;
  emails: Array<SessionLetter<'session-remedy-required' | 'session-remedy-overdue'> & { audience: 'centre' | 'operations' }>;
}

export type RemedyCommand =
  | { type: 'record'; kind: unknown; candidateLocalIds: unknown; note?: unknown; at: Date }
  | { type: 'deadline-reached'; at: Date }
  | { type: 'follow-up-ended'; at: Date };

/** SES-12: the incidents attributable to the centre, and whom they concern; null when there are none. */
export function attributableIncidents(
  incidents: readonly SessionIncident[] | undefined,
): { affected: string[] | 'all'; incidents: string[] } | null {
  const theirs = (incidents ?? []).filter((i) => i.attributableToCentre);
  if (theirs.length === 0) return null;
  const affected = theirs.some((i) => i.candidateLocalId === null) ? 'all' : [...new Set(theirs.map((i) => i.candidateLocalId!))];
  return { affected, incidents: theirs.map((i) => i.description) };
}

/** SES-12: due by the end of the 5th day after the session, in the centre's time zone. */
export function remedyDue(date: string, timeZone: string, days = PARAMETERS.sessions.remedyDays): { on: string; at: Date } {
  const on = isoDate(addDays(parseIsoDate(date), days));
  return { on, at: endOfDay(on, timeZone) };
}

export const isRemedyClosed = (r: SessionRemedy) => r.state === 'remedied' || r.state === 'remedied-late' || r.state === 'unremedied';

export function openRemedy(input: {
  sessionId: string;
  centreName: string;
  date: string;
  timeZone: string;
  affected: string[] | 'all';
  incidents: string[];
}): {
  remedy: SessionRemedy;
  events: RemedyEvent[];
} {
  const due = remedyDue(input.date, input.timeZone);
  const remedy: SessionRemedy = { ...input, dueOn: due.on, dueAt: due.at.toISOString(), state: 'awaiting', remedy: null, version: 1 };
  const data = emailData(remedy);
  return {
    remedy,
    events: [
      {
        type: 'remedy-required',
        ruleIds: ['SES-12'],
        from: null,
        to: 'awaiting',
        data,
        emails: [{ template: 'session-remedy-required', audience: 'centre', data }],
      },
    ],
  };
}

export function decideRemedy(r: SessionRemedy, command: RemedyCommand): { remedy: SessionRemedy; events: RemedyEvent[] } {
  const next = (state: RemedyState, patch: Partial<SessionRemedy> = {}) => ({ ...r, ...patch, state, version: r.version + 1 });
  switch (command.type) {
    case 'record': {
      if (isRemedyClosed(r))
        throw new TransitionRefused(
          'SES-12',
          `the remedy of session ${r.sessionId} is already ${r.state === 'unremedied' ? 'closed without one' : 'recorded'}`,
          { state: r.state },
        );
      if (!REMEDY_KINDS.includes(command.kind as RemedyKind))
        throw new InvalidCommand('kind', `kind must be one of: ${REMEDY_KINDS.join(', ')}`);
      const ids = command.candidateLocalIds;
      if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string' || x.trim() === '')) {
        throw new InvalidCommand('candidateLocalIds', 'candidateLocalIds must list the local ids of the candidates offered the remedy');
      }
      if (r.affected !== 'all') {
        const stranger = (ids as string[]).find((x) => !(r.affected as string[]).includes(x));
        if (stranger)
          throw new InvalidCommand(
            'candidateLocalIds',
            `candidate ${stranger} was not concerned by an incident attributable to the centre (concerned: ${r.affected.join(', ')})`,
          );
      }
      if (command.note !== undefined && command.note !== null && (typeof command.note !== 'string' || command.note.length > 2000))
        throw new InvalidCommand('note', 'note must be a text of at most 2,000 characters');
      const late = command.at.getTime() > Date.parse(r.dueAt);
      const remedy = {
        kind: command.kind as RemedyKind,
        candidateLocalIds: [...new Set(ids as string[])],
        note: (command.note as string | undefined) ?? null,
        recordedAt: command.at.toISOString(),
      };
      const to: RemedyState = late ? 'remedied-late' : 'remedied';
      return {
        remedy: next(to, { remedy }),
        events: [
          { type: 'remedy-recorded', ruleIds: ['SES-12'], from: r.state, to, data: { ...remedy, late, dueAt: r.dueAt }, emails: [] },
        ],
      };
    }
    case 'deadline-reached': {
      if (r.state !== 'awaiting' || command.at.getTime() < Date.parse(r.dueAt)) return { remedy: r, events: [] };
      const data = emailData(r);
      return {
        remedy: next('overdue'),
        events: [
          {
            type: 'remedy-overdue',
            ruleIds: ['SES-12'],
            from: r.state,
            to: 'overdue',
            data,
            emails: [{ template: 'session-remedy-overdue', audience: 'operations', data }],
          },
        ],
      };
    }
    case 'follow-up-ended': {
      if (r.state !== 'overdue') return { remedy: r, events: [] };
      return {
        remedy: next('unremedied'),
        events: [
          { type: 'remedy-follow-up-closed', ruleIds: ['SES-12'], from: r.state, to: 'unremedied', data: { dueAt: r.dueAt }, emails: [] },
        ],
      };
    }
  }
}

/** What both SES-12 e-mails render (templates/session-remedy-*.hbs). */
function emailData(r: SessionRemedy) {
  return {
    sessionId: r.sessionId,
    centreName: r.centreName,
    sessionDate: r.date,
    dueOn: r.dueOn,
    timeZone: r.timeZone,
    affected: r.affected,
    incidents: r.incidents,
  };
}
