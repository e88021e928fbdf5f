import { PARAMETERS } from '../../../config/parameters';
import { InvalidCommand } from '../../../shared/domain/errors';
import * as D from '../deadlines';
import {
  actDate,
  AFTER_END,
  type Context,
  deadline,
  type Deadline,
  instanceSuffix,
  instanceTag,
  LIVE_STATES,
  openProposal,
  type Procedure,
  refuse,
  requiredText,
  transition,
  unchanged,
  opens,
} from '../machine';
import { CAUSE_RULE, type Proposal, type TerminationCause, visitFindingsKey, visitProposalId } from '../model';
import { proposalReasonFr } from '../notifications';
import { notifyBreach } from './breach';
import { suspend } from './suspension';

/**
 * TER-1..5 and BRE-4: terminations (the centre's convenience, AGR-5, QUO-2's withdrawal, TER-4's
 * labour documents), the proposals the engine makes and the legal team confirms or declines, the end.
 */

/** TER-5: the end, for whatever cause: sessions refused, sums payable at once, 5 more years of confidentiality. */
export function end({ a, emit }: Context, on: string, cause: TerminationCause | 'expiry'): void {
  const ruleId = cause === 'expiry' ? 'AGR-4' : CAUSE_RULE[cause];
  const confidentialityUntil = D.confidentialityUntil(on);
  const lapsed = a.proposals;
  a.end = { on, ruleId, cause, confidentialityUntil };
  a.termination = null;
  a.proposals = [];
  if (a.forceMajeure) {
    a.forceMajeurePeriods = a.forceMajeurePeriods.map((p) => (p.endedOn === null ? { ...p, endedOn: on } : p));
    a.forceMajeure = null;
  }
  emit(cause === 'expiry' ? 'expired' : 'terminated', [ruleId, 'TER-5'], {
    on,
    cause,
    causeRuleId: ruleId,
    termOn: a.termOn,
    confidentialityUntil,
  });
  // BRE-4: a proposal still undecided at the end lapses, on the record (none vanishes).
  for (const p of lapsed)
    emit('proposal-withdrawn', [...(p.ruleIds ?? [p.ruleId]), 'BRE-4', 'TER-5'], {
      proposalId: p.id,
      cause: p.cause,
      because: 'agrement-ended',
      on,
    });
}

export function startNotice(
  { a, emit }: Context,
  cause: TerminationCause,
  noticeOn: string,
  effectiveOn: string,
  extra: Record<string, unknown> = {},
): void {
  a.termination = { cause, ruleId: CAUSE_RULE[cause], noticeOn, effectiveOn };
  emit('termination-notice', [CAUSE_RULE[cause]], { cause, noticeOn, effectiveOn, ...extra });
}

/** BRE-4: the engine proposes, a person decides (unless a setting confirms terminations automatically). */
export function propose(
  ctx: Context,
  p: Omit<Proposal, 'id' | 'reasonFr'> & { reasonFr?: string; grounds?: Record<string, unknown> },
): void {
  const { a, emit } = ctx;
  const { grounds, ...rest } = p;
  const proposal: Proposal = {
    ...rest,
    reasonFr: p.reasonFr ?? proposalReasonFr(p.cause, grounds ?? {}),
    id: p.visitId && p.kind !== 'termination' ? visitProposalId(p.kind, p.visitId) : `${p.ruleId}:${p.proposedOn}`,
  };
  if (a.proposals.some((x) => x.id === proposal.id)) return;
  a.proposals.push(proposal);
  const automatic = p.kind === 'termination' && PARAMETERS.agrement.autoConfirmTerminations;
  emit(`${p.kind}-proposed`, [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'], {
    proposalId: proposal.id,
    proposalRuleId: p.ruleId,
    cause: p.cause,
    automatic,
    proposedOn: p.proposedOn,
    ...(grounds ?? {}),
    ...(p.visitId ? { visitId: p.visitId } : {}),
  });
  if (automatic) confirm(ctx, proposal, p.proposedOn);
}

