import { PARAMETERS } from '../../config/parameters';
import {
  agrementLetter,
  type DataOf,
  type DataOfTemplates,
  dateOrInstant,
  finite,
  flag,
  type Letter,
  naturalNumber,
  text,
  timeOfDay,
  timeZone,
} from '../../shared/domain/notification';

/**
 * The agrément lifecycle's e-mails (issue 3: AGR-*, REF-*, QUO-*, SUS-*, BRE-*, TER-*, SES-9): the data each
 * template renders, as a JSON Schema from which its type and its runtime check both derive
 * (src/shared/domain/notification.ts). notifications.ts builds them from the agrément's events; the planned
 * sessions a decision affects are written by src/agrement/usecases/affected-sessions.ts. Dates are calendar dates.
 *
 * The numbers a letter quotes (the cure period, the renewal notice…) are the parameters (Conv art. 8: Pix changes
 * them): a letter built without them takes them from `defaults`.
 */

const P = PARAMETERS;
const renewal = { renewalNoticeMonths: P.agrement.renewalNoticeMonths };
const confidentiality = { confidentialityYears: P.agrement.confidentialityYears };
/** QUO-1: the quota's window, in years. */
const quotaYears = P.quota.months / 12;

export const NOTICE_CAUSES = ['convenience', 'quota', 'cahier-change'] as const;
export type NoticeCause = (typeof NOTICE_CAUSES)[number];
/** TER-1, QUO-2: the notice period by cause (AGR-5 has none: the new cahier's entry into force). */
const NOTICE_DAYS: Partial<Record<NoticeCause, number>> = {
  convenience: P.termination.convenienceNoticeDays,
  quota: P.quota.withdrawalNoticeDays,
};

export const AFFECTED_SESSIONS_TRIGGERS = [
  'suspended',
  'force-majeure-started',
  'breach-notified',
  'termination-notice',
  'terminated',
  'expired',
] as const;

/** Who reads a letter written for both (QUO-1, REF-4). */
const audience = { enum: ['centre', 'operations'], description: '"centre" or "operations"' } as const;

/** AGR-1, AGR-2 */
const renewalReminder = {
  type: 'object',
  properties: {
    ...agrementLetter,
    termOn: dateOrInstant,
    /** AGR-2: 3 months before the term. */
    renewalDueOn: dateOrInstant,
    /** Days from the reminder to renewalDueOn (0: the deadline is today). */
    daysLeft: naturalNumber,
    /** AGR-2; default: parameters. */
    renewalNoticeMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'termOn', 'renewalDueOn', 'daysLeft'],
} as const;

/** AGR-2, AGR-4 (and, to Pix operations, AGR-2) */
const renewalMissed = {
  type: 'object',
  properties: { ...agrementLetter, termOn: dateOrInstant, renewalDueOn: dateOrInstant, renewalNoticeMonths: finite },
  required: ['organisationName', 'agrementReference', 'termOn', 'renewalDueOn'],
} as const;

/** AGR-3 */
const renewed = {
  type: 'object',
  properties: {
    ...agrementLetter,
    /** The end of the previous period: the renewal takes effect that day. */
    previousTermOn: dateOrInstant,
    newTermOn: dateOrInstant,
    years: finite,
    /** AGR-2, for the next renewal; default: parameters. */
    renewalNoticeMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'previousTermOn', 'newTermOn', 'years'],
} as const;

/** AGR-4, TER-5 */
const expired = {
  type: 'object',
  properties: { ...agrementLetter, termOn: dateOrInstant, confidentialityUntil: dateOrInstant, confidentialityYears: finite },
  required: ['organisationName', 'agrementReference', 'termOn', 'confidentialityUntil'],
} as const;

/** SUS-1, SUS-2, SUS-3: the reason is written by Pix, in French. */
const suspended = {
  type: 'object',
  properties: { ...agrementLetter, since: dateOrInstant, reason: text },
  required: ['organisationName', 'agrementReference', 'since', 'reason'],
} as const;

/** SUS-4: why it is lifted, in French (optional). */
const suspensionLifted = {
  type: 'object',
  properties: { ...agrementLetter, since: dateOrInstant, liftedOn: dateOrInstant, reason: { type: 'string' } },
  required: ['organisationName', 'agrementReference', 'since', 'liftedOn'],
} as const;

/** SUS-5, VIS-3 */
const controlVisitDemanded = {
  type: 'object',
  properties: {
    ...agrementLetter,
    demandedOn: dateOrInstant,
    answerDueOn: dateOrInstant,
    /** VIS-3; default: parameters. */
    costCapEur: finite,
    /** SUS-5; default: parameters. */
    answerMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'demandedOn', 'answerDueOn'],
} as const;

