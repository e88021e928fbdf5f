import { PARAMETERS } from '../../../config/parameters';
import { isIsoDate } from '../../../shared/domain/dates';
import { InvalidCommand, TransitionRefused } from '../../../shared/domain/errors';
import { grantedYears } from '../../../application/domain/procedure';
import * as D from '../deadlines';
import type { AgrementLetter, NoticeCause } from '../notification-templates';
import type { LetterDraft } from '../notifications';

/**
 * The agrément of a centre or network once its attestation is received (APP-6), as an explicit
 * state machine with guarded transitions. `decide` is pure: it validates a command against the
 * current agrément and returns the next one with the events to record and the e-mails to send.
 *
 *   active ⇄ suspended (SUS-1, SUS-4; force majeure TER-3)
 *   active | suspended → under-notice (BRE-1) → cured (BRE-3) | terminated (BRE-4, confirmed)
 *   active → terminating (TER-1, QUO-2, AGR-5) → terminated;  active → expired (AGR-4)
 */
export const AGREMENT_STATES = ['active', 'suspended', 'under-notice', 'terminating', 'expired', 'terminated'] as const;
export type AgrementState = (typeof AGREMENT_STATES)[number];
export type AgrementKind = 'centre' | 'network';

export type TerminationCause = 'convenience' | 'quota' | 'cahier-change' | 'breach' | 'visit' | 'force-majeure' | 'labour-documents';

const CAUSE_RULE: Record<TerminationCause, string> = {
  convenience: 'TER-1',
  // TER-2: termination for quota failure is QUO-2's withdrawal.
  quota: 'QUO-2',
  'cahier-change': 'AGR-5',
  breach: 'BRE-1',
  visit: 'SUS-5',
  'force-majeure': 'TER-3',
  'labour-documents': 'TER-4',
};

const CAUSE_FR: Record<TerminationCause, string> = {
  convenience: 'résiliation pour convenance à la demande du centre',
  quota: 'nombre de candidats inférieur au seuil à 3 ans',
  'cahier-change': 'refus des modifications substantielles du cahier des charges',
  breach: 'manquement grave non corrigé dans le délai de la mise en demeure',
  visit: 'refus ou absence de réponse à la demande de visite de contrôle',
  'force-majeure': 'force majeure prolongée au-delà de 2 mois',
  'labour-documents': 'documents de droit du travail non fournis dans les 15 jours',
};

export interface Proposal {
  id: string;
  kind: 'termination' | 'breach-notice' | 'suspension';
  cause: TerminationCause | 'badge' | 'visit-findings';
  ruleId: string;
  proposedOn: string;
  reasonFr: string;
  /** Every rule the proposal rests on, when more than `ruleId` (a control visit's: VIS-4 and BRE-1 or SUS-1). */
  ruleIds?: string[];
  /** VIS-4: the control visit whose findings led to the proposal. */
  visitId?: string;
}

/** VIS-4: a proposal that a control visit's findings lead to, at most once per visit and kind. */
export const visitFindingsKey = (visitId: string, proposal: 'breach-notice' | 'suspension') => `visit-findings:${visitId}:${proposal}`;
/** VIS-4: the id of a control visit's proposal, keyed by the visit (two visits, or a BRE-1 cure-due proposal, on one day stay apart). */
export const visitProposalId = (proposal: 'breach-notice' | 'suspension', visitId: string) =>
  `VIS-4:${proposal === 'suspension' ? 'SUS-1' : 'BRE-1'}:${visitId}`;

export interface Agrement {
  agrementId: string;
  organisationId: string;
  organisationName: string;
  email: string;
  kind: AgrementKind;
  foreign: boolean;
  state: AgrementState;
  /** Start of the current term and the term itself (AGR-1..3). */
  startOn: string;
  termOn: string;
  initialYears: number;
  /** QUO-1: the quota window runs from the first grant, across renewals. */
  firstGrantOn: string;
  renewal: { requestedOn: string | null; acceptedOn: string | null; years: number | null };
  /** REF-1: the centre's single référent, Pix's operational contact. */
  referent: {
    name: string;
    email: string;
    trained: boolean;
    recognisedQualifications: boolean;
    appointedOn: string;
    badgeObtainedOn: string | null;
    /** REF-4: days contributed per calendar year. */
    contributions: Record<string, number>;
  };
  quota: { candidates: number; sessionIds: string[] };
  suspension: { since: string; reason: string; cause: 'decision' | 'force-majeure' } | null;
  breach: { letterSentOn: string; cureDueOn: string; suspendedDaysDeducted: number; reason: string } | null;
  visit: { demandedOn: string; answerDueOn: string } | null;
  labourDocuments: { requestedOn: string; dueOn: string } | null;
  cahierChange: { notifiedOn: string; applyBy: string; effectiveOn: string; summary: string } | null;
  forceMajeure: { since: string; terminatesOn: string } | null;
  /** A termination with its notice running (TER-1, QUO-2, AGR-5). */
  termination: { cause: TerminationCause; ruleId: string; noticeOn: string; effectiveOn: string } | null;
  proposals: Proposal[];
  end: { on: string; ruleId: string; cause: string; confidentialityUntil: string } | null;
  /** Deadlines already acted upon, by key: each fires once. Also visit findings already proposed (visitFindingsKey). */
  handled: string[];
  version: number;
}

