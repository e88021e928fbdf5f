import { PARAMETERS } from '../../config/parameters';
import { isIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import type { Agrement, AgrementEvent, AgrementState, CommandOf, CommandType, Proposal } from './model';

/**
 * The vocabulary every procedure uses to declare its part of the agrément's state machine:
 * transitions (command, states allowed, guards with the rule they refuse by, next states, effect)
 * and deadlines (what the workflow's timers wait for, and what happens when one passes).
 */

export type DeadlineName =
  | 'renewal-reminder'
  | 'renewal-request-due'
  | 'term'
  | 'badge-reminder'
  | 'badge-due'
  | 'referent-change-effective'
  | 'referent-contribution-year'
  | 'referent-contribution-warning'
  | 'quota-checkpoint'
  | 'quota-deadline'
  | 'cure-due'
  | 'visit-answer-due'
  | 'labour-documents-due'
  | 'cahier-change-apply-by'
  | 'force-majeure-limit'
  | 'termination-effective';

export interface Deadline {
  key: string;
  name: DeadlineName;
  ruleId: string;
  /** The calendar date the clause names, in the centre's zone. */
  on: string;
  /** 'by': passes at the end of `on`; 'on': happens at its start (in the centre's zone). */
  boundary: 'by' | 'on';
  /** REF-1: the référent a deadline concerns, when it is not the first one (a network's other référents). */
  referentEmail?: string;
}

/**
 * The deadlines of a procedure that may open several times are keyed by their date and the procedure's
 * own date (`cure-due:<due>:<letterSentOn>`). One opened again with the same own date as an earlier one
 * of its kind (closed and re-opened the same day, or a letter dated as an earlier one's) gets a tag of
 * its own (`#<version>`): sharing the earlier one's key, its deadline would count as already fired (and
 * never fire) or stay closed on the ledger. Spread into the procedure: `{}` in every other case, so the
 * keys of running agréments do not change.
 */
export function instanceTag(a: Agrement, name: DeadlineName, since: string): { tag?: string } {
  return tagIfUsed(a, (key) => key.startsWith(`${name}:`) && key.endsWith(`:${since}`));
}

/** The same for deadlines keyed by their date alone (REF-3's badge: a référent appointed on the day an earlier one was). */
export function keysTag(a: Agrement, keys: readonly string[]): { tag?: string } {
  return tagIfUsed(a, (key) => keys.includes(key));
}

function tagIfUsed(a: Agrement, earlier: (key: string) => boolean): { tag?: string } {
  const used = a.handled.some(earlier) || a.ledger.some((e) => e.outcome !== 'pending' && earlier(e.key));
  return used ? { tag: `#${a.version + 1}` } : {};
}

/** The key suffix of a procedure's deadline: its own date, and its tag if it has one. */
export const instanceSuffix = (since: string, tag?: string): string => `:${since}${tag ?? ''}`;

export const deadlineKey = (name: DeadlineName, on: string, suffix = ''): string => `${name}:${on}${suffix}`;

export const deadline = (name: DeadlineName, ruleId: string, on: string, boundary: 'by' | 'on', suffix = ''): Deadline => ({
  key: deadlineKey(name, on, suffix),
  name,
  ruleId,
  on,
  boundary,
});

/** What a transition works on: a private copy of the agrément, and the events it records. */
export interface Context {
  readonly a: Agrement;
  readonly today: string;
  readonly events: AgrementEvent[];
  /** Records an event; the agrément's state becomes `to` (declared by the transition), else its standing. */
  emit(type: string, ruleIds: string[], data?: Record<string, unknown>, to?: AgrementState): void;
}

export function createContext(a: Agrement, today: string): Context {
  const events: AgrementEvent[] = [];
  return {
    a,
    today,
    events,
    emit(type, ruleIds, data = {}, to) {
      const from = a.state;
      a.state = to ?? standing(a);
      events.push({ type, ruleIds, from, to: a.state, data });
    },
  };
}

/**
 * The standing the open procedures leave once a transition has changed them, by precedence:
 * an end is final; a termination notice fixes the end; force majeure suspends the whole
 * convention (TER-3); a formal notice runs its cure period (BRE-1); Pix's suspension (SUS-1).
 */
export function standing(a: Agrement): AgrementState {
  if (a.end) return a.end.cause === 'expiry' ? 'expired' : 'terminated';
  if (a.termination) return 'terminating';
  if (a.forceMajeure) return 'force-majeure';
  if (a.breach) return 'under-notice';
  if (a.suspension) return 'suspended';
  return 'active';
}

export interface Guard<T extends CommandType> {
  /** The rule cited when the guard refuses (409). */
  ruleId: string;
  /** What must hold, as a lawyer reads it in the table. */
  holds: string;
  /** A refusal message, or null when the guard holds. */
  check(a: Agrement, c: CommandOf<T>, today: string): string | null;
}

export interface Transition<T extends CommandType = CommandType> {
  command: T;
  /** The procedure (file) that owns it. */
  procedure: string;
  /** The rules the transition applies. */
  ruleIds: string[];
  summary: string;
  /** States the command may be taken in; in any other state it is refused by `refusedBy`. */
  allowedIn: readonly AgrementState[];
  /** The rule a state outside `allowedIn` refuses by, by state (default: TER-5 in final states). */
  refusedBy: Partial<Record<AgrementState, string>>;
  guards: Guard<T>[];
  /** The states the transition may lead to from each state it is allowed in (checked by the state-walk test). */
  next: (from: AgrementState) => readonly AgrementState[];
  /** Checks the command's fields (InvalidCommand, 400) before anything else. */
  validate?(c: CommandOf<T>, a: Agrement, today: string): void;
  apply(ctx: Context, c: CommandOf<T>): void;
}

/** A transition of one command type or another: a procedure's list mixes them. */
export type AnyTransition = { [T in CommandType]: Transition<T> }[CommandType];

/** Declares a transition with its command type inferred. */
export const transition = <T extends CommandType>(t: Transition<T>): Transition<T> => t;

/** The precedence of the live states: a procedure opening a state shows only if nothing above it is in course. */
const RANK: Record<AgrementState, number> = {
  active: 0,
  suspended: 1,
  'under-notice': 2,
  'force-majeure': 3,
  terminating: 4,
  expired: 5,
  terminated: 5,
};
export const unchanged = (from: AgrementState): readonly AgrementState[] => [from];
/** A procedure that opens `state`: the agrément shows it unless a procedure above it is in course. */
export const opens =
  (state: AgrementState) =>
  (from: AgrementState): readonly AgrementState[] => [RANK[state] > RANK[from] ? state : from];
/** A procedure that closes `state`: from it, the agrément falls back to what is still in course below it. */
export const closes =
  (state: AgrementState, below: readonly AgrementState[]) =>
  (from: AgrementState): readonly AgrementState[] =>
    from === state ? below : [from];

export const LIVE_STATES: readonly AgrementState[] = ['active', 'suspended', 'force-majeure', 'under-notice', 'terminating'];
/** TER-5: after the end, for whatever cause, the agrément takes no action but money and records of the past. */
export const AFTER_END = { expired: 'TER-5', terminated: 'TER-5' } as const;

// ---------------------------------------------------------------------------------------------
// Dates: who dates what (README "Dating rules").
// ---------------------------------------------------------------------------------------------

/** A date field: a calendar date within the range the engine accepts (year 0001 or 9999 are typos). */
export function dateField(field: string, value: unknown): string {
  if (!isIsoDate(value)) throw new InvalidCommand(field, `${field} must be an ISO date (YYYY-MM-DD)`);
  const { earliest, latest } = PARAMETERS.dates;
  if (value < earliest || value > latest) throw new InvalidCommand(field, `${field} must be between ${earliest} and ${latest}`, { value });
  return value;
}

/**
 * A dated act (a legal act, a recorded fact): it may carry the day its letter was actually sent,
 * never a day in the future, never before the agrément's start nor before the previous step of
 * its procedure (`after`: [date, what it is]).
 */
export function actDate(
  field: string,
  value: unknown,
  a: Agrement,
  today: string,
  ...after: Array<[string | null | undefined, string]>
): string {
  const on = dateField(field, value);
  if (on > today) throw new InvalidCommand(field, `${field} ${on} is in the future (today is ${today} in ${a.timeZone})`, { today });
  if (on < a.startOn) throw new InvalidCommand(field, `${field} ${on} is before the agrément's start ${a.startOn}`, { startOn: a.startOn });
  for (const [previous, what] of after) {
    if (previous && on < previous) throw new InvalidCommand(field, `${field} ${on} is before ${what} (${previous})`, { previous });
  }
  return on;
}

export function requiredText(field: string, value: unknown, message: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidCommand(field, message);
  return value.trim();
}

export function refuse(ruleId: string, message: string, details: Record<string, unknown> = {}): never {
  throw new TransitionRefused(ruleId, message, details);
}

export const openProposal = (a: Agrement, id: string): Proposal | undefined => a.proposals.find((p) => p.id === id);

/** One procedure of the agrément (a file in procedures/): its transitions and its deadlines. */
export interface Procedure {
  name: string;
  /** The clauses it carries, for the table's heading. */
  title: string;
  transitions: AnyTransition[];
  /** The deadlines it holds now (pending or not: the schedule drops those already handled). */
  deadlines(a: Agrement): Deadline[];
  /** What happens when one of its deadlines passes. */
  onDeadline: Partial<Record<DeadlineName, (ctx: Context, d: Deadline, on: string) => void>>;
}
