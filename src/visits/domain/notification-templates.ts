import { PARAMETERS } from '../../config/parameters';
import { agrementLetter, type DataOf, dateOrInstant, finite, flag, readDateInput, text } from '../../shared/domain/notification';

/**
 * The control visits' e-mails (issue 5: VIS-1..5, APP-3): the data each template renders, as a JSON Schema from
 * which its type and its runtime check both derive (src/shared/domain/notification.ts). Written by
 * src/visits/usecases/visits.ts.
 */

/** VIS-2, VIS-3, VIS-4 (APP-3 for a conformity visit) — the announced-visit notice, sent to the centre. */
const controlVisitNotice = {
  type: 'object',
  properties: {
    organisationName: text,
    /** The agrément's reference (e.g. "AGR-3F2A9C1B"), or the application's for a conformity visit. */
    reference: text,
    visitOn: dateOrInstant,
    /** VIS-2: the registered letter (LRAR) is sent by this day, at least 5 working days before the visit. */
    letterSentBy: dateOrInstant,
    /** APP-3: the conformity visit before the grant (default false: a control visit). */
    conformity: flag,
    /** VIS-3 (control visit) or APP-3 (conformity visit): what the centre may be charged at most; default: parameters, by kind. */
    costCapEur: finite,
    /** VIS-2; default: parameters. */
    announcementWorkingDays: finite,
  },
  required: ['organisationName', 'reference', 'visitOn', 'letterSentBy'],
} as const;

export const VISIT_KINDS = ['announced', 'unannounced', 'conformity'] as const;

/** VIS-1, VIS-2, VIS-4, VIS-5 — the assignment, sent to the inspector. */
const inspectorAssignment = {
  type: 'object',
  properties: {
    inspectorName: text,
    organisationName: text,
    /** Department code of the centre, when known. */
    department: { type: ['string', 'null'] },
    visitOn: dateOrInstant,
    kind: { enum: VISIT_KINDS, description: 'announced, unannounced or conformity' },
    /** VIS-2: announced and conformity visits. */
    letterSentBy: { type: ['string', 'null'] },
    /** VIS-1: the session an unannounced visit attends. */
    sessionId: { type: ['string', 'null'] },
    /** VIS-3, APP-3: what the centre is charged. */
    costEur: finite,
    visitId: text,
  },
  required: ['inspectorName', 'organisationName', 'visitOn', 'kind', 'costEur', 'visitId'],
} as const;

export const VISIT_PROPOSAL_KINDS = ['breach-notice', 'suspension'] as const;

/** VIS-4, BRE-1 or SUS-1, BRE-4 — a proposal from a visit's findings, sent to the Pix legal team. */
const visitFindingsProposal = {
  type: 'object',
  properties: {
    ...agrementLetter,
    visitOn: dateOrInstant,
    inspectorName: text,
    proposalKind: { enum: VISIT_PROPOSAL_KINDS },
    /** "BRE-1" (breach notice) or "SUS-1" (suspension). */
    proposalRuleId: text,
    proposedOn: dateOrInstant,
    /** The checklist items found wanting (VIS-4), in French; non-empty. */
    failedItems: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: { label: { type: 'string' }, notes: { type: ['string', 'null'] } }, required: ['label'] },
    },
    /** The inspector's summary, in French (optional). */
    summary: { type: ['string', 'null'] },
    /** BRE-1; default: parameters. */
    cureDays: finite,
  },
  required: [
    'organisationName',
    'agrementReference',
    'visitOn',
    'inspectorName',
    'proposalKind',
    'proposalRuleId',
    'proposedOn',
    'failedItems',
  ],
} as const;

const isDateInput = (value: unknown) => readDateInput(value) !== null;

export const VISIT_TEMPLATES = {
  'control-visit-notice': {
    schema: controlVisitNotice,
    defaults: (data: Readonly<Record<string, unknown>>) => ({
      conformity: false,
      // VIS-3, APP-3: the cap by kind of visit.
      costCapEur: data.conformity === true ? PARAMETERS.application.conformityVisitCapEur : PARAMETERS.visits.controlVisitCapEur,
      announcementWorkingDays: PARAMETERS.visits.announcementWorkingDays,
    }),
    refine: (data: DataOf<typeof controlVisitNotice>) =>
      readDateInput(data.letterSentBy)!.date.getTime() < readDateInput(data.visitOn)!.date.getTime()
        ? null
        : '"letterSentBy" must be before "visitOn" (VIS-2)',
  },
  'inspector-assignment': {
    schema: inspectorAssignment,
    refine: (data: DataOf<typeof inspectorAssignment>) => {
      const hasSession = typeof data.sessionId === 'string' && data.sessionId.trim() !== '';
      if (data.kind === 'unannounced' && !hasSession) return '"sessionId" is required for an unannounced visit (VIS-1)';
      if (data.kind !== 'unannounced' && !isDateInput(data.letterSentBy))
        return '"letterSentBy" is required for an announced visit (VIS-2)';
      return null;
    },
  },
  'visit-findings-proposal': { schema: visitFindingsProposal, defaults: { cureDays: PARAMETERS.breach.cureDays } },
} as const;
