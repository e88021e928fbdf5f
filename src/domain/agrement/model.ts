import { PARAMETERS } from '../../config/parameters';
import * as D from './deadlines';

/**
 * The agrément of a centre or network once its attestation is received (APP-6): its state, the
 * facts each procedure keeps, the commands people and clocks send, and the events a decision
 * records. Pure data: the transitions live in procedures/, the table in transitions.ts.
 */

/** The agrément's standing, set by every transition (see docs/agrement-transitions.md). */
export const AGREMENT_STATES = ['active', 'suspended', 'force-majeure', 'under-notice', 'terminating', 'expired', 'terminated'] as const;
export type AgrementState = (typeof AGREMENT_STATES)[number];
export const FINAL_STATES: readonly AgrementState[] = ['expired', 'terminated'];
export type AgrementKind = 'centre' | 'network';

export type TerminationCause = 'convenience' | 'quota' | 'cahier-change' | 'breach' | 'visit' | 'force-majeure' | 'labour-documents';

export const CAUSE_RULE: Record<TerminationCause, string> = {
  convenience: 'TER-1',
  // TER-2: termination for quota failure is QUO-2's withdrawal.
  quota: 'QUO-2',
  'cahier-change': 'AGR-5',
  breach: 'BRE-1',
  visit: 'SUS-5',
  'force-majeure': 'TER-3',
  'labour-documents': 'TER-4',
};

export interface Proposal {
  id: string;
  kind: 'termination' | 'breach-notice' | 'suspension';
  cause: TerminationCause | 'badge' | 'visit-findings';
  ruleId: string;
  proposedOn: string;
  /** What the legal team reads: the engine's grounds, or the inspector's findings (VIS-4). */
  reasonFr: string;
  /** Every rule the proposal rests on, when more than `ruleId` (a control visit's: VIS-4 and BRE-1 or SUS-1). */
  ruleIds?: string[];
  /** VIS-4: the control visit whose findings led to the proposal. */
  visitId?: string;
}

/** TER-3: one period of force majeure; `endedOn` null while it lasts. */
export interface ForceMajeurePeriod {
  since: string;
  endedOn: string | null;
}

/** The deadline ledger (one entry per deadline the engine ever set, with its outcome). */
export type DeadlineOutcome = 'pending' | 'met' | 'missed' | 'reached' | 'cancelled' | 'superseded';
export interface LedgerEntry {
  key: string;
  name: string;
  ruleId: string;
  on: string;
  boundary: 'by' | 'on';
  /** When and by which event the engine set it. */
  setOn: string;
  setBy: string;
  outcome: DeadlineOutcome;
  /** When and by which event it was met, missed, reached, cancelled or superseded. */
  outcomeOn: string | null;
  outcomeBy: string | null;
  /** Superseded: the date that replaced it. */
  supersededByOn?: string;
}

export interface Agrement {
  /** 2: the transition-table model (agrément workflows started before it run the v1 model, see legacy/). */
  model: 2;
  agrementId: string;
  organisationId: string;
  organisationName: string;
  email: string;
  kind: AgrementKind;
  foreign: boolean;
  /** The IANA zone of the centre's seat: every date of this agrément is a date there. */
  timeZone: string;
  state: AgrementState;
  /** Start of the current term and the term itself (AGR-1..3). */
  startOn: string;
  termOn: string;
  initialYears: number;
  /** QUO-1: the quota window runs from the first grant, across renewals. */
  firstGrantOn: string;
  renewal: { requestedOn: string | null; acceptedOn: string | null; years: number | null };
  /** REF-1: the centre's single référent (REF-5: a notified change takes over on its date). */
  referent: {
    name: string;
    email: string;
    trained: boolean;
    recognisedQualifications: boolean;
    appointedOn: string;
    /** REF-3: set when an earlier référent's badge deadlines fell on the same dates (see machine.ts instanceTag). */
    badgeTag?: string;
    badgeObtainedOn: string | null;
    /** REF-4: days contributed, by agrément year (1 = the first year from the start). */
    contributions: Record<string, number>;
  };
  /** REF-5: a change notified in advance, with the new référent's CV. */
  referentChange: { notifiedOn: string; effectiveOn: string; name: string; email: string; cv: string; recognisedQualifications: boolean } | null;
  /** QUO-3: candidates counted (sessions held in the QUO-1 window) and the sessions already reported. */
  quota: { candidates: number; sessionIds: string[] };
  /** SUS-1: Pix's suspension (force majeure is not one: TER-3, BRE-2). */
  suspension: { since: string; reason: string } | null;
  /** `tag` (here and in the procedures below): set when one of its kind was opened before with the same date (see machine.ts instanceTag). */
  breach: { letterSentOn: string; cureDueOn: string; suspendedDaysDeducted: number; reason: string; tag?: string } | null;
  visit: { demandedOn: string; answerDueOn: string; tag?: string } | null;
  labourDocuments: { requestedOn: string; dueOn: string; tag?: string } | null;
  cahierChange: { notifiedOn: string; applyBy: string; effectiveOn: string; summary: string; tag?: string } | null;
  /** TER-3: the force majeure in course, if any; `limitOn` is the last day it may last without terminating. */
  forceMajeure: { since: string; limitOn: string; tag?: string } | null;
  forceMajeurePeriods: ForceMajeurePeriod[];
  /** A termination with its notice running (TER-1, QUO-2, AGR-5). */
  termination: { cause: TerminationCause; ruleId: string; noticeOn: string; effectiveOn: string } | null;
  proposals: Proposal[];
  end: { on: string; ruleId: string; cause: TerminationCause | 'expiry'; confidentialityUntil: string } | null;
  /** Deadlines already acted upon, by key: each fires once. Also visit findings already proposed (visitFindingsKey). */
  handled: string[];
  ledger: LedgerEntry[];
  version: number;
}

