import { InvalidCommand } from '../../shared/domain/errors';
import { forceMajeureLimitOn } from './deadlines';
import type { Agrement as AgrementV1 } from './legacy/agrement-v1';
import { nextLedger, openingLedger } from './ledger';
import { createContext, refuse, standing } from './machine';
import {
  type Agrement,
  type AgrementCommand,
  type AgrementStart,
  type Decision,
  isEnded,
  openAgrement as openModel,
  referentsOf,
} from './model';
import { SESSION_COUNTED } from './procedures/quota';
import { badgeDueOn } from './procedures/referent';
import { pendingDeadlines } from './schedule';
import { DEADLINE_HANDLERS, TRANSITIONS } from './transitions';

/**
 * The agrément's decisions: pure and immutable. `decide` checks a command against the transition
 * table (the state allows it, its guards hold) and returns a new agrément with the events to record;
 * the input is never changed. E-mails are built from the events by notifications.ts.
 */

export * from './model';
export type { Deadline, DeadlineName } from './machine';
export { pendingDeadlines, badgeDueOn };

export function openAgrement(s: AgrementStart): Agrement {
  const a = openModel(s);
  return { ...a, ledger: openingLedger(a) };
}

/** A deep copy (JSON: the workflow sandbox has no structuredClone). */
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function decide(current: Agrement, command: AgrementCommand, today: string): Decision {
  return decideOn(copy(current), current, command, today);
}

/**
 * The decision made on `a`, a private copy of `current` (the bulk QUO-3 fold reuses one copy for a batch). `ledgerSettled`:
 * the ledger is already what nextLedger makes of this agrément's deadlines (an earlier session of the same fold).
 */
function decideOn(a: Agrement, current: Agrement, command: AgrementCommand, today: string, ledgerSettled = false): Decision {
  const ctx = createContext(a, today);
  if (command?.type === 'deadline-reached') {
    const d = pendingDeadlines(a).find((x) => x.key === command.key);
    if (!d) return { agrement: current, events: [] };
    a.handled = [...a.handled, d.key];
    DEADLINE_HANDLERS[d.name](ctx, d, command.on);
  } else {
    const t = TRANSITIONS.get(command?.type);
    if (!t) throw new InvalidCommand('type', `unknown action ${String(command?.type)}`);
    // TER-5: after the end, nothing but the records of the past (the table's final columns).
    if (isEnded(a) && !t.allowedIn.includes(a.state))
      refuse(t.refusedBy[a.state] ?? 'TER-5', `${command.type}: the agrément has ${a.state === 'expired' ? 'expired' : 'ended'} (TER-5)`, {
        state: a.state,
      });
    t.validate?.(command, a, today);
    if (!t.allowedIn.includes(a.state))
      refuse(t.refusedBy[a.state] ?? 'TER-5', `${command.type} is not allowed while the agrément is ${a.state}`, { state: a.state });
    for (const g of t.guards) {
      const refusal = g.check(a, command, today);
      if (refusal) refuse(g.ruleId, refusal, { state: a.state });
    }
    t.apply(ctx, command);
  }
  if (ctx.events.length === 0) return { agrement: current, events: [] };
  // QUO-3: counting a session moves no deadline (the quota's are dates from the first grant, not counts), so the ledger
  // nextLedger made after the fold's previous session stands; re-deriving it took most of a bulk signal's time (issue 15).
  if (!(ledgerSettled && ctx.events.every((e) => e.type === SESSION_COUNTED))) a.ledger = nextLedger(a, command, ctx.events, today);
  a.version = current.version + ctx.events.length;
  return { agrement: a, events: ctx.events };
}

type SessionFinalisedCommand = Omit<Extract<AgrementCommand, { type: 'sessions-finalised' }>, 'type'>;

/**
 * QUO-3 in bulk: each finalised session decided in turn (duplicates ignored, refusals returned, not
 * thrown), on a single copy of the agrément — a copy per session made a batch of 1,000 copy 1,000
 * times a state that grows with the sessions counted.
 */
export function decideSessionsFinalised(
  current: Agrement,
  sessions: readonly SessionFinalisedCommand[],
  today: string,
): { decision: Decision; refused: Array<{ sessionId: unknown; error: unknown }> } {
  const a = copy(current);
  const events: Decision['events'] = [];
  const refused: Array<{ sessionId: unknown; error: unknown }> = [];
  for (const s of sessions) {
    try {
      // A 'sessions-finalised' decision checks everything before it changes anything: safe on the shared copy.
      events.push(...decideOn(a, a, { ...s, type: 'sessions-finalised' }, today, events.length > 0).events);
    } catch (err) {
      refused.push({ sessionId: s?.sessionId, error: err });
    }
  }
  return { decision: { agrement: events.length ? a : current, events }, refused };
}

export interface SessionBlocker {
  ruleId: string;
  reason: string;
}

/**
 * SES-9: why no session may be organised on `sessionDate` (today's standing when omitted): judged
 * against the agrément as it will stand then — past the term without an accepted renewal (AGR-4),
 * past a termination's effective date (TER-5) — and as it stands now (SUS-2, TER-3, REF-2).
 */