/** BRE-1, BRE-2 */
const breachNotice = {
  type: 'object',
  properties: {
    ...agrementLetter,
    /** The day the registered letter (LRAR) was sent. */
    letterSentOn: dateOrInstant,
    cureDueOn: dateOrInstant,
    /** The breach, in French. */
    reason: text,
    /** BRE-2: days already suspended, subtracted from the period; 0 when none (then nothing is said). */
    suspendedDaysDeducted: naturalNumber,
    /** BRE-1; default: parameters. */
    cureDays: finite,
  },
  required: ['organisationName', 'agrementReference', 'letterSentOn', 'cureDueOn', 'reason', 'suspendedDaysDeducted'],
} as const;

/** BRE-3: the evidence Pix retained, in French. */
const breachCured = {
  type: 'object',
  properties: { ...agrementLetter, curedOn: dateOrInstant, evidence: text },
  required: ['organisationName', 'agrementReference', 'curedOn', 'evidence'],
} as const;

/** What the legal team reads of a proposal (BRE-4): the rule it rests on ("BRE-1"), the reason in French. */
const proposal = {
  ...agrementLetter,
  proposalRuleId: text,
  reasonFr: text,
  proposedOn: dateOrInstant,
  /** Back-office link to the proposal. */
  detailsUrl: { type: 'string' },
} as const;

/** BRE-4 (QUO-2, SUS-5, REF-3, TER-3, TER-4, BRE-1) — sent to the Pix legal team. */
const terminationProposed = {
  type: 'object',
  properties: { ...proposal, /** QUO-2; default: parameters. */ quotaNoticeDays: finite },
  required: ['organisationName', 'agrementReference', 'proposalRuleId', 'reasonFr', 'proposedOn'],
} as const;

/** REF-3, BRE-4 — sent to the Pix legal team. */
const breachProposed = {
  type: 'object',
  properties: { ...proposal, /** BRE-1; default: parameters. */ cureDays: finite },
  required: ['organisationName', 'agrementReference', 'proposalRuleId', 'reasonFr', 'proposedOn'],
} as const;

/** TER-1, QUO-2, AGR-5 */
const terminationNotice = {
  type: 'object',
  properties: {
    ...agrementLetter,
    /** TER-1 (the centre's convenience), QUO-2 (Pix withdraws the agrément), AGR-5 (the centre refuses a new cahier). */
    cause: { enum: NOTICE_CAUSES },
    noticeOn: dateOrInstant,
    effectiveOn: dateOrInstant,
    /** QUO-2: candidates counted and the threshold; give both or neither. */
    candidates: finite,
    target: finite,
    /** Default: parameters by cause (convenience, quota); unused for cahier-change. */
    noticeDays: finite,
    /** QUO-1; default: parameters. */
    quotaYears: finite,
    /** TER-5; default: parameters. */
    confidentialityYears: finite,
  },
  required: ['organisationName', 'agrementReference', 'cause', 'noticeOn', 'effectiveOn'],
  dependencies: { candidates: ['target'], target: ['candidates'] },
  // A notice period but for AGR-5.
  if: { properties: { cause: { const: 'cahier-change' } }, required: ['cause'] },
  else: { properties: { noticeDays: finite }, required: ['noticeDays'] },
} as const;

/** TER-5 and the cause's rule (TER-1, QUO-2, AGR-5, BRE-1, SUS-5, TER-3, TER-4). */
const terminated = {
  type: 'object',
  properties: {
    ...agrementLetter,
    effectiveOn: dateOrInstant,
    causeRuleId: text,
    /** The cause, as a French phrase ("résiliation pour convenance à la demande du centre"). */
    causeFr: text,
    confidentialityUntil: dateOrInstant,
    /** TER-5; default: parameters. */
    confidentialityYears: finite,
  },
  required: ['organisationName', 'agrementReference', 'effectiveOn', 'causeRuleId', 'causeFr', 'confidentialityUntil'],
} as const;

/** QUO-1, QUO-3 — the same template for the centre and for Pix operations. */
const quotaWarning = {
  type: 'object',
  properties: {
    ...agrementLetter,
    checkpointOn: dateOrInstant,
    /** Candidates who sat in finalised sessions so far (QUO-3). */
    candidates: finite,
    /** QUO-1: 600 for a centre, 2,500 for a network. */
    target: finite,
    /** Candidates the current pace reaches by deadlineOn. */
    projected: finite,
    /** End of the 3-year window after the first grant. */
    deadlineOn: dateOrInstant,
    monthsElapsed: finite,
    /** Default 'centre'. */
    audience,
    /** QUO-1; default: parameters. */
    quotaYears: finite,
    /** QUO-2; default: parameters. */
    quotaNoticeDays: finite,
  },
  required: ['organisationName', 'agrementReference', 'checkpointOn', 'candidates', 'target', 'projected', 'deadlineOn', 'monthsElapsed'],
} as const;

