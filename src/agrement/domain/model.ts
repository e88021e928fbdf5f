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

/** REF-1..4: one référent, with their training (REF-2), badge (REF-3) and yearly contribution (REF-4). */
export interface Referent {
  name: string;
  email: string;
  trained: boolean;
  recognisedQualifications: boolean;
  appointedOn: string;
  /** REF-3: set when an earlier référent's badge deadlines fell on the same dates (see machine.ts instanceTag). */
  badgeTag?: string;
  badgeObtainedOn: string | null;
  /** REF-4: days contributed, by agrément year (1 = the first year from the first grant). */
  contributions: Record<string, number>;
}

/** ELIG-4: a member centre of a network, as the convention lists it or as it joined since (CdC §3.2.2). */
export interface NetworkMember {
  organisationId: string;
  name: string;
  category: string;
  department: string | null;
  /** The day it joined; null for the members listed at the grant. */
  joinedOn: string | null;
}

export interface NetworkRecord {
  /** ELIG-4: A (members individually eligible) or B (dense coverage); null when the engine does not know it. */
  type: 'A' | 'B' | null;
  /** ELIG-4 type B: the departments the network committed to reach (its application). */
  departmentsCommitted: string[];
  members: NetworkMember[];
  /** ELIG-4 type B: the departments where a member is established, recomputed at each join and leave. */
  departmentsCovered: string[];
  formerMembers: Array<NetworkMember & { leftOn: string }>;
}

/** What the commands joining or leaving a network carry of the members on record before them (see `Agrement.network`). */
export interface NetworkBaseline {
  type: 'A' | 'B' | null;
  departmentsCommitted: string[];
  members: Array<Omit<NetworkMember, 'joinedOn'>>;
}

/** ELIG-4: the facts of a centre joining a network (the organisation it is, or becomes, in the read model). */
export interface JoiningMember {
  organisationId: string;
  name: string;
  category: string;
  department: string | null;
  uai: string | null;
  email: string;
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
  /** REF-1: the centre's single référent, or a network's first (REF-5: a notified change takes over on its date). */
  referent: Referent;
  /** REF-1: a network's other référents, within the number agreed in its convention; always empty for a centre. */
  otherReferents: Referent[];
  /** REF-1: the number of référents agreed in the convention: 1 for a centre, set at the grant for a network (CdC §3.1.2). */
  referentCount: number;
  /**
   * REF-5: a change notified in advance, with the new référent's CV; `replacesEmail` names the référent it replaces
   * (absent: the first, `referent`).
   */
  referentChange: {
    notifiedOn: string;
    effectiveOn: string;
    name: string;
    email: string;
    cv: string;
    recognisedQualifications: boolean;
    replacesEmail?: string;
  } | null;
  /**
   * ELIG-4 (CdC §3.1.2): a network's type, member centres and the departments they cover; null for a centre, and for a
   * network whose members were registered before the engine recorded them (the first join or leave brings them in).
   */
  network: NetworkRecord | null;
  /**
   * REF-4: set only on agréments whose workflow began before the yearly contribution warning existed, so that their
   * recorded histories replay as they ran (see `patched('ref4-contribution-warning')`); cleared at continue-as-new.
   */
  legacyNoContributionWarning?: true;
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
  /** REF-5; `referentEmail`: the référent replaced, required when a network has several (REF-1). */
  | {
      type: 'referent-changed';
      on: string;
      name: string;
      email: string;
      recognisedQualifications: boolean;
      effectiveOn?: string;
      cv?: string;
      referentEmail?: string;
    }
  | { type: 'referent-trained'; on: string; referentEmail?: string }
  | { type: 'badge-obtained'; on: string; referentEmail?: string }
  /** REF-4: days of Pix activities on a date (`on`), or for a calendar `year` (v1 clients). */
  | { type: 'referent-contribution'; days: number; on?: string; year?: number; referentEmail?: string }
  /** REF-1: a network designates one more référent, within the number agreed in its convention (with their CV, as REF-5). */
  | { type: 'referent-added'; on: string; name: string; email: string; cv: string; recognisedQualifications?: boolean }
  /** REF-1: a network's référent leaves without a successor (at least one stays). */
  | { type: 'referent-removed'; on: string; referentEmail: string }
  /** REF-1 (CdC §3.1.2): the number of référents agreed for a network, revised with the number of its centres. */
  | { type: 'referent-count-revised'; on: string; count: number }
  /** ELIG-4, QUO-1 (CdC §3.2.2): a centre joins the network; `eligibility` is the verdict of the eligibility rules on the network with it. */
  | {
      type: 'member-joined';
      on: string;
      member: JoiningMember;
      eligibility: { passed: boolean; failedChecks: string[] };
      baseline?: NetworkBaseline;
    }
  /** ELIG-4 (CdC §3.2.2): a centre leaves the network. */
  | { type: 'member-left'; on: string; organisationId: string; baseline?: NetworkBaseline }
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
  /** REF-1: the number of référents agreed in the convention (default 1; a network's is set at the grant). */
  referentCount?: number;
  /** ELIG-4: a network's type, committed departments and the members listed in its convention. */
  network?: NetworkBaseline;
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
    otherReferents: [],
    referentCount: s.kind === 'network' ? Math.max(1, Math.floor(s.referentCount ?? 1)) : 1,
    referentChange: null,
    network: s.kind === 'network' && s.network ? networkFrom(s.network) : null,
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

/** ELIG-4 type B: the distinct departments where the members are established, sorted. */
export function departmentsOf(members: ReadonlyArray<Pick<NetworkMember, 'department'>>): string[] {
  return [...new Set(members.map((m) => m.department?.trim().toUpperCase()).filter((d): d is string => !!d))].sort();
}

/** A network's record from what its convention lists (or what the read model holds, for an older agrément). */
export function networkFrom(b: NetworkBaseline): NetworkRecord {
  const members = b.members.map((m) => ({
    organisationId: m.organisationId,
    name: m.name,
    category: m.category,
    department: m.department ?? null,
    joinedOn: null,
  }));
  return {
    type: b.type ?? null,
    departmentsCommitted: [...(b.departmentsCommitted ?? [])],
    members,
    departmentsCovered: departmentsOf(members),
    formerMembers: [],
  };
}

/** REF-1: every référent of the agrément, the first one first (tolerates snapshots recorded before `otherReferents`). */
export const referentsOf = (a: Pick<Agrement, 'referent'> & { otherReferents?: Referent[] }): Referent[] => [
  a.referent,
  ...(a.otherReferents ?? []),
];

export const isEnded = (a: Pick<Agrement, 'state'>): boolean => FINAL_STATES.includes(a.state);

/** VIS-4: a proposal that a control visit's findings lead to, at most once per visit and kind. */
export const visitFindingsKey = (visitId: string, proposal: 'breach-notice' | 'suspension') => `visit-findings:${visitId}:${proposal}`;
/** VIS-4: the id of a control visit's proposal, keyed by the visit (two visits, or a BRE-1 cure-due proposal, on one day stay apart). */
export const visitProposalId = (proposal: 'breach-notice' | 'suspension', visitId: string) =>
  `VIS-4:${proposal === 'suspension' ? 'SUS-1' : 'BRE-1'}:${visitId}`;