/** What a decision records: facts only (no French text, no template: notifications.ts builds the e-mails). */
export interface AgrementEvent {
  type: string;
  ruleIds: string[];
  from: AgrementState;
  to: AgrementState;
  data: Record<string, unknown>;
}

export interface Decision {
  agrement: Agrement;
  events: AgrementEvent[];
}

export type AgrementCommand =
  | { type: 'renewal-requested'; on: string }
  | { type: 'renewal-accepted'; on: string; years?: number }
  | { type: 'suspended'; on: string; reason: string }
  | { type: 'suspension-lifted'; on: string }
  | { type: 'breach-notified'; letterSentOn: string; reason: string }
  | { type: 'breach-cured'; on: string; evidence: string }
  | { type: 'visit-demanded'; on: string }
  | { type: 'visit-answered'; on: string; accepted: boolean }
  | { type: 'termination-requested'; on: string }
  | { type: 'proposal-confirmed'; on: string; proposalId: string }
  | { type: 'proposal-declined'; on: string; proposalId: string }
  | { type: 'force-majeure-started'; on: string }
  | { type: 'force-majeure-ended'; on: string }
  | { type: 'cahier-change-notified'; on: string; effectiveOn?: string; summary: string }
  | { type: 'referent-changed'; on: string; name: string; email: string; recognisedQualifications: boolean; effectiveOn?: string; cv?: string }
  | { type: 'referent-trained'; on: string }
  | { type: 'badge-obtained'; on: string }
  /** REF-4: days of Pix activities on a date (`on`), or for a calendar `year` (v1 clients). */
  | { type: 'referent-contribution'; days: number; on?: string; year?: number }
  /** QUO-3: `sessionDate` is the day the session was held (QUO-1 counts by it); absent, the finalisation date. */
  | { type: 'sessions-finalised'; sessionId: string; finalisedOn: string; candidates: number; sessionDate?: string }
  | { type: 'labour-documents-requested'; on: string }
  | { type: 'labour-documents-received'; on: string }
  // VIS-4, BRE-4: serious findings of a control visit, proposed to the legal team (BRE-1 notice or SUS-1 suspension).
  | { type: 'visit-findings-proposed'; on: string; visitId: string; proposal: 'breach-notice' | 'suspension'; reasonFr: string }
  | { type: 'deadline-reached'; key: string; on: string };

export type CommandType = AgrementCommand['type'];
export type CommandOf<T extends CommandType> = Extract<AgrementCommand, { type: T }>;

export interface AgrementStart {
  agrementId: string;
  organisationId: string;
  organisationName: string;
  email: string;
  kind: AgrementKind;
  foreign: boolean;
  /** The centre's seat zone (Europe/Paris when not given). */
  timeZone?: string;
  /** APP-6: the day the centre received the attestation. */
  startOn: string;
  years: number;
  referent: { name: string; email: string; trainedOn: string | null; recognisedQualifications: boolean };
  /** Earlier grant when this agrément continues a previous one (QUO-1 counts from the first). */
  firstGrantOn?: string;
}

export function openAgrement(s: AgrementStart): Agrement {
  return {
    model: 2,
    agrementId: s.agrementId,
    organisationId: s.organisationId,
    organisationName: s.organisationName,
    email: s.email,
    kind: s.kind,
    foreign: s.foreign,
    timeZone: s.timeZone ?? PARAMETERS.agrement.timeZone,
    state: 'active',
    startOn: s.startOn,
    termOn: D.termOn(s.startOn, s.years),
    initialYears: s.years,
    firstGrantOn: s.firstGrantOn ?? s.startOn,
    renewal: { requestedOn: null, acceptedOn: null, years: null },
    referent: {
      name: s.referent.name,
      email: s.referent.email,
      trained: s.referent.trainedOn !== null,
      recognisedQualifications: s.referent.recognisedQualifications,
      appointedOn: s.startOn,
      badgeObtainedOn: null,
      contributions: {},
    },
    referentChange: null,
    quota: { candidates: 0, sessionIds: [] },
    suspension: null,
    breach: null,
    visit: null,
    labourDocuments: null,
    cahierChange: null,
    forceMajeure: null,
    forceMajeurePeriods: [],
    termination: null,
    proposals: [],
    end: null,
    handled: [],
    ledger: [],
    version: 0,
  };
}

export const isEnded = (a: Pick<Agrement, 'state'>): boolean => FINAL_STATES.includes(a.state);

/** VIS-4: a proposal that a control visit's findings lead to, at most once per visit and kind. */
export const visitFindingsKey = (visitId: string, proposal: 'breach-notice' | 'suspension') => `visit-findings:${visitId}:${proposal}`;
/** VIS-4: the id of a control visit's proposal, keyed by the visit (two visits, or a BRE-1 cure-due proposal, on one day stay apart). */
export const visitProposalId = (proposal: 'breach-notice' | 'suspension', visitId: string) => `VIS-4:${proposal === 'suspension' ? 'SUS-1' : 'BRE-1'}:${visitId}`;