/** REF-3 */
const badgeReminder = {
  type: 'object',
  properties: {
    ...agrementLetter,
    referentName: text,
    badgeDueOn: dateOrInstant,
    /** Days from the reminder to badgeDueOn (0: the deadline is today). */
    daysLeft: naturalNumber,
    /** REF-3; default: parameters. */
    badgeMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'referentName', 'badgeDueOn', 'daysLeft'],
} as const;

/** REF-4 — the same template for the centre and for Pix operations. */
const referentContributionWarning = {
  type: 'object',
  properties: {
    ...agrementLetter,
    referentName: text,
    /** The agrément year (1, 2, 3…), counted from the first grant. */
    agrementYear: { type: 'integer', minimum: 1 },
    /** Days of contribution recorded for the year so far. */
    days: { type: 'number', minimum: 0 },
    /** REF-4; default: parameters. */
    required: finite,
    /** The last day of the agrément year: the days are due by then. */
    yearEndsOn: dateOrInstant,
    /** Default 'centre'. */
    audience,
  },
  required: ['organisationName', 'agrementReference', 'referentName', 'agrementYear', 'days', 'yearEndsOn'],
} as const;

/** REF-2, REF-5 */
const referentTrainingRequired = {
  type: 'object',
  properties: { ...agrementLetter, referentName: text, changedOn: dateOrInstant },
  required: ['organisationName', 'agrementReference', 'referentName', 'changedOn'],
} as const;

/** AGR-5 */
const cahierChangeNotice = {
  type: 'object',
  properties: {
    ...agrementLetter,
    notifiedOn: dateOrInstant,
    applyBy: dateOrInstant,
    /** The new cahier's entry into force. */
    effectiveOn: dateOrInstant,
    /** The substantial change, in French. */
    summary: text,
    /** AGR-5; default: parameters. */
    applyMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'notifiedOn', 'applyBy', 'effectiveOn', 'summary'],
} as const;

/** TER-3 */
const forceMajeureStarted = {
  type: 'object',
  properties: {
    ...agrementLetter,
    since: dateOrInstant,
    terminatesOn: dateOrInstant,
    /** TER-3; default: parameters. */ forceMajeureMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'since', 'terminatesOn'],
} as const;

/** TER-3 */
const forceMajeureEnded = {
  type: 'object',
  properties: { ...agrementLetter, since: dateOrInstant, endedOn: dateOrInstant },
  required: ['organisationName', 'agrementReference', 'since', 'endedOn'],
} as const;

/** TER-4 */
const labourDocumentsRequested = {
  type: 'object',
  properties: { ...agrementLetter, requestedOn: dateOrInstant, dueOn: dateOrInstant, /** TER-4; default: parameters. */ dueDays: finite },
  required: ['organisationName', 'agrementReference', 'requestedOn', 'dueOn'],
} as const;

/** One planned session in planned-sessions-affected (its date and times local to its venue). */
const affectedSessionLine = {
  type: 'object',
  title: 'session',
  properties: {
    sessionId: text,
    /** The centre that runs it (a network's member, SUS-6). */
    centreName: text,
    date: dateOrInstant,
    /** Local to the venue. */
    startTime: timeOfDay,
    endTime: timeOfDay,
    /** The venue's IANA zone. */
    timeZone,
    /** Room and address. */
    place: text,
    /** The rule that blocks it ("SUS-2", "SUS-2, SUS-6", "TER-3", "TER-5", "AGR-4"), or BRE-1 when at risk. */
    ruleId: text,
    /** Why, in French. */
    reasonFr: text,
    /** The first day the rule applies. */
    fromOn: dateOrInstant,
  },
  required: ['sessionId', 'centreName', 'date', 'startTime', 'endTime', 'timeZone', 'place', 'ruleId', 'reasonFr', 'fromOn'],
} as const;

/** SES-9 (SUS-2, SUS-6, TER-3, TER-5, AGR-4), BRE-1 — « Sessions planifiées concernées », sent to the centre. */
const plannedSessionsAffected = {
  type: 'object',
  properties: {
    ...agrementLetter,
    /** What happened to the agrément. */
    trigger: { enum: AFFECTED_SESSIONS_TRIGGERS },
    /** Its date: the suspension's or force majeure's start, the formal notice's letter, the (coming) end. */
    eventOn: dateOrInstant,
    /** The recipient: the agrément's holder, or a member centre of its network; default: organisationName. */
    centreName: text,
    /** SUS-6: the agrément is a network's; default false. */
    network: flag,
    /** SUS-6: sent to a member centre of the network (its own sessions only); default false. */
    member: flag,
    /** BRE-1: when the cure is due (required for a formal notice, and when a session is at risk). */
    cureDueOn: dateOrInstant,
    /** Sessions that may not be held (SES-9). */
    blocked: { type: 'array', items: affectedSessionLine },
    /** BRE-1: sessions after the cure is due, which a termination would cancel. */
    atRisk: { type: 'array', items: affectedSessionLine },
    /** blocked + atRisk; default: computed. */
    count: finite,
  },
  required: ['organisationName', 'agrementReference', 'trigger', 'eventOn', 'blocked', 'atRisk'],
} as const;