/** A letter, typed by its template's definition (../notification-templates.ts), as model 2 writes it. */
export type Email = AgrementLetter & { audience: 'centre' | 'operations' | 'legal' };

export interface AgrementEvent {
  type: string;
  ruleIds: string[];
  from: AgrementState;
  to: AgrementState;
  data: Record<string, unknown>;
  emails: Email[];
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
  | { type: 'referent-changed'; on: string; name: string; email: string; recognisedQualifications: boolean }
  | { type: 'referent-trained'; on: string }
  | { type: 'badge-obtained'; on: string }
  | { type: 'referent-contribution'; year: number; days: number }
  | { type: 'sessions-finalised'; sessionId: string; finalisedOn: string; candidates: number }
  | { type: 'labour-documents-requested'; on: string }
  | { type: 'labour-documents-received'; on: string }
  // VIS-4, BRE-4: serious findings of a control visit, proposed to the legal team (BRE-1 notice or SUS-1 suspension).
  | { type: 'visit-findings-proposed'; on: string; visitId: string; proposal: 'breach-notice' | 'suspension'; reasonFr: string }
  | { type: 'deadline-reached'; key: string; on: string };

export interface AgrementStart {
  agrementId: string;
  organisationId: string;
  organisationName: string;
  email: string;
  kind: AgrementKind;
  foreign: boolean;
  /** APP-6: the day the centre received the attestation. */
  startOn: string;
  years: number;
  referent: { name: string; email: string; trainedOn: string | null; recognisedQualifications: boolean };
  /** Earlier grant when this agrément continues a previous one (QUO-1 counts from the first). */
  firstGrantOn?: string;
}

export function openAgrement(s: AgrementStart): Agrement {
  return {
    agrementId: s.agrementId,
    organisationId: s.organisationId,
    organisationName: s.organisationName,
    email: s.email,
    kind: s.kind,
    foreign: s.foreign,
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
    quota: { candidates: 0, sessionIds: [] },
    suspension: null,
    breach: null,
    visit: null,
    labourDocuments: null,
    cahierChange: null,
    forceMajeure: null,
    termination: null,
    proposals: [],
    end: null,
    handled: [],
    version: 0,
  };
}

export const isEnded = (a: Agrement): boolean => a.state === 'expired' || a.state === 'terminated';

/** SES-9: why no session may be organised now, if any (SUS-2, REF-2, AGR-4, TER-5, TER-3). */
export function sessionBlocker(a: Agrement): { ruleId: string; reason: string } | null {
  if (a.state === 'expired') return { ruleId: 'AGR-4', reason: 'the agrément has expired' };
  if (a.state === 'terminated') return { ruleId: 'TER-5', reason: 'the agrément has ended' };
  if (a.suspension?.cause === 'force-majeure') return { ruleId: 'TER-3', reason: 'the convention is suspended by force majeure' };
  if (a.suspension) return { ruleId: 'SUS-2', reason: 'the agrément is suspended' };
  if (!a.referent.trained) return { ruleId: 'REF-2', reason: 'the référent has not completed the Pix training' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Deadlines: what the workflow's timers wait for.
// ---------------------------------------------------------------------------------------------

export type DeadlineName =
  | 'renewal-reminder'
  | 'renewal-request-due'
  | 'term'
  | 'badge-reminder'
  | 'badge-due'
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
  /** The calendar date the clause names. */
  on: string;
  /** 'by': passes at the end of `on`; 'on': happens at its start (both in Europe/Paris). */
  boundary: 'by' | 'on';
}

const dl = (name: DeadlineName, ruleId: string, on: string, boundary: 'by' | 'on', suffix = ''): Deadline => ({
  key: `${name}:${on}${suffix}`,
  name,
  ruleId,
  on,
  boundary,
});

/** Every deadline the agrément currently holds that has not fired yet, soonest first. */
export function pendingDeadlines(a: Agrement): Deadline[] {
  if (isEnded(a)) return [];
  const list: Deadline[] = [];
  const renewalDue = D.renewalDueOn(a.termOn);
  if (!a.renewal.requestedOn) {
    for (const r of D.renewalReminderDates(renewalDue)) list.push(dl('renewal-reminder', 'AGR-2', r, 'on'));
    list.push(dl('renewal-request-due', 'AGR-2', renewalDue, 'by'));
  }
  list.push(dl('term', a.renewal.acceptedOn ? 'AGR-3' : 'AGR-4', a.termOn, 'on'));
  const badgeDue = badgeDueOn(a);
  if (badgeDue) {
    for (const r of D.badgeReminderDates(badgeDue)) list.push(dl('badge-reminder', 'REF-3', r, 'on'));
    list.push(dl('badge-due', 'REF-3', badgeDue, 'by'));
  }
  const quotaDeadline = D.quotaDeadlineOn(a.firstGrantOn);
  for (const c of D.quotaCheckpoints(a.firstGrantOn)) list.push(dl('quota-checkpoint', 'QUO-3', c, 'on'));
  list.push(dl('quota-deadline', 'QUO-2', quotaDeadline, 'on'));
  if (a.breach) list.push(dl('cure-due', 'BRE-1', a.breach.cureDueOn, 'by', `:${a.breach.letterSentOn}`));
  if (a.visit) list.push(dl('visit-answer-due', 'SUS-5', a.visit.answerDueOn, 'by', `:${a.visit.demandedOn}`));
  if (a.labourDocuments) list.push(dl('labour-documents-due', 'TER-4', a.labourDocuments.dueOn, 'by', `:${a.labourDocuments.requestedOn}`));
  if (a.cahierChange) list.push(dl('cahier-change-apply-by', 'AGR-5', a.cahierChange.applyBy, 'by', `:${a.cahierChange.notifiedOn}`));
  if (a.forceMajeure) list.push(dl('force-majeure-limit', 'TER-3', a.forceMajeure.terminatesOn, 'on', `:${a.forceMajeure.since}`));
  if (a.termination)
    list.push(dl('termination-effective', a.termination.ruleId, a.termination.effectiveOn, 'on', `:${a.termination.noticeOn}`));
  const handled = new Set(a.handled);
  return list
    .filter((d) => !handled.has(d.key))
    .sort((x, y) => (x.on === y.on ? (x.boundary === y.boundary ? 0 : x.boundary === 'on' ? -1 : 1) : x.on < y.on ? -1 : 1));
}

/** REF-3: the badge deadline, when the référent owes one and has not shown it. */
export function badgeDueOn(a: Agrement): string | null {
  if (a.referent.recognisedQualifications || a.referent.badgeObtainedOn) return null;
  return D.badgeDueOn(a.referent.appointedOn);
}

// ---------------------------------------------------------------------------------------------
// Transitions
// ---------------------------------------------------------------------------------------------

function need(field: string, value: unknown): string {
  if (!isIsoDate(value)) throw new InvalidCommand(field, `${field} must be an ISO date (YYYY-MM-DD)`);
  return value;
}

function notEnded(a: Agrement, ruleId: string, action: string): void {
  if (isEnded(a)) {
    throw new TransitionRefused(
      a.state === 'expired' ? 'AGR-4' : 'TER-5',
      `${action}: the agrément has ${a.state === 'expired' ? 'expired' : 'ended'}`,
      {
        state: a.state,
        requestedBy: ruleId,
      },
    );
  }
}

function refuse(ruleId: string, message: string, details: Record<string, unknown> = {}): never {
  throw new TransitionRefused(ruleId, message, details);
}

/** The state that follows from the open procedures, by precedence (BRE over SUS). */
function settledState(a: Agrement): AgrementState {
  if (isEnded(a)) return a.state;
  if (a.termination) return 'terminating';
  if (a.breach) return 'under-notice';
  if (a.suspension) return 'suspended';
  return 'active';
}

export function decide(current: Agrement, command: AgrementCommand, today: string): Decision {
  // A deep copy (JSON: the workflow sandbox has no structuredClone); the current agrément stays untouched.
  return decideOn(JSON.parse(JSON.stringify(current)) as Agrement, current, command, today);
}

type SessionFinalisedCommand = Omit<Extract<AgrementCommand, { type: 'sessions-finalised' }>, 'type'>;

/**
 * QUO-3 in bulk: the decisions `decide` takes for each finalised session in turn (duplicates ignored,
 * refusals returned, not thrown: each session stands on its own), on a single copy of the agrément —
 * a copy per session made a batch of 1,000 copy 1,000 times a state that grows with the sessions
 * counted. Safe because a 'sessions-finalised' decision checks everything before it changes anything.
 */
export function decideSessionsFinalised(
  current: Agrement,
  sessions: readonly SessionFinalisedCommand[],
  today: string,
): { decision: Decision; refused: Array<{ sessionId: unknown; error: unknown }> } {
  const a = JSON.parse(JSON.stringify(current)) as Agrement;
  const events: AgrementEvent[] = [];
  const refused: Array<{ sessionId: unknown; error: unknown }> = [];
  for (const s of sessions) {
    try {
      // The agrément as the previous session left it is both the state decided on and the one that changes.
      events.push(...decideOn(a, a, { ...s, type: 'sessions-finalised' }, today).events);
    } catch (err) {
      refused.push({ sessionId: s?.sessionId, error: err });
    }
  }
  return { decision: { agrement: events.length ? a : current, events }, refused };
}

/** The decision itself, made on `a` (a copy of `current`, or `current` itself for the bulk QUO-3 fold). */
function decideOn(a: Agrement, current: Agrement, command: AgrementCommand, today: string): Decision {
  const events: AgrementEvent[] = [];
  const common = { organisationName: a.organisationName, agrementReference: `AGR-${a.agrementId.slice(0, 8).toUpperCase()}` };
  const emit = (type: string, ruleIds: string[], data: Record<string, unknown> = {}, emails: LetterDraft[] = []) => {
    const from = a.state;
    a.state = settledState(a);
    // Each draft is typed by its template; the shared fields complete it (a join TypeScript cannot follow).
    events.push({ type, ruleIds, from, to: a.state, data, emails: emails.map((e) => ({ ...e, data: { ...common, ...e.data } }) as Email) });
  };
  const end = (on: string, cause: TerminationCause | 'expiry') => {
    const ruleId = cause === 'expiry' ? 'AGR-4' : CAUSE_RULE[cause];
    const confidentialityUntil = D.confidentialityUntil(on);
    const from = a.state;
    a.end = { on, ruleId, cause, confidentialityUntil };
    a.state = cause === 'expiry' ? 'expired' : 'terminated';
    a.termination = null;
    a.proposals = [];
    const email: LetterDraft =
      cause === 'expiry'
        ? { template: 'agrement-expired', audience: 'centre', data: { termOn: a.termOn, confidentialityUntil } }
        : {
            template: 'agrement-terminated',
            audience: 'centre',
            data: { effectiveOn: on, causeRuleId: ruleId, causeFr: CAUSE_FR[cause], confidentialityUntil },
          };
    // TER-5: sessions refused, sums payable at once, confidentiality for 5 more years.
    emit(cause === 'expiry' ? 'expired' : 'terminated', [ruleId, 'TER-5'], { on, cause, confidentialityUntil }, [email]);
    events[events.length - 1]!.from = from;
  };
  const propose = (p: Omit<Proposal, 'id'>) => {
    const proposal: Proposal = {
      ...p,
      id: p.visitId && p.kind !== 'termination' ? visitProposalId(p.kind, p.visitId) : `${p.ruleId}:${p.proposedOn}`,
    };
    if (a.proposals.some((x) => x.id === proposal.id)) return;
    a.proposals.push(proposal);
    // BRE-4: a setting may let the engine confirm terminations itself; then nobody is asked to decide.
    const automatic = p.kind === 'termination' && PARAMETERS.agrement.autoConfirmTerminations;
    const template = p.kind === 'termination' ? 'termination-proposed' : 'breach-proposed';
    // VIS-4: the visits side already e-mailed the legal team the findings behind the proposal.
    const mailed = automatic || p.cause === 'visit-findings';
    emit(
      `${p.kind}-proposed`,
      [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'],
      { proposalId: proposal.id, cause: p.cause, automatic, ...(p.visitId ? { visitId: p.visitId } : {}) },
      mailed ? [] : [{ template, audience: 'legal', data: { proposalRuleId: p.ruleId, reasonFr: p.reasonFr, proposedOn: p.proposedOn } }],
    );
    if (automatic) confirm(proposal, p.proposedOn);
  };
  const confirm = (p: Proposal, on: string) => {
    a.proposals = a.proposals.filter((x) => x.id !== p.id);
    if (p.cause === 'visit-findings') {
      // BRE-4: confirmed by the legal team, the visit's proposal takes effect on the day of the decision.
      emit('proposal-confirmed', [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'], { proposalId: p.id, visitId: p.visitId });
      if (p.kind === 'suspension') suspend(on, p.reasonFr);
      else {
        // BRE-1: the registered letter goes on the day of the decision, which cannot be in the future.
        if (on > today) throw new InvalidCommand('on', 'the formal notice is sent on the day of the decision: on cannot be in the future');
        notifyBreach(on, p.reasonFr);
      }
      return;
    }
    if (p.kind !== 'termination') {
      emit('proposal-confirmed', [p.ruleId, 'BRE-4'], { proposalId: p.id });
      return;
    }
    const cause = p.cause as TerminationCause;
    if (cause === 'quota') {
      // QUO-2: withdrawal for convenience with 15 days' notice.
      startNotice('quota', on, D.quotaWithdrawalEffectiveOn(on), { candidates: a.quota.candidates, target: D.quotaTarget(a.kind) });
    } else {
      emit('termination-confirmed', [p.ruleId, 'BRE-4'], { proposalId: p.id, on });
      end(on, cause);
    }
  };
  const startNotice = (cause: NoticeCause, noticeOn: string, effectiveOn: string, extra: { candidates?: number; target?: number } = {}) => {
    a.termination = { cause, ruleId: CAUSE_RULE[cause], noticeOn, effectiveOn };
    emit('termination-notice', [CAUSE_RULE[cause]], { cause, noticeOn, effectiveOn }, [
      { template: 'termination-notice', audience: 'centre', data: { cause, noticeOn, effectiveOn, ...extra } },
    ]);
  };
  const suspend = (on: string, reason: string) => {
    notEnded(a, 'SUS-1', 'suspending');
    if (a.suspension) refuse('SUS-1', 'the agrément is already suspended', { since: a.suspension.since });
    a.suspension = { since: on, reason, cause: 'decision' };
    // SUS-2: no sessions, no registrations; SUS-3: amounts owed payable at once.
    emit('suspended', ['SUS-1', 'SUS-2', 'SUS-3'], { since: on, reason }, [
      { template: 'agrement-suspended', audience: 'centre', data: { since: on, reason } },
    ]);
  };
  const notifyBreach = (letterSentOn: string, reason: string) => {
    notEnded(a, 'BRE-1', 'notifying a breach');
    if (a.breach) refuse('BRE-1', 'a formal notice is already running', { cureDueOn: a.breach.cureDueOn });
    if (letterSentOn > today) throw new InvalidCommand('letterSentOn', 'the registered letter cannot have been sent in the future');
    const since = a.suspension && a.suspension.since <= letterSentOn ? a.suspension.since : null;
    const { cureDueOn, suspendedDaysDeducted } = D.cureDueOn(letterSentOn, since);
    a.breach = { letterSentOn, cureDueOn, suspendedDaysDeducted, reason };
    emit('breach-notified', suspendedDaysDeducted ? ['BRE-1', 'BRE-2'] : ['BRE-1'], { letterSentOn, cureDueOn, suspendedDaysDeducted }, [
      { template: 'breach-notice', audience: 'centre', data: { letterSentOn, cureDueOn, reason, suspendedDaysDeducted } },
    ]);
  };

  switch (command.type) {
    case 'renewal-requested': {
      notEnded(a, 'AGR-2', 'requesting a renewal');
      const on = need('on', command.on);
      if (a.renewal.requestedOn) refuse('AGR-2', 'a renewal is already requested', { requestedOn: a.renewal.requestedOn });
      const due = D.renewalDueOn(a.termOn);
      if (on > due) refuse('AGR-2', `the renewal request was due by ${due}, 3 months before the term (AGR-2)`, { renewalDueOn: due, on });
      a.renewal.requestedOn = on;
      emit('renewal-requested', ['AGR-2'], { on, termOn: a.termOn });
      break;
    }
    case 'renewal-accepted': {
      notEnded(a, 'AGR-3', 'accepting a renewal');
      const on = need('on', command.on);
      if (!a.renewal.requestedOn) refuse('AGR-2', 'no renewal request to accept (AGR-1: no tacit renewal)');
      if (a.renewal.acceptedOn) refuse('AGR-3', 'the renewal is already accepted');
      if (on >= a.termOn) refuse('AGR-3', `a renewal takes effect only if accepted before the term ${a.termOn} (AGR-3)`);
      // AGR-3: the duration Pix states, else the initial one.
      const years = grantedYears(a.foreign, command.years ?? a.initialYears);
      a.renewal = { ...a.renewal, acceptedOn: on, years };
      emit('renewal-accepted', ['AGR-3'], { on, years, newTermOn: D.termOn(a.termOn, years) });
      break;
    }
    case 'suspended': {
      notEnded(a, 'SUS-1', 'suspending');
      const on = need('on', command.on);
      if (!command.reason?.trim()) throw new InvalidCommand('reason', 'a suspension gives its reason (SUS-1)');
      suspend(on, command.reason.trim());
      break;
    }
    case 'suspension-lifted': {
      const on = need('on', command.on);
      if (!a.suspension || a.suspension.cause !== 'decision') refuse('SUS-4', 'the agrément is not suspended');
      const since = a.suspension!.since;
      a.suspension = null;
      emit('suspension-lifted', ['SUS-4'], { since, liftedOn: on }, [
        { template: 'agrement-suspension-lifted', audience: 'centre', data: { since, liftedOn: on } },
      ]);
      break;
    }
    case 'breach-notified': {
      notEnded(a, 'BRE-1', 'notifying a breach');
      const letterSentOn = need('letterSentOn', command.letterSentOn);
      if (!command.reason?.trim()) throw new InvalidCommand('reason', 'a formal notice states the breach (BRE-1)');
      notifyBreach(letterSentOn, command.reason.trim());
      break;
    }
    case 'breach-cured': {
      const on = need('on', command.on);
      if (!a.breach) refuse('BRE-3', 'no formal notice is running');
      if (!command.evidence?.trim()) throw new InvalidCommand('evidence', 'a cure is recorded with its evidence (BRE-3)');
      a.breach = null;
      a.proposals = a.proposals.filter((p) => p.cause !== 'breach');
      emit('breach-cured', ['BRE-3'], { curedOn: on, evidence: command.evidence.trim() }, [
        { template: 'breach-cured', audience: 'centre', data: { curedOn: on, evidence: command.evidence.trim() } },
      ]);
      break;
    }
    case 'visit-demanded': {
      notEnded(a, 'SUS-5', 'demanding a control visit');
      const on = need('on', command.on);
      if (a.visit) refuse('SUS-5', 'a control-visit demand is already awaiting its answer', { answerDueOn: a.visit.answerDueOn });
      a.visit = { demandedOn: on, answerDueOn: D.visitAnswerDueOn(on) };
      emit('visit-demanded', ['SUS-5', 'VIS-3'], { ...a.visit }, [
        {
          template: 'control-visit-demanded',
          audience: 'centre',
          data: { demandedOn: on, answerDueOn: a.visit.answerDueOn, costCapEur: PARAMETERS.visits.controlVisitCapEur },
        },
      ]);
      break;
    }
    case 'visit-answered': {
      const on = need('on', command.on);
      if (!a.visit) refuse('SUS-5', 'no control-visit demand awaits an answer');
      a.visit = null;
      emit('visit-answered', ['SUS-5'], { on, accepted: command.accepted });
      if (!command.accepted) {
        propose({ kind: 'termination', cause: 'visit', ruleId: 'SUS-5', proposedOn: on, reasonFr: CAUSE_FR.visit });
      }
      break;
    }
    case 'termination-requested': {
      notEnded(a, 'TER-1', 'terminating');
      const on = need('on', command.on);
      if (a.termination) refuse('TER-1', 'a termination notice is already running', { effectiveOn: a.termination.effectiveOn });
      // AGR-5: within the month after a substantial change, the termination takes effect with the new cahier.
      const change = a.cahierChange && on <= a.cahierChange.applyBy ? a.cahierChange : null;
      if (change) startNotice('cahier-change', on, change.effectiveOn);
      else startNotice('convenience', on, D.convenienceEffectiveOn(on));
      break;
    }
    case 'proposal-confirmed':
    case 'proposal-declined': {
      const on = need('on', command.on);
      const p = a.proposals.find((x) => x.id === command.proposalId);
      if (!p) refuse('BRE-4', `no open proposal ${command.proposalId}`, { openProposals: a.proposals.map((x) => x.id) });
      if (command.type === 'proposal-confirmed') confirm(p!, on);
      else {
        a.proposals = a.proposals.filter((x) => x.id !== p!.id);
        emit('proposal-declined', [...(p!.ruleIds ?? [p!.ruleId]), 'BRE-4'], { proposalId: p!.id, on });
      }
      break;
    }
    case 'force-majeure-started': {
      notEnded(a, 'TER-3', 'recording force majeure');
      const on = need('on', command.on);
      if (a.forceMajeure) refuse('TER-3', 'force majeure is already recorded', { since: a.forceMajeure.since });
      if (a.suspension) refuse('TER-3', 'the agrément is already suspended; lift the suspension first', { since: a.suspension.since });
      a.forceMajeure = { since: on, terminatesOn: D.forceMajeureTerminationOn(on) };
      a.suspension = { since: on, reason: 'force majeure', cause: 'force-majeure' };
      emit('force-majeure-started', ['TER-3'], { ...a.forceMajeure }, [
        { template: 'force-majeure-started', audience: 'centre', data: { since: on, terminatesOn: a.forceMajeure.terminatesOn } },
      ]);
      break;
    }
    case 'force-majeure-ended': {
      const on = need('on', command.on);
      if (!a.forceMajeure) refuse('TER-3', 'no force majeure is recorded');
      const since = a.forceMajeure!.since;
      a.forceMajeure = null;
      a.suspension = null;
      emit('force-majeure-ended', ['TER-3'], { since, endedOn: on }, [
        { template: 'force-majeure-ended', audience: 'centre', data: { since, endedOn: on } },
      ]);
      break;
    }
    case 'cahier-change-notified': {
      notEnded(a, 'AGR-5', 'notifying a change of the cahier');
      const on = need('on', command.on);
      if (!command.summary?.trim()) throw new InvalidCommand('summary', 'describe the substantial change (AGR-5)');
      const applyBy = D.cahierChangeApplyBy(on);
      const effectiveOn = command.effectiveOn === undefined ? applyBy : need('effectiveOn', command.effectiveOn);
      if (effectiveOn < on) throw new InvalidCommand('effectiveOn', 'the new cahier cannot take effect before its notification');
      a.cahierChange = { notifiedOn: on, applyBy, effectiveOn, summary: command.summary.trim() };
      emit('cahier-change-notified', ['AGR-5', 'AGR-6'], { ...a.cahierChange }, [
        { template: 'cahier-change-notice', audience: 'centre', data: { ...a.cahierChange } },
      ]);
      break;
    }
    case 'referent-changed': {
      notEnded(a, 'REF-5', 'changing the référent');
      const on = need('on', command.on);
      if (!command.name?.trim()) throw new InvalidCommand('name', 'the new référent is named (REF-5)');
      // REF-5: REF-2 applies to the new référent: untrained until Pix trains them.
      a.referent = {
        ...a.referent,
        name: command.name.trim(),
        email: command.email,
        trained: false,
        recognisedQualifications: command.recognisedQualifications,
        appointedOn: on,
        badgeObtainedOn: null,
      };
      emit('referent-changed', ['REF-5', 'REF-2'], { on, name: a.referent.name }, [
        { template: 'referent-training-required', audience: 'centre', data: { referentName: a.referent.name, changedOn: on } },
      ]);
      break;
    }
    case 'referent-trained': {
      const on = need('on', command.on);
      if (a.referent.trained) refuse('REF-2', 'the référent is already trained');
      a.referent.trained = true;
      emit('referent-trained', ['REF-2'], { on, name: a.referent.name });
      break;
    }
    case 'badge-obtained': {
      const on = need('on', command.on);
      if (a.referent.badgeObtainedOn) refuse('REF-3', 'the badge is already recorded');
      a.referent.badgeObtainedOn = on;
      a.proposals = a.proposals.filter((p) => p.cause !== 'badge');
      emit('badge-obtained', ['REF-3'], { on });
      break;
    }
    case 'referent-contribution': {
      if (!Number.isInteger(command.year) || command.year < 2000 || command.year > 2100)
        throw new InvalidCommand('year', 'year must be a calendar year');
      if (typeof command.days !== 'number' || !(command.days > 0) || command.days > 366)
        throw new InvalidCommand('days', 'days must be a positive number');
      const key = String(command.year);
      a.referent.contributions[key] = (a.referent.contributions[key] ?? 0) + command.days;
      // REF-4: at least 4 days a year.
      emit('referent-contribution', ['REF-4'], {
        year: command.year,
        days: command.days,
        total: a.referent.contributions[key],
        required: PARAMETERS.referent.yearlyContributionDays,
      });
      break;
    }
    case 'sessions-finalised': {
      const finalisedOn = need('finalisedOn', command.finalisedOn);
      if (!Number.isInteger(command.candidates) || command.candidates < 0)
        throw new InvalidCommand('candidates', 'candidates must be a non-negative integer');
      if (!command.sessionId?.trim()) throw new InvalidCommand('sessionId', 'sessionId is required');
      // QUO-3: each finalised session counts once, even when reported again.
      if (a.quota.sessionIds.includes(command.sessionId)) return { agrement: current, events: [] };
      if (finalisedOn < a.firstGrantOn) throw new InvalidCommand('finalisedOn', 'the session was finalised before the first grant');
      a.quota.sessionIds.push(command.sessionId);
      const counted = finalisedOn <= D.quotaDeadlineOn(a.firstGrantOn);
      if (counted) a.quota.candidates += command.candidates;
      emit('sessions-finalised', ['QUO-3'], {
        sessionId: command.sessionId,
        candidates: command.candidates,
        counted,
        total: a.quota.candidates,
      });
      break;
    }
    case 'labour-documents-requested': {
      notEnded(a, 'TER-4', 'requesting labour documents');
      const on = need('on', command.on);
      if (a.labourDocuments) refuse('TER-4', 'labour documents are already requested', { dueOn: a.labourDocuments.dueOn });
      a.labourDocuments = { requestedOn: on, dueOn: D.labourDocumentsDueOn(on) };
      emit('labour-documents-requested', ['TER-4'], { ...a.labourDocuments }, [
        { template: 'labour-documents-requested', audience: 'centre', data: { ...a.labourDocuments } },
      ]);
      break;
    }
    case 'labour-documents-received': {
      const on = need('on', command.on);
      if (!a.labourDocuments) refuse('TER-4', 'no labour documents are requested');
      a.labourDocuments = null;
      a.proposals = a.proposals.filter((p) => p.cause !== 'labour-documents');
      emit('labour-documents-received', ['TER-4'], { on });
      break;
    }
    case 'visit-findings-proposed': {
      notEnded(a, 'VIS-4', 'proposing from a control visit');
      const on = need('on', command.on);
      if (typeof command.visitId !== 'string' || !command.visitId.trim()) throw new InvalidCommand('visitId', 'visitId is required');
      if (command.proposal !== 'breach-notice' && command.proposal !== 'suspension')
        throw new InvalidCommand('proposal', 'proposal must be breach-notice or suspension');
      if (typeof command.reasonFr !== 'string' || !command.reasonFr.trim())
        throw new InvalidCommand('reasonFr', 'reasonFr states the findings');
      // Once per visit and kind: a retried report, or one after the legal team decided, proposes nothing again.
      const key = visitFindingsKey(command.visitId, command.proposal);
      if (a.handled.includes(key)) return { agrement: current, events: [] };
      a.handled.push(key);
      const ruleId = command.proposal === 'suspension' ? 'SUS-1' : 'BRE-1';
      propose({
        kind: command.proposal,
        cause: 'visit-findings',
        ruleId,
        ruleIds: ['VIS-4', ruleId],
        visitId: command.visitId,
        proposedOn: on,
        reasonFr: command.reasonFr.trim(),
      });
      break;
    }
    case 'deadline-reached': {
      const deadline = pendingDeadlines(a).find((d) => d.key === command.key);
      if (!deadline) return { agrement: current, events: [] };
      a.handled.push(deadline.key);
      onDeadline(deadline, command.on);
      break;
    }
  }
  a.version = current.version + events.length;
  return { agrement: a, events };

  function onDeadline(d: Deadline, on: string): void {
    switch (d.name) {
      case 'renewal-reminder': {
        const due = D.renewalDueOn(a.termOn);
        const daysLeft = Math.round((Date.parse(due) - Date.parse(d.on)) / 86_400_000);
        emit('renewal-reminder', ['AGR-2'], { renewalDueOn: due }, [
          { template: 'agrement-renewal-reminder', audience: 'centre', data: { termOn: a.termOn, renewalDueOn: due, daysLeft } },
        ]);
        break;
      }
      case 'renewal-request-due':
        emit('renewal-request-missed', ['AGR-2'], { renewalDueOn: d.on }, [
          { template: 'agrement-renewal-missed', audience: 'centre', data: { termOn: a.termOn, renewalDueOn: d.on } },
          { template: 'agrement-renewal-missed-operations', audience: 'operations', data: { termOn: a.termOn, renewalDueOn: d.on } },
        ]);
        break;
      case 'term':
        if (a.renewal.acceptedOn) {
          // AGR-3: the renewal takes effect at the term.
          const previousTermOn = a.termOn;
          const years = a.renewal.years ?? a.initialYears;
          a.startOn = previousTermOn;
          a.termOn = D.termOn(previousTermOn, years);
          a.renewal = { requestedOn: null, acceptedOn: null, years: null };
          emit('renewed', ['AGR-3'], { previousTermOn, newTermOn: a.termOn, years }, [
            { template: 'agrement-renewed', audience: 'centre', data: { previousTermOn, newTermOn: a.termOn, years } },
          ]);
        } else {
          end(d.on, 'expiry');
        }
        break;
      case 'badge-reminder': {
        const due = badgeDueOn(a)!;
        const daysLeft = Math.round((Date.parse(due) - Date.parse(d.on)) / 86_400_000);
        emit('badge-reminder', ['REF-3'], { badgeDueOn: due }, [
          { template: 'badge-reminder', audience: 'centre', data: { referentName: a.referent.name, badgeDueOn: due, daysLeft } },
        ]);
        break;
      }
      case 'badge-due':
        emit('badge-missed', ['REF-3'], { badgeDueOn: d.on });
        propose({
          kind: 'breach-notice',
          cause: 'badge',
          ruleId: 'REF-3',
          proposedOn: on,
          reasonFr: `badge « Référent Pix » non présenté au ${d.on}, 6 mois après l'agrément`,
        });
        break;
      case 'quota-checkpoint': {
        const target = D.quotaTarget(a.kind);
        const projected = D.projectedCandidates(a.quota.candidates, a.firstGrantOn, d.on);
        const monthsElapsed = PARAMETERS.quota.checkpointMonths[D.quotaCheckpoints(a.firstGrantOn).indexOf(d.on)] ?? null;
        const data = {
          checkpointOn: d.on,
          candidates: a.quota.candidates,
          target,
          projected,
          deadlineOn: D.quotaDeadlineOn(a.firstGrantOn),
          monthsElapsed,
        };
        if (projected < target) {
          emit('quota-warning', ['QUO-3', 'QUO-1'], data, [
            { template: 'quota-warning', audience: 'centre', data: { ...data, audience: 'centre' } },
            { template: 'quota-warning', audience: 'operations', data: { ...data, audience: 'operations' } },
          ]);
        } else emit('quota-on-track', ['QUO-3'], data);
        break;
      }
      case 'quota-deadline': {
        const target = D.quotaTarget(a.kind);
        if (a.quota.candidates < target) {
          emit('quota-missed', ['QUO-1', 'QUO-2'], { candidates: a.quota.candidates, target });
          propose({
            kind: 'termination',
            cause: 'quota',
            ruleId: 'QUO-2',
            proposedOn: on,
            reasonFr: `${a.quota.candidates} candidats en 3 ans pour un seuil de ${target}`,
          });
        } else emit('quota-met', ['QUO-1'], { candidates: a.quota.candidates, target });
        break;
      }
      case 'cure-due':
        emit('cure-deadline-passed', ['BRE-1'], { cureDueOn: d.on });
        propose({ kind: 'termination', cause: 'breach', ruleId: 'BRE-1', proposedOn: on, reasonFr: CAUSE_FR.breach });
        break;
      case 'visit-answer-due':
        a.visit = null;
        emit('visit-answer-missed', ['SUS-5'], { answerDueOn: d.on });
        propose({ kind: 'termination', cause: 'visit', ruleId: 'SUS-5', proposedOn: on, reasonFr: CAUSE_FR.visit });
        break;
      case 'labour-documents-due':
        emit('labour-documents-missed', ['TER-4'], { dueOn: d.on });
        propose({
          kind: 'termination',
          cause: 'labour-documents',
          ruleId: 'TER-4',
          proposedOn: on,
          reasonFr: CAUSE_FR['labour-documents'],
        });
        break;
      case 'cahier-change-apply-by':
        a.cahierChange = null;
        emit('cahier-change-applicable', ['AGR-5'], { applyBy: d.on });
        break;
      case 'force-majeure-limit':
        // TER-3: terminated automatically unless the parties agree otherwise.
        end(d.on, 'force-majeure');
        break;
      case 'termination-effective':
        end(d.on, a.termination!.cause);
        break;
    }
  }
}