/** QUO-1 and others: a proposal whose grounds are gone is withdrawn, on the record. */
export function withdrawProposals(ctx: Context, cause: Proposal['cause'], because: string, on: string): void {
  const { a, emit } = ctx;
  for (const p of a.proposals.filter((x) => x.cause === cause)) {
    a.proposals = a.proposals.filter((x) => x.id !== p.id);
    emit('proposal-withdrawn', [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'], { proposalId: p.id, cause, because, on });
  }
}

function confirm(ctx: Context, p: Proposal, on: string): void {
  const { a, emit } = ctx;
  a.proposals = a.proposals.filter((x) => x.id !== p.id);
  if (p.cause === 'visit-findings') {
    // BRE-4: confirmed by the legal team, the visit's proposal takes effect on the day of the decision.
    emit('proposal-confirmed', [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'], { proposalId: p.id, visitId: p.visitId, on });
    if (p.kind === 'suspension') {
      if (a.suspension) refuse('SUS-1', 'the agrément is already suspended', { since: a.suspension.since });
      suspend(ctx, on, p.reasonFr);
    } else {
      if (a.breach) refuse('BRE-1', 'a formal notice is already running', { cureDueOn: a.breach.cureDueOn });
      notifyBreach(ctx, on, p.reasonFr);
    }
    return;
  }
  if (p.kind !== 'termination') {
    emit('proposal-confirmed', [p.ruleId, 'BRE-4'], { proposalId: p.id, on });
    return;
  }
  const cause = p.cause as TerminationCause;
  if (cause === 'quota') {
    // QUO-2: withdrawal for convenience with 15 days' notice.
    emit('proposal-confirmed', [p.ruleId, 'BRE-4'], { proposalId: p.id, on });
    startNotice(ctx, 'quota', on, D.quotaWithdrawalEffectiveOn(on), { candidates: a.quota.candidates, target: D.quotaTarget(a.kind) });
  } else {
    emit('termination-confirmed', [p.ruleId, 'BRE-4'], { proposalId: p.id, on });
    end(ctx, on, cause);
  }
}

const terminationRequested = transition({
  command: 'termination-requested',
  procedure: 'termination',
  ruleIds: ['TER-1', 'AGR-5'],
  summary:
    "The centre's termination for convenience, dated when Pix receives it: 30 days' notice, or with the new cahier within AGR-5's month",
  allowedIn: ['active', 'suspended', 'force-majeure', 'under-notice'],
  refusedBy: { terminating: 'TER-1', ...AFTER_END },
  guards: [],
  next: opens('terminating'),
  validate: (c, a, today) => void actDate('on', c.on, a, today),
  apply(ctx, c) {
    const { a } = ctx;
    // AGR-5: within the month after a substantial change, the termination takes effect with the new cahier, never before the request.
    const change = a.cahierChange && c.on <= a.cahierChange.applyBy ? a.cahierChange : null;
    if (change) startNotice(ctx, 'cahier-change', c.on, change.effectiveOn > c.on ? change.effectiveOn : c.on);
    else startNotice(ctx, 'convenience', c.on, D.convenienceEffectiveOn(c.on));
  },
});

const proposalGuard = {
  ruleId: 'BRE-4',
  holds: 'the proposal is open',
  check: (a: Parameters<typeof openProposal>[0], c: { proposalId: string }) =>
    openProposal(a, c.proposalId) ? null : `no open proposal ${c.proposalId} (open: ${a.proposals.map((x) => x.id).join(', ') || 'none'})`,
};

const proposalConfirmed = transition({
  command: 'proposal-confirmed',
  procedure: 'termination',
  ruleIds: ['BRE-4'],
  summary: "The legal team confirms the engine's proposal (termination, formal notice or suspension)",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [proposalGuard],
  next: (from) => [...new Set([from, ...opens('suspended')(from), ...opens('under-notice')(from), 'terminating', 'terminated'] as const)],
  validate(c, a, today) {
    requiredText('proposalId', c.proposalId, 'proposalId names the proposal');
    const p = openProposal(a, c.proposalId);
    actDate('on', c.on, a, today, [p?.proposedOn, 'the proposal']);
  },
  apply(ctx, c) {
    confirm(ctx, openProposal(ctx.a, c.proposalId)!, c.on);
  },
});

const proposalDeclined = transition({
  command: 'proposal-declined',
  procedure: 'termination',
  ruleIds: ['BRE-4'],
  summary: "The legal team declines the engine's proposal",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [proposalGuard],
  next: unchanged,
  validate(c, a, today) {
    requiredText('proposalId', c.proposalId, 'proposalId names the proposal');
    actDate('on', c.on, a, today, [openProposal(a, c.proposalId)?.proposedOn, 'the proposal']);
  },
  apply({ a, emit }, c) {
    const p = openProposal(a, c.proposalId)!;
    a.proposals = a.proposals.filter((x) => x.id !== p.id);
    emit('proposal-declined', [...(p.ruleIds ?? [p.ruleId]), 'BRE-4'], { proposalId: p.id, on: c.on });
  },
});

const visitFindingsProposed = transition({
  command: 'visit-findings-proposed',
  procedure: 'termination',
  ruleIds: ['VIS-4', 'BRE-4'],
  summary: "A control visit's serious findings: a formal notice or a suspension proposed to the legal team",
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [],
  next: unchanged,
  validate(c, a, today) {
    actDate('on', c.on, a, today);
    requiredText('visitId', c.visitId, 'visitId is required');
    if (c.proposal !== 'breach-notice' && c.proposal !== 'suspension')
      throw new InvalidCommand('proposal', 'proposal must be breach-notice or suspension');
    requiredText('reasonFr', c.reasonFr, 'reasonFr states the findings');
  },
  apply(ctx, c) {
    // Once per visit and kind: a retried report, or one after the legal team decided, proposes nothing again.
    const key = visitFindingsKey(c.visitId, c.proposal);
    if (ctx.a.handled.includes(key)) return;
    ctx.a.handled.push(key);
    const ruleId = c.proposal === 'suspension' ? 'SUS-1' : 'BRE-1';
    propose(ctx, {
      kind: c.proposal,
      cause: 'visit-findings',
      ruleId,
      ruleIds: ['VIS-4', ruleId],
      visitId: c.visitId,
      proposedOn: c.on,
      reasonFr: c.reasonFr.trim(),
    });
  },
});

const labourDocumentsRequested = transition({
  command: 'labour-documents-requested',
  procedure: 'termination',
  ruleIds: ['TER-4'],
  summary: 'Pix requests the labour-law documents: due within 15 days',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    {
      ruleId: 'TER-4',
      holds: 'no request already pending',
      check: (a) => (a.labourDocuments ? `labour documents are already requested (due ${a.labourDocuments.dueOn})` : null),
    },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today),
  apply({ a, emit }, c) {
    a.labourDocuments = { requestedOn: c.on, dueOn: D.labourDocumentsDueOn(c.on), ...instanceTag(a, 'labour-documents-due', c.on) };
    emit('labour-documents-requested', ['TER-4'], { requestedOn: a.labourDocuments.requestedOn, dueOn: a.labourDocuments.dueOn });
  },
});

const labourDocumentsReceived = transition({
  command: 'labour-documents-received',
  procedure: 'termination',
  ruleIds: ['TER-4'],
  summary: 'The labour-law documents are received',
  allowedIn: LIVE_STATES,
  refusedBy: AFTER_END,
  guards: [
    { ruleId: 'TER-4', holds: 'a request is pending', check: (a) => (a.labourDocuments ? null : 'no labour documents are requested') },
  ],
  next: unchanged,
  validate: (c, a, today) => void actDate('on', c.on, a, today, [a.labourDocuments?.requestedOn, 'the request']),
  apply(ctx, c) {
    ctx.a.labourDocuments = null;
    ctx.emit('labour-documents-received', ['TER-4'], { on: c.on });
    withdrawProposals(ctx, 'labour-documents', 'labour-documents-received', c.on);
  },
});

export const termination: Procedure = {
  name: 'termination',
  title: 'Terminations, proposals and the end (TER-1, TER-4, TER-5, BRE-4, VIS-4)',
  transitions: [
    terminationRequested,
    proposalConfirmed,
    proposalDeclined,
    visitFindingsProposed,
    labourDocumentsRequested,
    labourDocumentsReceived,
  ],
  deadlines(a) {
    const list: Deadline[] = [];
    // TER-3: periods the centre owes do not run under force majeure.
    if (a.labourDocuments && !a.forceMajeure)
      list.push(
        deadline(
          'labour-documents-due',
          'TER-4',
          a.labourDocuments.dueOn,
          'by',
          instanceSuffix(a.labourDocuments.requestedOn, a.labourDocuments.tag),
        ),
      );
    if (a.termination)
      list.push(deadline('termination-effective', a.termination.ruleId, a.termination.effectiveOn, 'on', `:${a.termination.noticeOn}`));
    return list;
  },
  onDeadline: {
    'labour-documents-due'(ctx, d, on) {
      ctx.emit('labour-documents-missed', ['TER-4'], { dueOn: d.on });
      propose(ctx, { kind: 'termination', cause: 'labour-documents', ruleId: 'TER-4', proposedOn: on });
    },
    'termination-effective'(ctx, d) {
      end(ctx, d.on, ctx.a.termination!.cause);
    },
  },
};