export const AGREMENT_TEMPLATES = {
  'agrement-renewal-reminder': { schema: renewalReminder, defaults: renewal },
  'agrement-renewal-missed': { schema: renewalMissed, defaults: renewal },
  'agrement-renewal-missed-operations': { schema: renewalMissed, defaults: renewal },
  'agrement-renewed': { schema: renewed, defaults: renewal },
  'agrement-expired': { schema: expired, defaults: confidentiality },
  'agrement-suspended': { schema: suspended },
  'agrement-suspension-lifted': { schema: suspensionLifted },
  'control-visit-demanded': {
    schema: controlVisitDemanded,
    defaults: { costCapEur: P.visits.controlVisitCapEur, answerMonths: P.suspension.visitAnswerMonths },
  },
  'breach-notice': { schema: breachNotice, defaults: { cureDays: P.breach.cureDays } },
  'breach-cured': { schema: breachCured },
  'termination-proposed': { schema: terminationProposed, defaults: { quotaNoticeDays: P.quota.withdrawalNoticeDays } },
  'breach-proposed': { schema: breachProposed, defaults: { cureDays: P.breach.cureDays } },
  'termination-notice': {
    schema: terminationNotice,
    defaults: (data: Readonly<Record<string, unknown>>) => ({
      ...confidentiality,
      quotaYears,
      noticeDays: NOTICE_DAYS[data.cause as NoticeCause],
    }),
  },
  'agrement-terminated': { schema: terminated, defaults: confidentiality },
  'quota-warning': { schema: quotaWarning, defaults: { audience: 'centre', quotaYears, quotaNoticeDays: P.quota.withdrawalNoticeDays } },
  'badge-reminder': { schema: badgeReminder, defaults: { badgeMonths: P.referent.badgeMonths } },
  'referent-contribution-warning': {
    schema: referentContributionWarning,
    defaults: { audience: 'centre', required: P.referent.yearlyContributionDays },
    refine: (data: DataOf<typeof referentContributionWarning>) =>
      data.required !== undefined && data.days < data.required
        ? null
        : `"days" (${JSON.stringify(data.days)}) must fall short of "required" (${JSON.stringify(data.required)}): the warning is for a shortfall`,
  },
  'referent-training-required': { schema: referentTrainingRequired },
  'cahier-change-notice': { schema: cahierChangeNotice, defaults: { applyMonths: P.agrement.cahierChangeMonths } },
  'force-majeure-started': { schema: forceMajeureStarted, defaults: { forceMajeureMonths: P.termination.forceMajeureMonths } },
  'force-majeure-ended': { schema: forceMajeureEnded },
  'labour-documents-requested': { schema: labourDocumentsRequested, defaults: { dueDays: P.termination.labourDocumentsDays } },
  'planned-sessions-affected': {
    schema: plannedSessionsAffected,
    defaults: (data: Readonly<Record<string, unknown>>) => ({
      centreName: data.organisationName,
      network: false,
      member: false,
      count: (Array.isArray(data.blocked) ? data.blocked.length : 0) + (Array.isArray(data.atRisk) ? data.atRisk.length : 0),
    }),
    refine: (data: DataOf<typeof plannedSessionsAffected>) => {
      const listed = data.blocked.length + data.atRisk.length;
      if (data.count !== listed) return `"count" must be the number of sessions listed (${listed}, got ${JSON.stringify(data.count)})`;
      if ((data.trigger === 'breach-notified' || data.atRisk.length > 0) && data.cureDueOn === undefined) {
        return '"cureDueOn" is required for a formal notice and for sessions at risk (BRE-1)';
      }
      return null;
    },
  },
} as const;

export type AgrementTemplateName = keyof typeof AGREMENT_TEMPLATES;
export type AgrementTemplateData = DataOfTemplates<typeof AGREMENT_TEMPLATES>;
/** An agrément lifecycle e-mail: its template and that template's data. */
export type AgrementLetter<N extends AgrementTemplateName = AgrementTemplateName> = Letter<typeof AGREMENT_TEMPLATES, N>;
