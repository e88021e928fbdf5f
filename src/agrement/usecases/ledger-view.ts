import type { Agrement, DeadlineOutcome, LedgerEntry } from '../domain/agrement';

/** One deadline of the ledger as GET /agrements/{id} answers it. */
export interface LedgerView {
  key: string;
  name: string;
  ruleId: string;
  /** The deadline's date, in the centre's zone; `boundary` says whether it falls on that day or passes at its end. */
  on: string;
  boundary: 'by' | 'on';
  /** met (when, by which event), missed or reached (what followed), cancelled or superseded (why, the new date), pending. */
  outcome: DeadlineOutcome;
  outcomeOn: string | null;
  outcomeBy: string | null;
  supersededByOn: string | null;
  /** When and by which event the engine set it. */
  setOn: string;
  setBy: string;
}

/**
 * Issue 10 §3: every deadline the engine set, once, with its date, rule and outcome — so "when was the
 * cure due?" has an answer even when the cure came in time — soonest first. An agrément of the v1 model
 * (no ledger yet: it gets one at continue-as-new) shows its pending deadlines.
 */
export function ledgerView(
  a: Pick<Agrement, 'ledger'>,
  pending: ReadonlyArray<{ key: string; name: string; ruleId: string; on: string; boundary: 'by' | 'on' }>,
): LedgerView[] {
  const ledger: LedgerEntry[] = Array.isArray(a.ledger)
    ? a.ledger
    : pending.map((d) => ({ ...d, setOn: '', setBy: '', outcome: 'pending', outcomeOn: null, outcomeBy: null }));
  const seen = new Set<string>();
  return ledger
    .filter((e) => !seen.has(e.key) && Boolean(seen.add(e.key)))
    .map((e) => ({
      key: e.key,
      name: e.name,
      ruleId: e.ruleId,
      on: e.on,
      boundary: e.boundary,
      outcome: e.outcome,
      outcomeOn: e.outcomeOn,
      outcomeBy: e.outcomeBy,
      supersededByOn: e.supersededByOn ?? null,
      setOn: e.setOn,
      setBy: e.setBy,
    }))
    .sort((x, y) => (x.on === y.on ? (x.boundary === y.boundary ? 0 : x.boundary === 'on' ? -1 : 1) : x.on < y.on ? -1 : 1));
}
