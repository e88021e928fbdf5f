import type { Deadline, DeadlineName } from './machine';
import type { Agrement, AgrementCommand, AgrementEvent, DeadlineOutcome, LedgerEntry } from './model';
import { pendingDeadlines } from './schedule';

/**
 * The deadline ledger: each deadline the engine sets is kept once, with its outcome — met (when, by
 * which event), missed or reached (what followed), cancelled or superseded (why, by which date) — so
 * "when was the cure due?" has an answer even when the cure came in time.
 */

/** Obligations of the centre: passing them is a miss. */
const OBLIGATIONS: ReadonlySet<DeadlineName> = new Set([
  'renewal-request-due',
  'badge-due',
  'cure-due',
  'visit-answer-due',
  'labour-documents-due',
]);
/** The command that fulfils each obligation. */
const MET_BY: Partial<Record<DeadlineName, AgrementCommand['type']>> = {
  'renewal-request-due': 'renewal-requested',
  'badge-due': 'badge-obtained',
  'cure-due': 'breach-cured',
  'visit-answer-due': 'visit-answered',
  'labour-documents-due': 'labour-documents-received',
};
/** TER-3: periods that do not run under force majeure stay pending meanwhile. */
const PAUSED_BY_FORCE_MAJEURE: ReadonlySet<DeadlineName> = new Set(['cure-due', 'visit-answer-due', 'labour-documents-due']);

const entry = (d: Deadline, setOn: string, setBy: string): LedgerEntry => ({
  key: d.key,
  name: d.name,
  ruleId: d.ruleId,
  on: d.on,
  boundary: d.boundary,
  setOn,
  setBy,
  outcome: 'pending',
  outcomeOn: null,
  outcomeBy: null,
});

/** The ledger of a new agrément: what its opening sets. */
export function openingLedger(a: Agrement, setBy = 'agrement-started'): LedgerEntry[] {
  return pendingDeadlines(a).map((d) => entry(d, a.startOn, setBy));
}

/** The ledger after a decision: deadlines set are added, those gone get their outcome. */
export function nextLedger(after: Agrement, command: AgrementCommand, events: AgrementEvent[], today: string): LedgerEntry[] {
  const pending = pendingDeadlines(after);
  const pendingKeys = new Map(pending.map((d) => [d.key, d]));
  // TER-3: a period held by force majeure stays pending while its procedure is open (cured, answered or received meanwhile, it is met).
  const paused = new Set(
    after.forceMajeure
      ? pendingDeadlines({ ...after, forceMajeure: null })
          .filter((d) => PAUSED_BY_FORCE_MAJEURE.has(d.name))
          .map((d) => d.key)
      : [],
  );
  const by = events.map((e) => e.type).join(', ') || command.type;
  const actedOn =
    ('on' in command && typeof command.on === 'string' ? command.on : null) ??
    ('letterSentOn' in command ? command.letterSentOn : null) ??
    today;
  const ledger = after.ledger.map((e): LedgerEntry => {
    if (e.outcome !== 'pending') return e;
    // Still pending: the rule it rests on may have changed (the term: AGR-4 expiry, AGR-3 once a renewal is accepted).
    const still = pendingKeys.get(e.key);
    if (still) return still.ruleId === e.ruleId ? e : { ...e, ruleId: still.ruleId };
    const name = e.name as DeadlineName;
    if (paused.has(e.key)) return e;
    const closed = (outcome: DeadlineOutcome, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
      ...e,
      outcome,
      outcomeOn: actedOn,
      outcomeBy: by,
      ...extra,
    });
    if (command.type === 'deadline-reached' && command.key === e.key)
      return closed(OBLIGATIONS.has(name) ? 'missed' : 'reached', { outcomeOn: e.on });
    const successor = pending.find((d) => d.name === name && !after.ledger.some((x) => x.key === d.key));
    if (successor) return closed('superseded', { supersededByOn: successor.on });
    if (MET_BY[name] === command.type) return closed('met');
    return closed('cancelled');
  });
  const known = new Set(ledger.map((e) => e.key));
  for (const d of pending) if (!known.has(d.key)) ledger.push(entry(d, actedOn, by));
  return ledger;
}
