import { PARAMETERS } from '../../config/parameters';
import { addYears, requireDate, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import type { ApplicantKind, PieceType } from './application';
import { handOver, type Holder, type ProcedureClock, startClock } from './procedure-clock';

/**
 * The agrément application procedure (CdC §3.2.1–3.2.2, Conv art. 6.1) as an explicit
 * state machine with guarded transitions. Every accepted command yields the new
 * procedure and the events to record; a refused one throws and changes nothing.
 *
 *   submitted ⇄ incomplete;  submitted → admissible | rejected          (APP-2, DOC-4)
 *   admissible → referent-trained → granted → adhesion-received → attestation-issued
 *                (APP-4)            (APP-5)   (APP-6)               (APP-6)
 *   a conformity visit may be required from admissibility until the grant (APP-3).
 */
export const APPLICATION_STATES = [
  'submitted',
  'incomplete',
  'rejected',
  'admissible',
  'referent-trained',
  'granted',
  'adhesion-received',
  'attestation-issued',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

/**
 * APP-7: who owes the next step in each state. The clock runs while Pix owes it and stops only while
 * the applicant does (CdC §3.2.1). Admissible: Pix owes the référent training offer (APP-4) and any
 * conformity visit (APP-3); incomplete: the applicant owes pieces (DOC-4); granted: the applicant owes
 * the signed adhesion form (APP-6).
 */
/** DOC-4: the states in which the dossier takes pieces (the application not yet decided admissible). */
export const TAKES_PIECES: readonly ApplicationState[] = ['submitted', 'incomplete'];

export const HOLDER: Record<ApplicationState, Holder> = {
  submitted: 'pix',
  incomplete: 'applicant',
  rejected: 'none',
  admissible: 'pix',
  'referent-trained': 'pix',
  granted: 'applicant',
  'adhesion-received': 'pix',
  'attestation-issued': 'none',
};

/** Result of the latest DOC/ELIG evaluation, summarised for guards (the full explanation lives in the read model). */
export interface DossierVerdict {
  complete: boolean;
  eligible: boolean;
  missingPieces: PieceType[];
  /** Failing rule IDs with their French messages, in rule-file order. */
  failures: { ruleId: string; check: string; message: string }[];
}

export interface ConformityVisit {
  required: boolean;
  /** ISO date of the visit, once done. */
  on: string | null;
  compliant: boolean | null;
  /** Cost quoted, and cost charged to the applicant after the APP-3 cap. */
  costEur: number | null;
  chargedEur: number | null;
}

export interface Procedure {
  /**
   * APP-7 as first shipped: the clock also stopped while admissible. Set only on applications whose
   * workflow began before the fix, so that their recorded histories replay as they ran.
   */
  legacyAdmissibleWait?: true;
  applicationId: string;
  kind: ApplicantKind;
  foreign: boolean;
  state: ApplicationState;
  clock: ProcedureClock;
  dossier: DossierVerdict | null;
  /** Pieces the applicant was told are missing (DOC-4). */
  missingPieces: PieceType[];
  rejectionReasons: string[];
  conformityVisit: ConformityVisit;
  referentTrainedOn: string | null;
  grantedYears: number | null;
  /** REF-1: the number of référents agreed in the convention (1 for a centre; absent on procedures granted before it). */
  grantedReferentCount?: number | null;
  adhesionFormReceivedOn: string | null;
  /** APP-6: the convention enters into force on the centre's receipt of the attestation; the term runs from it. */
  attestationReceivedOn: string | null;
  termOn: string | null;
  overdueFlaggedAt: string | null;
  /** Number of transitions applied: the sequence of the next event. */
  version: number;
}

export type ProcedureCommand =
  | { type: 'pieces-submitted'; verdict: DossierVerdict; pieceTypes: PieceType[] }
  | { type: 'admissibility-decided'; decision: 'admissible'; conformityVisitRequired?: boolean }
  | { type: 'admissibility-decided'; decision: 'incomplete'; missingPieces?: PieceType[] }
  | { type: 'admissibility-decided'; decision: 'rejected'; reasons: string[] }
  | { type: 'conformity-visit-required' }
  | { type: 'conformity-visit-done'; on: string; costEur: number; compliant: boolean }
  | { type: 'referent-trained'; on: string }
  /** REF-1: `referentCount`, the number of référents agreed (a network states it; a centre has one). */
  | { type: 'agrement-granted'; years?: number; referentCount?: number }
  | { type: 'adhesion-form-received'; on: string }
  | { type: 'attestation-issued'; receivedOn: string }
  | { type: 'procedure-overdue' };

export type ProcedureCommandType = ProcedureCommand['type'];

/** What happened, to record in the event log and, for some, to tell the applicant. */
export interface ProcedureEvent {
  type: string;
  ruleIds: string[];
  from: ApplicationState;
  to: ApplicationState;
  data: Record<string, unknown>;
}

export interface Transition {
  procedure: Procedure;
  events: ProcedureEvent[];
}

export function openProcedure(input: {
  applicationId: string;
  kind: ApplicantKind;
  foreign: boolean;
  receivedAt: Date;
  /** See Procedure.legacyAdmissibleWait. */
  legacyAdmissibleWait?: boolean;
}): Procedure {
  return {
    ...(input.legacyAdmissibleWait ? { legacyAdmissibleWait: true as const } : {}),
    applicationId: input.applicationId,
    kind: input.kind,
    foreign: input.foreign,
    state: 'submitted',
    clock: startClock(input.receivedAt),
    dossier: null,
    missingPieces: [],
    rejectionReasons: [],
    conformityVisit: { required: false, on: null, compliant: null, costEur: null, chargedEur: null },
    referentTrainedOn: null,
    grantedYears: null,
    adhesionFormReceivedOn: null,
    attestationReceivedOn: null,
    termOn: null,
    overdueFlaggedAt: null,
    version: 0,
  };
}

/** APP-7: who owes the next step of `p` in `state` (HOLDER, but for the legacy admissible wait). */
export function holderOf(p: Pick<Procedure, 'legacyAdmissibleWait'>, state: ApplicationState): Holder {
  return state === 'admissible' && p.legacyAdmissibleWait ? 'applicant' : HOLDER[state];
}

function requireState(p: Procedure, allowed: readonly ApplicationState[], ruleId: string, action: string): void {
  if (!allowed.includes(p.state)) {
    throw new TransitionRefused(ruleId, `${action} is not allowed in state "${p.state}" (${ruleId})`, {
      state: p.state,
      allowedStates: allowed,
    });
  }
}

/** APP-5, APP-8: the granted duration, checked against the allowed range. */
export function grantedYears(foreign: boolean, requested: number | undefined): number {
  const { min, max, default: byDefault } = PARAMETERS.application.grantYears;
  const cap = foreign ? PARAMETERS.application.foreignMaxYears : max;
  const years = requested ?? Math.min(byDefault, cap);
  if (!Number.isInteger(years) || years < min || years > max) {
    throw new InvalidCommand('years', `years must be an integer from ${min} to ${max} (APP-5)`, { ruleId: 'APP-5' });
  }
  if (years > cap) {
    throw new TransitionRefused('APP-8', `a centre outside France may be agreed for at most ${cap} year(s) (APP-8)`, {
      requested: years,
      maximum: cap,
    });
  }
  return years;
}

/**
 * REF-1: the number of référents agreed at the grant: a centre designates one (another number is refused, 409 REF-1);
 * a network the number its convention agrees, at least 1 (1 when a recorded grant gave none: see requireReferentCount).
 */
export function grantedReferentCount(kind: ApplicantKind, requested: unknown): number {
  if (requested === undefined || requested === null) return 1;
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1 || requested > 1000) {
    throw new InvalidCommand('referentCount', 'referentCount must be a whole number of référents, at least 1 (REF-1)');
  }
  if (kind !== 'network' && requested !== 1) {
    throw new TransitionRefused(
      'REF-1',
      'a centre designates one référent (REF-1): only a network agrees a number of référents in its convention',
      { requested },
    );
  }
  return requested;
}

/**
 * REF-1: a network's grant states the number of référents agreed in its convention. Checked when the grant is
 * decided (the workflow's validator), not when a recorded grant replays: grants recorded before it default to 1.
 */
export function requireReferentCount(kind: ApplicantKind, requested: unknown): void {
  if (kind === 'network' && (requested === undefined || requested === null)) {
    throw new InvalidCommand(
      'referentCount',
      "a network's grant states the number of référents agreed in its convention (REF-1, CdC §3.1.2)",
    );
  }
}

/** Validates and applies a command; pure: `now` is the instant of the fact. */
export function decide(p: Procedure, command: ProcedureCommand, now: Date): Transition {
  const events: ProcedureEvent[] = [];
  const next: Procedure = { ...p };
  const moveTo = (to: ApplicationState, type: string, ruleIds: string[], data: Record<string, unknown> = {}) => {
    events.push({ type, ruleIds, from: next.state, to, data });
    next.clock = handOver(next.clock, holderOf(p, to), now);
    next.state = to;
  };

  switch (command.type) {
    case 'pieces-submitted': {
      requireState(p, TAKES_PIECES, 'DOC-4', 'Submitting pieces');
      if (command.pieceTypes.length === 0) throw new InvalidCommand('pieces', 'at least one piece is required');
      next.dossier = command.verdict;
      // DOC-4: pieces received while incomplete give the file back to Pix (incomplete ⇄ submitted).
      moveTo('submitted', 'pieces-submitted', ['DOC-4', 'APP-7'], {
        pieceTypes: command.pieceTypes,
        missingPieces: command.verdict.missingPieces,
      });
      next.missingPieces = [];
      break;
    }
    case 'admissibility-decided': {
      requireState(p, ['submitted'], 'APP-2', 'Deciding admissibility');
      if (command.decision === 'admissible') {
        const verdict = p.dossier;
        if (!verdict || !verdict.complete) {
          const missing = verdict?.missingPieces ?? [];
          throw new TransitionRefused('DOC-4', 'the dossier is incomplete: it cannot be declared admissible (DOC-4)', {
            missingPieces: missing,
            failures: verdict?.failures ?? [],
          });
        }
        if (!verdict.eligible) {
          const first = verdict.failures[0];
          throw new TransitionRefused(
            first?.ruleId ?? 'ELIG-1',
            `the applicant does not meet ${first?.ruleId ?? 'the eligibility rules'}: it cannot be declared admissible`,
            { failures: verdict.failures },
          );
        }
        if (command.conformityVisitRequired) next.conformityVisit = { ...next.conformityVisit, required: true };
        moveTo('admissible', 'application-admissible', ['APP-2', 'APP-4'], {
          conformityVisitRequired: next.conformityVisit.required,
        });
      } else if (command.decision === 'incomplete') {
        const missing = command.missingPieces?.length ? command.missingPieces : (p.dossier?.missingPieces ?? []);
        if (missing.length === 0) {
          throw new InvalidCommand('missingPieces', 'name the missing pieces: the applicant must be told exactly which (DOC-4)');
        }
        next.missingPieces = [...missing];
        moveTo('incomplete', 'application-incomplete', ['DOC-4', 'APP-7'], { missingPieces: missing });
      } else {
        const reasons = command.reasons.map((r) => r.trim()).filter(Boolean);
        if (reasons.length === 0) throw new InvalidCommand('reasons', 'a rejection must give its reasons (APP-2)');
        next.rejectionReasons = reasons;
        moveTo('rejected', 'application-rejected', ['APP-2'], {
          reasons,
          failures: p.dossier?.failures ?? [],
        });
      }
      break;
    }
    case 'conformity-visit-required': {
      requireState(p, ['admissible', 'referent-trained'], 'APP-3', 'Requiring a conformity visit');
      if (p.conformityVisit.required) {
        throw new TransitionRefused('APP-3', 'a conformity visit is already required (APP-3)');
      }
      next.conformityVisit = { ...p.conformityVisit, required: true };
      events.push({ type: 'conformity-visit-required', ruleIds: ['APP-3'], from: p.state, to: p.state, data: {} });
      break;
    }
    case 'conformity-visit-done': {
      requireState(p, ['admissible', 'referent-trained'], 'APP-3', 'Recording a conformity visit');
      if (!p.conformityVisit.required || p.conformityVisit.on) {
        throw new TransitionRefused('APP-3', 'no conformity visit is pending (APP-3)');
      }
      const on = requireDate('on', command.on);
      if (typeof command.costEur !== 'number' || !Number.isFinite(command.costEur) || command.costEur < 0) {
        throw new InvalidCommand('costEur', 'costEur must be a non-negative amount in euros');
      }
      // APP-3: at the applicant's cost, capped.
      const chargedEur = Math.min(command.costEur, PARAMETERS.application.conformityVisitCapEur);
      next.conformityVisit = { required: true, on, compliant: command.compliant, costEur: command.costEur, chargedEur };
      events.push({
        type: 'conformity-visit-done',
        ruleIds: ['APP-3'],
        from: p.state,
        to: p.state,
        data: { on, compliant: command.compliant, costEur: command.costEur, chargedEur },
      });
      break;
    }
    case 'referent-trained': {
      requireState(p, ['admissible'], 'APP-4', 'Recording the référent training');
      next.referentTrainedOn = requireDate('on', command.on);
      moveTo('referent-trained', 'referent-trained', ['APP-4', 'REF-2'], { on: next.referentTrainedOn });
      break;
    }
    case 'agrement-granted': {
      requireState(p, ['referent-trained'], 'APP-5', 'Granting the agrément');
      const visit = p.conformityVisit;
      if (visit.required && (!visit.on || !visit.compliant)) {
        throw new TransitionRefused(
          'APP-3',
          visit.on
            ? 'the conformity visit found the centre non-compliant (APP-3)'
            : 'the required conformity visit has not taken place (APP-3)',
        );
      }
      next.grantedYears = grantedYears(p.foreign, command.years);
      next.grantedReferentCount = grantedReferentCount(p.kind, command.referentCount);
      moveTo('granted', 'agrement-granted', p.foreign ? ['APP-5', 'APP-8'] : ['APP-5'], {
        years: next.grantedYears,
        referentCount: next.grantedReferentCount,
      });
      break;
    }
    case 'adhesion-form-received': {
      requireState(p, ['granted'], 'APP-6', 'Receiving the adhesion form');
      next.adhesionFormReceivedOn = requireDate('on', command.on);
      moveTo('adhesion-received', 'adhesion-form-received', ['APP-6'], { on: next.adhesionFormReceivedOn });
      break;
    }
    case 'attestation-issued': {
      requireState(p, ['adhesion-received'], 'APP-6', 'Issuing the attestation');
      const receivedOn = requireDate('receivedOn', command.receivedOn);
      if (p.adhesionFormReceivedOn && receivedOn < p.adhesionFormReceivedOn) {
        throw new InvalidCommand('receivedOn', 'the attestation cannot be received before the adhesion form (APP-6)');
      }
      next.attestationReceivedOn = receivedOn;
      // APP-6: the term runs from the receipt of the attestation, for the granted duration (APP-5).
      next.termOn = isoDate(addYears(parseIsoDate(receivedOn), p.grantedYears ?? PARAMETERS.application.grantYears.default));
      moveTo('attestation-issued', 'attestation-issued', ['APP-6'], {
        receivedOn,
        termOn: next.termOn,
        years: p.grantedYears,
      });
      break;
    }
    case 'procedure-overdue': {
      if (p.overdueFlaggedAt || holderOf(p, p.state) !== 'pix') {
        throw new TransitionRefused('APP-7', 'the procedure cannot be flagged overdue now (APP-7)');
      }
      next.overdueFlaggedAt = now.toISOString();
      events.push({ type: 'procedure-overdue', ruleIds: ['APP-7'], from: p.state, to: p.state, data: {} });
      break;
    }
  }
  next.version = p.version + events.length;
  return { procedure: next, events };
}

export function isFinal(state: ApplicationState): boolean {
  return HOLDER[state] === 'none';
}