export function sessionBlocker(a: Agrement, sessionDate?: string): SessionBlocker | null {
  if (a.state === 'expired') return { ruleId: 'AGR-4', reason: 'the agrément has expired' };
  if (a.state === 'terminated') return { ruleId: 'TER-5', reason: 'the agrément has ended' };
  if (sessionDate) {
    if (!a.renewal.acceptedOn && sessionDate >= a.termOn)
      return { ruleId: 'AGR-4', reason: `the session falls on or after the term ${a.termOn}, with no accepted renewal` };
    if (a.termination && sessionDate >= a.termination.effectiveOn) {
      return {
        ruleId: 'TER-5',
        reason: `the session falls on or after the end of the agrément on ${a.termination.effectiveOn} (${a.termination.ruleId})`,
      };
    }
  }
  if (a.forceMajeure) return { ruleId: 'TER-3', reason: 'the convention is suspended by force majeure' };
  if (a.suspension) return { ruleId: 'SUS-2', reason: 'the agrément is suspended' };
  // REF-2: a centre's référent is trained; a network has at least one trained référent (REF-1: it may have several).
  const trained = referentsOf(a).filter((r) => r.trained);
  if (trained.length === 0)
    return {
      ruleId: 'REF-2',
      reason:
        a.kind === 'network'
          ? "none of the network's référents has completed the Pix training"
          : 'the référent has not completed the Pix training',
    };
  const change = a.referentChange;
  if (sessionDate && change && sessionDate >= change.effectiveOn) {
    const replaced = (change.replacesEmail ?? a.referent.email).toLowerCase();
    if (trained.every((r) => r.email.toLowerCase() === replaced)) {
      return { ruleId: 'REF-2', reason: `the new référent takes over on ${change.effectiveOn} and is not trained yet` };
    }
  }
  return null;
}

/** REF-1, ELIG-4: the fields an agrément recorded before the référent count and the network's members lacks. */
type LaterFields = 'otherReferents' | 'referentCount' | 'network';

/**
 * What a run carries over continue-as-new: a model-2 agrément, perhaps recorded before its later fields existed,
 * or one of the v1 model (legacy/).
 */
export type RecordedAgrement =
  (Omit<Agrement, LaterFields> & Partial<Pick<Agrement, LaterFields>>) | (AgrementV1 & { model?: undefined; timeZone?: string });

/** An agrément of the v1 model (workflows started before the transition table), brought to model 2 at continue-as-new. */
export function upgradeAgrement(old: RecordedAgrement, today: string): Agrement {
  if (old.model === 2) return withDefaults(old);
  const fm = old.forceMajeure as { since: string } | null;
  const suspension =
    old.suspension && old.suspension.cause !== 'force-majeure' ? { since: old.suspension.since, reason: old.suspension.reason } : null;
  const a: Agrement = {
    // Model 2 reads the v1 record's fields as its own, but for those set below.
    ...(old as unknown as Agrement),
    model: 2,
    timeZone: old.timeZone ?? 'Europe/Paris',
    suspension,
    forceMajeure: fm ? { since: fm.since, limitOn: forceMajeureLimitOn(fm.since) } : null,
    forceMajeurePeriods: fm ? [{ since: fm.since, endedOn: null }] : [],
    referentChange: null,
    ledger: [],
    ...REF1_DEFAULTS,
  };
  a.state = isEnded(old) ? (old.state as Agrement['state']) : standing(a);
  // Deadlines of the new model already behind us (REF-4 year ends) are not acted upon retroactively.
  a.handled = [
    ...a.handled,
    ...pendingDeadlines(a)
      .filter((d) => d.on < today)
      .map((d) => d.key),
  ];
  a.ledger = openingLedger(a, 'model-upgrade');
  return a;
}

/** REF-1, ELIG-4: what an agrément recorded before the référent count and the network's members holds. */
const REF1_DEFAULTS: Pick<Agrement, LaterFields> = { otherReferents: [], referentCount: 1, network: null };

/** A model-2 agrément recorded before later fields existed, with their defaults (carried by continue-as-new). */
function withDefaults(old: Extract<RecordedAgrement, { model: 2 }>): Agrement {
  return {
    ...(old as Agrement),
    otherReferents: old.otherReferents ?? [],
    referentCount: old.referentCount ?? 1,
    network: old.network ?? null,
  };
}

/**
 * REF-4: the yearly contribution warning, for an agrément whose workflow began before it (the
 * `legacyNoContributionWarning` flag) and now runs with it: the warnings already behind `today` are
 * not sent retroactively; the others join the pending deadlines and the ledger.
 */
export function withContributionWarnings(a: Agrement, today: string): Agrement {
  if (!a.legacyNoContributionWarning) return a;
  const { legacyNoContributionWarning: _legacy, ...rest } = a;
  const next: Agrement = { ...rest };
  const warnings = pendingDeadlines(next).filter((d) => d.name === 'referent-contribution-warning');
  next.handled = [...next.handled, ...warnings.filter((d) => d.on < today).map((d) => d.key)];
  const known = new Set(next.ledger.map((e) => e.key));
  const added = openingLedger({ ...next, ledger: [] }, 'ref4-contribution-warning').filter(
    (e) => e.name === 'referent-contribution-warning' && !known.has(e.key),
  );
  next.ledger = [...next.ledger, ...added.map((e) => ({ ...e, setOn: today }))];
  return next;
}

/** REF-4: an agrément whose workflow began before the contribution warning runs without it (see `legacyNoContributionWarning`). */
export function withoutContributionWarnings(a: Agrement): Agrement {
  if (a.legacyNoContributionWarning) return a;
  return {
    ...a,
    legacyNoContributionWarning: true,
    ledger: a.ledger.filter((e) => !(e.name === 'referent-contribution-warning' && e.outcome === 'pending')),
  };
}
