/**
 * E-mail rendering: French handlebars templates in `<project root>/templates`.
 *
 * Each template is three files (`<name>.subject.hbs`, `<name>.html.hbs`, `<name>.txt.hbs`); the HTML
 * body is wrapped in `templates/layouts/base.html.hbs`; partials come from `templates/partials/*.hbs`.
 * Every template file opens with a handlebars comment citing the rule IDs it serves (APP-*, DOC-*, ELIG-* for the
 * application procedure; AGR-*, REF-*, QUO-*, SUS-*, BRE-*, TER-*, VIS-* for the agrément lifecycle).
 *
 * Templates compile once (lazily) and are cached for the life of the process. Rendering fails loudly:
 * unknown template → UnknownTemplateError; a missing required field → MissingTemplateDataError
 * (checked up front, see REQUIRED_FIELDS); anything else the template references without it being
 * there → TemplateRenderError (handlebars `strict: true`).
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PARAMETERS } from '../../config/parameters';
import type { ApplicationState } from '../../application/domain/procedure';

export const TEMPLATE_NAMES = [
  'application-acknowledged',
  'application-incomplete',
  'application-admissible',
  'application-rejected',
  'agrement-granted',
  'attestation-issued',
  'application-overdue',
  // The agrément lifecycle (issue 3): sent to the centre unless stated otherwise.
  'agrement-renewal-reminder',
  'agrement-renewal-missed',
  'agrement-renewal-missed-operations',
  'agrement-renewed',
  'agrement-expired',
  'agrement-suspended',
  'agrement-suspension-lifted',
  'control-visit-demanded',
  'breach-notice',
  'breach-cured',
  'termination-proposed',
  'breach-proposed',
  'termination-notice',
  'agrement-terminated',
  'quota-warning',
  'badge-reminder',
  // REF-4: the référent's yearly contribution falls short before the year ends (centre and operations).
  'referent-contribution-warning',
  'referent-training-required',
  'cahier-change-notice',
  // AGR-5 (Conv art. 8.2): a non-substantial change, after 1 month's notice.
  'cahier-minor-change-notice',
  'force-majeure-started',
  'force-majeure-ended',
  'labour-documents-requested',
  // SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1: the planned sessions a suspension, a notice or an end affects.
  'planned-sessions-affected',
  // Control visits (issue 5, VIS-1..5).
  'control-visit-notice',
  'inspector-assignment',
  'visit-findings-proposal',
  // Session finalisation (issue 4, SES-10).
  'session-finalisation-reminder',
  'session-finalisation-overdue',
  // Remedy after an incident attributable to the centre (SES-12).
  'session-remedy-required',
  'session-remedy-overdue',
  // Monthly statements (issue 4, BIL-1).
  'statement-prepared',
  'statement-reminder',
  'statement-overdue',
  // Issue 12: a signed checkpoint of the audit log, for the legal team to keep.
  'audit-checkpoint',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface RenderedEmail {
  /** One line, no markup. */
  subject: string;
  /** Complete HTML document (layout included). */
  html: string;
  /** Plain-text alternative. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Data expected by each template. Dates are ISO strings: a calendar date ("2025-01-31") or an
// instant ("2025-01-31T09:00:00Z", shown in Europe/Paris). Date objects are accepted too.
// ---------------------------------------------------------------------------------------------

export type DateInput = string | Date;

/** APP-1, APP-7 */
export interface ApplicationAcknowledgedData {
  applicationReference: string;
  organisationName: string;
  submittedAt: DateInput;
  /** APP-7; defaults to PARAMETERS.application.procedureMonths. */
  procedureMonths?: number;
}

/** Reason codes translated by the `pieceReason` helper; any other string is printed as is (write it in French). */
export const PIECE_REASON_CODES = ['missing', 'stale', 'unsigned', 'unreadable'] as const;

export interface MissingPiece {
  /** PieceType (DOC-1..3), e.g. "proof-of-legal-existence". */
  type: string;
  /** French label, e.g. "Justificatif d'existence légale de moins de 3 mois". */
  label: string;
  /** One of PIECE_REASON_CODES, or a French sentence. */
  reason: string;
}

/** DOC-4, APP-7 */
export interface ApplicationIncompleteData {
  applicationReference: string;
  organisationName: string;
  /** Non-empty. */
  missingPieces: MissingPiece[];
  procedureMonths?: number;
  /** Where the applicant completes the dossier. */
  dossierUrl?: string;
}

/** APP-2, APP-4, APP-3 */
export interface ApplicationAdmissibleData {
  applicationReference: string;
  organisationName: string;
  referentName: string;
  conformityVisitRequired: boolean;
  /** APP-3; defaults to PARAMETERS.application.conformityVisitCapEur. */
  conformityVisitCapEur?: number;
  /** The référent training session, when already scheduled. An instant shows the time too. */
  training?: { date: DateInput; place?: string; link?: string } | null;
}

/** APP-2, ELIG-* */
export interface ApplicationRejectedData {
  applicationReference: string;
  organisationName: string;
  /** Reasons written by Pix, in French. */
  reasons: string[];
  /** Failing rules, e.g. { ruleId: 'ELIG-1', message: '…' }. At least one of reasons/failures is non-empty. */
  failures: Array<{ ruleId: string; message: string }>;
}

/** APP-5, APP-8, APP-6 */
export interface AgrementGrantedData {
  applicationReference: string;
  organisationName: string;
  /** APP-5: 1 to 3. */
  years: number;
  /** APP-8: experimental grant to a centre outside France. */
  experimental?: boolean;
}

/** APP-6 (AGR-2 for the optional renewal deadline) */
export interface AttestationIssuedData {
  applicationReference: string;
  organisationName: string;
  /** The centre's receipt of the attestation: the convention enters into force that day. */
  receivedOn: DateInput;
  /** The agrément's term. */
  termOn: DateInput;
  attestationReference?: string;
  renewalRequestBy?: DateInput;
}

/** APP-7 — sent to Pix operations. */
export interface ApplicationOverdueData {
  applicationReference: string;
  organisationName: string;
  netElapsedDays: number;
  deadline: DateInput;
  /** Application state code, e.g. "submitted"; known codes are shown in French. */
  currentState: string;
  procedureMonths?: number;
  submittedAt?: DateInput;
  /** Days the clock was stopped (waiting on the applicant). */
  pausedDays?: number;
  /** Back-office link to the application. */
  applicationUrl?: string;
}

// ---------------------------------------------------------------------------------------------
// The agrément lifecycle (issue 3). Every template takes organisationName and agrementReference;
// dates are calendar dates ("2026-03-10"). Fields marked "default: parameters" may be omitted: the
// value comes from PARAMETERS (Conv art. 8: Pix changes them).
// ---------------------------------------------------------------------------------------------

/** Shared by every lifecycle template. */
export interface AgrementMailData {
  organisationName: string;
  /** E.g. "AGR-3F2A9C1B". */
  agrementReference: string;
}

/** AGR-1, AGR-2 */
export interface AgrementRenewalReminderData extends AgrementMailData {
  termOn: DateInput;
  /** AGR-2: 3 months before the term. */
  renewalDueOn: DateInput;
  /** Days from the reminder to renewalDueOn (0: the deadline is today). */
  daysLeft: number;
  /** AGR-2; default: parameters (3). */
  renewalNoticeMonths?: number;
}

/** AGR-2, AGR-4 */
export interface AgrementRenewalMissedData extends AgrementMailData {
  termOn: DateInput;
  renewalDueOn: DateInput;
  /** AGR-2; default: parameters (3). */
  renewalNoticeMonths?: number;
}

/** AGR-2 — sent to Pix operations. */
export type AgrementRenewalMissedOperationsData = AgrementRenewalMissedData;

/** AGR-3 */
export interface AgrementRenewedData extends AgrementMailData {
  /** The end of the previous period: the renewal takes effect that day. */
  previousTermOn: DateInput;
  newTermOn: DateInput;
  years: number;
  /** AGR-2, for the next renewal; default: parameters (3). */
  renewalNoticeMonths?: number;
}

/** AGR-4, TER-5 */
export interface AgrementExpiredData extends AgrementMailData {
  termOn: DateInput;
  confidentialityUntil: DateInput;
  /** TER-5; default: parameters (5). */
  confidentialityYears?: number;
}

/** SUS-1, SUS-2, SUS-3 */
export interface AgrementSuspendedData extends AgrementMailData {
  since: DateInput;
  /** Written by Pix, in French. */
  reason: string;
}

/** SUS-4 */
export interface AgrementSuspensionLiftedData extends AgrementMailData {
  since: DateInput;
  liftedOn: DateInput;
  /** Why it is lifted, in French (optional). */
  reason?: string;
}

/** SUS-5, VIS-3 */
export interface ControlVisitDemandedData extends AgrementMailData {
  demandedOn: DateInput;
  answerDueOn: DateInput;
  /** VIS-3; default: parameters (120). */
  costCapEur?: number;
  /** SUS-5; default: parameters (1). */
  answerMonths?: number;
}

/** BRE-1, BRE-2 */
export interface BreachNoticeData extends AgrementMailData {
  /** The day the registered letter (LRAR) was sent. */
  letterSentOn: DateInput;
  cureDueOn: DateInput;
  /** The breach, in French. */
  reason: string;
  /** BRE-2: days already suspended, subtracted from the period; 0 when none (then nothing is said). */
  suspendedDaysDeducted: number;
  /** BRE-1; default: parameters (30). */
  cureDays?: number;
}

/** BRE-3 */
export interface BreachCuredData extends AgrementMailData {
  curedOn: DateInput;
  /** The evidence Pix retained, in French. */
  evidence: string;
}

/** BRE-4 (QUO-2, SUS-5, REF-3, TER-3, TER-4, BRE-1) — sent to the Pix legal team. */
export interface TerminationProposedData extends AgrementMailData {
  /** The rule the proposal rests on, e.g. "BRE-1". */
  proposalRuleId: string;
  /** The reason, as a French sentence. */
  reasonFr: string;
  proposedOn: DateInput;
  /** Back-office link to the proposal. */
  detailsUrl?: string;
  /** QUO-2; default: parameters (15). */
  quotaNoticeDays?: number;
}

/** REF-3, BRE-4 — sent to the Pix legal team. */
export interface BreachProposedData extends AgrementMailData {
  proposalRuleId: string;
  reasonFr: string;
  proposedOn: DateInput;
  detailsUrl?: string;
  /** BRE-1; default: parameters (30). */
  cureDays?: number;
}

export const NOTICE_CAUSES = ['convenience', 'quota', 'cahier-change'] as const;
export type NoticeCause = (typeof NOTICE_CAUSES)[number];

/** TER-1, QUO-2, AGR-5 */
export interface TerminationNoticeData extends AgrementMailData {
  /** TER-1 (the centre's convenience), QUO-2 (Pix withdraws the agrément), AGR-5 (the centre refuses a new cahier). */
  cause: NoticeCause;
  noticeOn: DateInput;
  effectiveOn: DateInput;
  /** QUO-2: candidates counted and the threshold; give both or neither. */
  candidates?: number;
  target?: number;
  /** Default: parameters by cause (convenience 30, quota 15); unused for cahier-change. */
  noticeDays?: number;
  /** QUO-1; default: parameters (3). */
  quotaYears?: number;
  /** TER-5; default: parameters (5). */
  confidentialityYears?: number;
}

/** TER-5 and the cause's rule (TER-1, QUO-2, AGR-5, BRE-1, SUS-5, TER-3, TER-4). */
export interface AgrementTerminatedData extends AgrementMailData {
  effectiveOn: DateInput;
  causeRuleId: string;
  /** The cause, as a French phrase ("résiliation pour convenance à la demande du centre"). */
  causeFr: string;
  confidentialityUntil: DateInput;
  /** TER-5; default: parameters (5). */
  confidentialityYears?: number;
}

/** QUO-1, QUO-3 — the same template for the centre and for Pix operations. */
export interface QuotaWarningData extends AgrementMailData {
  checkpointOn: DateInput;
  /** Candidates who sat in finalised sessions so far (QUO-3). */
  candidates: number;
  /** QUO-1: 600 for a centre, 2,500 for a network. */
  target: number;
  /** Candidates the current pace reaches by deadlineOn. */
  projected: number;
  /** End of the 3-year window after the first grant. */
  deadlineOn: DateInput;
  monthsElapsed: number;
  /** Default 'centre'. */
  audience?: 'centre' | 'operations';
  /** QUO-1; default: parameters (3). */
  quotaYears?: number;
  /** QUO-2; default: parameters (15). */
  quotaNoticeDays?: number;
}

/** REF-3 */
export interface BadgeReminderData extends AgrementMailData {
  referentName: string;
  badgeDueOn: DateInput;
  /** Days from the reminder to badgeDueOn (0: the deadline is today). */
  daysLeft: number;
  /** REF-3; default: parameters (6). */
  badgeMonths?: number;
}

/** REF-4 — the same template for the centre and for Pix operations. */
export interface ReferentContributionWarningData extends AgrementMailData {
  referentName: string;
  /** The agrément year (1, 2, 3…), counted from the first grant. */
  agrementYear: number;
  /** Days of contribution recorded for the year so far. */
  days: number;
  /** REF-4; default: parameters (4). */
  required?: number;
  /** The last day of the agrément year: the days are due by then. */
  yearEndsOn: DateInput;
  /** Default 'centre'. */
  audience?: 'centre' | 'operations';
}

/** REF-2, REF-5 */
export interface ReferentTrainingRequiredData extends AgrementMailData {
  referentName: string;
  changedOn: DateInput;
}

/** AGR-5 */
export interface CahierChangeNoticeData extends AgrementMailData {
  notifiedOn: DateInput;
  applyBy: DateInput;
  /** The new cahier's entry into force. */
  effectiveOn: DateInput;
  /** The substantial change, in French. */
  summary: string;
  /** AGR-5; default: parameters (1). */
  applyMonths?: number;
}

/** AGR-5 (Conv art. 8.2): a non-substantial change of the cahier, applied after 1 month's notice. */
export interface CahierMinorChangeNoticeData extends AgrementMailData {
  notifiedOn: DateInput;
  /** The new cahier's entry into force. */
  effectiveOn: DateInput;
  /** The change, in French. */
  summary: string;
  /** The rule-set version, e.g. "2027-09". */
  version: string;
  /** Default: parameters (1). */
  noticeMonths?: number;
}

/** TER-3 */
export interface ForceMajeureStartedData extends AgrementMailData {
  since: DateInput;
  terminatesOn: DateInput;
  /** TER-3; default: parameters (2). */
  forceMajeureMonths?: number;
}

/** TER-3 */
export interface ForceMajeureEndedData extends AgrementMailData {
  since: DateInput;
  endedOn: DateInput;
}

/** TER-4 */
export interface LabourDocumentsRequestedData extends AgrementMailData {
  requestedOn: DateInput;
  dueOn: DateInput;
  /** TER-4; default: parameters (15). */
  dueDays?: number;
}

/** One planned session in planned-sessions-affected (its date and times local to its venue). */
export interface AffectedSessionLineData {
  sessionId: string;
  /** The centre that runs it (a network's member, SUS-6). */
  centreName: string;
  date: DateInput;
  /** "HH:MM", local to the venue. */
  startTime: string;
  endTime: string;
  /** The venue's IANA zone. */
  timeZone: string;
  /** Room and address. */
  place: string;
  /** The rule that blocks it ("SUS-2", "SUS-2, SUS-6", "TER-3", "TER-5", "AGR-4"), or BRE-1 when at risk. */
  ruleId: string;
  /** Why, in French. */
  reasonFr: string;
  /** The first day the rule applies. */
  fromOn: DateInput;
}

export const AFFECTED_SESSIONS_TRIGGERS = ['suspended', 'force-majeure-started', 'breach-notified', 'termination-notice', 'terminated', 'expired'] as const;

/** SES-9 (SUS-2, SUS-6, TER-3, TER-5, AGR-4), BRE-1 — « Sessions planifiées concernées », sent to the centre. */
export interface PlannedSessionsAffectedData extends AgrementMailData {
  /** What happened to the agrément. */
  trigger: (typeof AFFECTED_SESSIONS_TRIGGERS)[number];
  /** Its date: the suspension's or force majeure's start, the formal notice's letter, the (coming) end. */
  eventOn: DateInput;
  /** The recipient: the agrément's holder, or a member centre of its network; default: organisationName. */
  centreName?: string;
  /** SUS-6: the agrément is a network's; default false. */
  network?: boolean;
  /** SUS-6: sent to a member centre of the network (its own sessions only); default false. */
  member?: boolean;
  /** BRE-1: when the cure is due (required for a formal notice, and when a session is at risk). */
  cureDueOn?: DateInput;
  /** Sessions that may not be held (SES-9). */
  blocked: AffectedSessionLineData[];
  /** BRE-1: sessions after the cure is due, which a termination would cancel. */
  atRisk: AffectedSessionLineData[];
  /** blocked + atRisk; default: computed. */
  count?: number;
}

// ---------------------------------------------------------------------------------------------
// Control visits (issue 5): VIS-1..5, APP-3.
// ---------------------------------------------------------------------------------------------

/** VIS-2, VIS-3, VIS-4 (APP-3 for a conformity visit) — the announced-visit notice, sent to the centre. */
export interface ControlVisitNoticeData {
  organisationName: string;
  /** The agrément's reference (e.g. "AGR-3F2A9C1B"), or the application's for a conformity visit. */
  reference: string;
  visitOn: DateInput;
  /** VIS-2: the registered letter (LRAR) is sent by this day, at least 5 working days before the visit. */
  letterSentBy: DateInput;
  /** APP-3: the conformity visit before the grant (default false: a control visit). */
  conformity?: boolean;
  /** VIS-3 (120 €) or APP-3 (250 €); default: parameters, by kind. */
  costCapEur?: number;
  /** VIS-2; default: parameters (5). */
  announcementWorkingDays?: number;
}

/** VIS-1, VIS-2, VIS-4, VIS-5 — the assignment, sent to the inspector. */
export interface InspectorAssignmentData {
  inspectorName: string;
  organisationName: string;
  /** Department code of the centre, when known. */
  department?: string | null;
  visitOn: DateInput;
  kind: 'announced' | 'unannounced' | 'conformity';
  /** VIS-2: announced and conformity visits. */
  letterSentBy?: DateInput | null;
  /** VIS-1: the session an unannounced visit attends. */
  sessionId?: string | null;
  /** VIS-3, APP-3: what the centre is charged. */
  costEur: number;
  visitId: string;
}

export const VISIT_PROPOSAL_KINDS = ['breach-notice', 'suspension'] as const;

/** VIS-4, BRE-1 or SUS-1, BRE-4 — a proposal from a visit's findings, sent to the Pix legal team. */
export interface VisitFindingsProposalData extends AgrementMailData {
  visitOn: DateInput;
  inspectorName: string;
  proposalKind: (typeof VISIT_PROPOSAL_KINDS)[number];
  /** "BRE-1" (breach notice) or "SUS-1" (suspension). */
  proposalRuleId: string;
  proposedOn: DateInput;
  /** The checklist items found wanting (VIS-4), in French; non-empty. */
  failedItems: Array<{ label: string; notes?: string | null }>;
  /** The inspector's summary, in French (optional). */
  summary?: string | null;
  /** BRE-1; default: parameters (30). */
  cureDays?: number;
}

// ---------------------------------------------------------------------------------------------
// Session finalisation (issue 4). deadlineAt is an instant, shown with its time in the centre's zone
// (`timeZone`, IANA: Europe/Paris, Indian/Reunion, America/Guadeloupe…).
// ---------------------------------------------------------------------------------------------

/** SES-10, SCO-3 — sent to the centre. */
export interface SessionFinalisationReminderData {
  sessionId: string;
  /** The session's calendar date (local to the centre). */
  sessionDate: DateInput;
  /** The finalisation deadline: an instant ("2026-03-30T15:00:00Z"). */
  deadlineAt: DateInput;
  /** The centre's IANA time zone: deadlineAt is shown in it. */
  timeZone: string;
  /** Whole hours left before the deadline. */
  hoursLeft: number;
  centreName?: string;
  /** SCO-1, SCO-3: a collège or lycée, whose results feed the pupils' school records. */
  secondarySchool?: boolean;
  /** SES-10; default: parameters (48). */
  finalisationHours?: number;
}

/** SES-10 — sent to Pix operations. */
export interface SessionFinalisationOverdueData {
  centreName: string;
  sessionId: string;
  sessionDate: DateInput;
  deadlineAt: DateInput;
  timeZone: string;
  /** SCO-1, SCO-3. */
  secondarySchool?: boolean;
  /** SES-10; default: parameters (48). */
  finalisationHours?: number;
}

/** SES-12: the remedy owed after an incident attributable to the centre. */
export interface SessionRemedyData {
  sessionId: string;
  centreName: string;
  sessionDate: DateInput;
  /** The 5th day after the session: the remedy is due by its end, in the centre's zone. */
  dueOn: DateInput;
  timeZone: string;
  /** The candidates concerned (local ids), or 'all'. */
  affected: string[] | 'all';
  incidents: string[];
  /** SES-12; default: parameters (5). */
  remedyDays?: number;
}

/** BIL-1: a centre's monthly statement of its paying sessions. */
export interface StatementData {
  centreName: string;
  /** YYYY-MM. */
  month: string;
  /** ISO instant: the end of the 5th, Paris. */
  dueAt: DateInput;
  sessions: number;
  candidates: number;
  pixShareInclVatEur: number;
  pixShareExclVatEur: number;
  /** statement-reminder: sent after the due day. */
  overdue?: boolean;
}

/** Issue 12: a signed checkpoint of the audit log (src/shared/event-log/chain.ts), sent to the legal team. */
export interface AuditCheckpointData {
  /** The log's last entry. */
  headId: string;
  headHash: string;
  count: number;
  at: DateInput;
  keyId: string;
  signature: string;
  /** The checkpoint's file in the sink, and the sink's directory. */
  file: string;
  sink: string;
  /** The checkpoint as written (JSON). */
  json: string;
}

export interface TemplateDataMap {
  'application-acknowledged': ApplicationAcknowledgedData;
  'application-incomplete': ApplicationIncompleteData;
  'application-admissible': ApplicationAdmissibleData;
  'application-rejected': ApplicationRejectedData;
  'agrement-granted': AgrementGrantedData;
  'attestation-issued': AttestationIssuedData;
  'application-overdue': ApplicationOverdueData;
  'agrement-renewal-reminder': AgrementRenewalReminderData;
  'agrement-renewal-missed': AgrementRenewalMissedData;
  'agrement-renewal-missed-operations': AgrementRenewalMissedOperationsData;
  'agrement-renewed': AgrementRenewedData;
  'agrement-expired': AgrementExpiredData;
  'agrement-suspended': AgrementSuspendedData;
  'agrement-suspension-lifted': AgrementSuspensionLiftedData;
  'control-visit-demanded': ControlVisitDemandedData;
  'breach-notice': BreachNoticeData;
  'breach-cured': BreachCuredData;
  'termination-proposed': TerminationProposedData;
  'breach-proposed': BreachProposedData;
  'termination-notice': TerminationNoticeData;
  'agrement-terminated': AgrementTerminatedData;
  'quota-warning': QuotaWarningData;
  'badge-reminder': BadgeReminderData;
  'referent-contribution-warning': ReferentContributionWarningData;
  'referent-training-required': ReferentTrainingRequiredData;
  'cahier-change-notice': CahierChangeNoticeData;
  'cahier-minor-change-notice': CahierMinorChangeNoticeData;
  'force-majeure-started': ForceMajeureStartedData;
  'force-majeure-ended': ForceMajeureEndedData;
  'labour-documents-requested': LabourDocumentsRequestedData;
  'planned-sessions-affected': PlannedSessionsAffectedData;
  'control-visit-notice': ControlVisitNoticeData;
  'inspector-assignment': InspectorAssignmentData;
  'visit-findings-proposal': VisitFindingsProposalData;
  'session-finalisation-reminder': SessionFinalisationReminderData;
  'session-finalisation-overdue': SessionFinalisationOverdueData;
  'session-remedy-required': SessionRemedyData;
  'session-remedy-overdue': SessionRemedyData;
  'statement-prepared': StatementData;
  'statement-reminder': StatementData;
  'statement-overdue': StatementData;
  'audit-checkpoint': AuditCheckpointData;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export class TemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownTemplateError extends TemplateError {
  constructor(readonly template: string) {
    super(`Unknown e-mail template "${template}". Known templates: ${TEMPLATE_NAMES.join(', ')}.`);
  }
}

export class MissingTemplateDataError extends TemplateError {
  constructor(
    readonly template: TemplateName,
    readonly problems: string[],
  ) {
    super(`E-mail template "${template}": missing or invalid required data: ${problems.join('; ')}.`);
  }
}

export class TemplateRenderError extends TemplateError {
  constructor(
    readonly template: string,
    readonly part: string,
    cause: unknown,
  ) {
    super(
      `E-mail template "${template}" (${part}) failed to render: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Required data (checked before rendering; handlebars strict mode does not see values passed to
// helpers or block helpers, e.g. {{dateFr submittedAt}} or {{#each missingPieces}}).
// ---------------------------------------------------------------------------------------------

type FieldKind = 'string' | 'date' | 'number' | 'boolean' | 'array' | 'nonEmptyArray';
interface TemplateSpec {
  required: Array<[field: string, kind: FieldKind]>;
  /** Extra cross-field check; returns a problem description or null. */
  check?: (data: Record<string, unknown>) => string | null;
}

const COMMON: Array<[string, FieldKind]> = [
  ['applicationReference', 'string'],
  ['organisationName', 'string'],
];

/** Shared by the agrément lifecycle templates. */
const AGREMENT: Array<[string, FieldKind]> = [
  ['organisationName', 'string'],
  ['agrementReference', 'string'],
];

function nonNegativeInteger(data: Record<string, unknown>, field: string): string | null {
  const value = data[field] as number;
  return Number.isInteger(value) && value >= 0 ? null : `"${field}" must be a non-negative integer (got ${describe(value)})`;
}

/** BIL-1: what every statement e-mail shows. */
const STATEMENT_SPEC = {
  required: [
    ['centreName', 'string'],
    ['month', 'string'],
    ['dueAt', 'date'],
    ['sessions', 'number'],
    ['candidates', 'number'],
    ['pixShareInclVatEur', 'number'],
    ['pixShareExclVatEur', 'number'],
  ] as Array<[string, 'string' | 'number' | 'date']>,
  check: (data: Record<string, unknown>) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(String(data.month)) ? null : `"month" must be YYYY-MM (got ${describe(data.month)})`),
};

/** SES-12: both remedy e-mails render the same data. */
const REMEDY_SPEC: TemplateSpec = {
  required: [
    ['sessionId', 'string'],
    ['centreName', 'string'],
    ['sessionDate', 'date'],
    ['dueOn', 'date'],
    ['timeZone', 'string'],
    ['incidents', 'nonEmptyArray'],
    ['remedyDays', 'number'],
  ],
  check: (data) =>
    data.affected === 'all' || (Array.isArray(data.affected) && data.affected.length > 0 && data.affected.every((x) => typeof x === 'string'))
      ? timeZoneProblem(data)
      : `"affected" must be "all" or the local ids of the candidates concerned (got ${describe(data.affected)})`,
};

const SPECS: Record<TemplateName, TemplateSpec> = {
  'application-acknowledged': {
    required: [...COMMON, ['submittedAt', 'date'], ['procedureMonths', 'number']],
  },
  'application-incomplete': {
    required: [...COMMON, ['missingPieces', 'nonEmptyArray'], ['procedureMonths', 'number']],
  },
  'application-admissible': {
    required: [
      ...COMMON,
      ['referentName', 'string'],
      ['conformityVisitRequired', 'boolean'],
      ['conformityVisitCapEur', 'number'],
    ],
    check: (data) => {
      const training = data.training as Record<string, unknown> | null | undefined;
      if (training == null) return null;
      return isDate(training.date) ? null : '"training.date" must be an ISO date or instant when "training" is given';
    },
  },
  'application-rejected': {
    required: [...COMMON, ['reasons', 'array'], ['failures', 'array']],
    check: (data) =>
      (data.reasons as unknown[]).length + (data.failures as unknown[]).length > 0
        ? null
        : 'at least one of "reasons" and "failures" must be non-empty',
  },
  'agrement-granted': {
    required: [...COMMON, ['years', 'number']],
  },
  'attestation-issued': {
    required: [...COMMON, ['receivedOn', 'date'], ['termOn', 'date']],
  },
  'application-overdue': {
    required: [
      ...COMMON,
      ['netElapsedDays', 'number'],
      ['deadline', 'date'],
      ['currentState', 'string'],
      ['procedureMonths', 'number'],
    ],
  },
  'agrement-renewal-reminder': {
    required: [...AGREMENT, ['termOn', 'date'], ['renewalDueOn', 'date'], ['daysLeft', 'number'], ['renewalNoticeMonths', 'number']],
    check: (data) => nonNegativeInteger(data, 'daysLeft'),
  },
  'agrement-renewal-missed': {
    required: [...AGREMENT, ['termOn', 'date'], ['renewalDueOn', 'date'], ['renewalNoticeMonths', 'number']],
  },
  'agrement-renewal-missed-operations': {
    required: [...AGREMENT, ['termOn', 'date'], ['renewalDueOn', 'date'], ['renewalNoticeMonths', 'number']],
  },
  'agrement-renewed': {
    required: [...AGREMENT, ['previousTermOn', 'date'], ['newTermOn', 'date'], ['years', 'number'], ['renewalNoticeMonths', 'number']],
  },
  'agrement-expired': {
    required: [...AGREMENT, ['termOn', 'date'], ['confidentialityUntil', 'date'], ['confidentialityYears', 'number']],
  },
  'agrement-suspended': {
    required: [...AGREMENT, ['since', 'date'], ['reason', 'string']],
  },
  'agrement-suspension-lifted': {
    required: [...AGREMENT, ['since', 'date'], ['liftedOn', 'date']],
  },
  'control-visit-demanded': {
    required: [...AGREMENT, ['demandedOn', 'date'], ['answerDueOn', 'date'], ['costCapEur', 'number'], ['answerMonths', 'number']],
  },
  'breach-notice': {
    required: [
      ...AGREMENT,
      ['letterSentOn', 'date'],
      ['cureDueOn', 'date'],
      ['reason', 'string'],
      ['suspendedDaysDeducted', 'number'],
      ['cureDays', 'number'],
    ],
    check: (data) => nonNegativeInteger(data, 'suspendedDaysDeducted'),
  },
  'breach-cured': {
    required: [...AGREMENT, ['curedOn', 'date'], ['evidence', 'string']],
  },
  'termination-proposed': {
    required: [...AGREMENT, ['proposalRuleId', 'string'], ['reasonFr', 'string'], ['proposedOn', 'date'], ['quotaNoticeDays', 'number']],
  },
  'breach-proposed': {
    required: [...AGREMENT, ['proposalRuleId', 'string'], ['reasonFr', 'string'], ['proposedOn', 'date'], ['cureDays', 'number']],
  },
  'termination-notice': {
    required: [
      ...AGREMENT,
      ['cause', 'string'],
      ['noticeOn', 'date'],
      ['effectiveOn', 'date'],
      ['quotaYears', 'number'],
      ['confidentialityYears', 'number'],
    ],
    check: (data) => {
      if (!(NOTICE_CAUSES as readonly unknown[]).includes(data.cause)) {
        return `"cause" must be one of ${NOTICE_CAUSES.join(', ')} (got ${describe(data.cause)})`;
      }
      if (data.cause !== 'cahier-change' && !checkField(data.noticeDays, 'number')) {
        return `"noticeDays" must be a finite number for cause "${String(data.cause)}" (got ${describe(data.noticeDays)})`;
      }
      if ((data.candidates == null) !== (data.target == null)) return '"candidates" and "target" go together: give both or neither';
      if (data.target != null && !(checkField(data.candidates, 'number') && checkField(data.target, 'number'))) {
        return '"candidates" and "target" must be finite numbers';
      }
      return null;
    },
  },
  'agrement-terminated': {
    required: [
      ...AGREMENT,
      ['effectiveOn', 'date'],
      ['causeRuleId', 'string'],
      ['causeFr', 'string'],
      ['confidentialityUntil', 'date'],
      ['confidentialityYears', 'number'],
    ],
  },
  'quota-warning': {
    required: [
      ...AGREMENT,
      ['checkpointOn', 'date'],
      ['candidates', 'number'],
      ['target', 'number'],
      ['projected', 'number'],
      ['deadlineOn', 'date'],
      ['monthsElapsed', 'number'],
      ['audience', 'string'],
      ['quotaYears', 'number'],
      ['quotaNoticeDays', 'number'],
    ],
    check: (data) =>
      data.audience === 'centre' || data.audience === 'operations'
        ? null
        : `"audience" must be "centre" or "operations" (got ${describe(data.audience)})`,
  },
  'badge-reminder': {
    required: [...AGREMENT, ['referentName', 'string'], ['badgeDueOn', 'date'], ['daysLeft', 'number'], ['badgeMonths', 'number']],
    check: (data) => nonNegativeInteger(data, 'daysLeft'),
  },
  'referent-contribution-warning': {
    required: [...AGREMENT, ['referentName', 'string'], ['agrementYear', 'number'], ['days', 'number'], ['required', 'number'], ['yearEndsOn', 'date'], ['audience', 'string']],
    check: (data) => {
      if (data.audience !== 'centre' && data.audience !== 'operations') return `"audience" must be "centre" or "operations" (got ${describe(data.audience)})`;
      if (!Number.isInteger(data.agrementYear) || (data.agrementYear as number) < 1) return `"agrementYear" must be a positive integer (got ${describe(data.agrementYear)})`;
      if ((data.days as number) < 0) return `"days" must not be negative (got ${describe(data.days)})`;
      return (data.days as number) < (data.required as number) ? null : `"days" (${describe(data.days)}) must fall short of "required" (${describe(data.required)}): the warning is for a shortfall`;
    },
  },
  'referent-training-required': {
    required: [...AGREMENT, ['referentName', 'string'], ['changedOn', 'date']],
  },
  'cahier-change-notice': {
    required: [
      ...AGREMENT,
      ['notifiedOn', 'date'],
      ['applyBy', 'date'],
      ['effectiveOn', 'date'],
      ['summary', 'string'],
      ['applyMonths', 'number'],
    ],
  },
  'cahier-minor-change-notice': {
    required: [...AGREMENT, ['notifiedOn', 'date'], ['effectiveOn', 'date'], ['summary', 'string'], ['version', 'string'], ['noticeMonths', 'number']],
  },
  'force-majeure-started': {
    required: [...AGREMENT, ['since', 'date'], ['terminatesOn', 'date'], ['forceMajeureMonths', 'number']],
  },
  'force-majeure-ended': {
    required: [...AGREMENT, ['since', 'date'], ['endedOn', 'date']],
  },
  'labour-documents-requested': {
    required: [...AGREMENT, ['requestedOn', 'date'], ['dueOn', 'date'], ['dueDays', 'number']],
  },
  'planned-sessions-affected': {
    required: [
      ...AGREMENT,
      ['centreName', 'string'],
      ['trigger', 'string'],
      ['eventOn', 'date'],
      ['network', 'boolean'],
      ['member', 'boolean'],
      ['blocked', 'array'],
      ['atRisk', 'array'],
      ['count', 'number'],
    ],
    check: (data) => {
      if (!(AFFECTED_SESSIONS_TRIGGERS as readonly unknown[]).includes(data.trigger)) {
        return `"trigger" must be one of ${AFFECTED_SESSIONS_TRIGGERS.join(', ')} (got ${describe(data.trigger)})`;
      }
      const lines = [...(data.blocked as unknown[]), ...(data.atRisk as unknown[])];
      if (data.count !== lines.length) return `"count" must be the number of sessions listed (${lines.length}, got ${describe(data.count)})`;
      if ((data.trigger === 'breach-notified' || (data.atRisk as unknown[]).length > 0) && !checkField(data.cureDueOn, 'date')) {
        return '"cureDueOn" is required for a formal notice and for sessions at risk (BRE-1)';
      }
      for (const [i, line] of lines.entries()) {
        const l = (line ?? {}) as Record<string, unknown>;
        for (const field of ['sessionId', 'centreName', 'place', 'ruleId', 'reasonFr'] as const) {
          if (!checkField(l[field], 'string')) return `session ${i}: "${field}" must be a non-empty string (got ${describe(l[field])})`;
        }
        for (const field of ['date', 'fromOn'] as const) if (!checkField(l[field], 'date')) return `session ${i}: "${field}" must be an ISO date (got ${describe(l[field])})`;
        for (const field of ['startTime', 'endTime'] as const) {
          if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(String(l[field]))) return `session ${i}: "${field}" must be HH:MM (got ${describe(l[field])})`;
        }
        const zone = timeZoneProblem(l);
        if (zone) return `session ${i}: ${zone}`;
      }
      return null;
    },
  },
  'control-visit-notice': {
    required: [
      ['organisationName', 'string'],
      ['reference', 'string'],
      ['visitOn', 'date'],
      ['letterSentBy', 'date'],
      ['conformity', 'boolean'],
      ['costCapEur', 'number'],
      ['announcementWorkingDays', 'number'],
    ],
    check: (data) =>
      parseDateInput(data.letterSentBy).date.getTime() < parseDateInput(data.visitOn).date.getTime()
        ? null
        : '"letterSentBy" must be before "visitOn" (VIS-2)',
  },
  'inspector-assignment': {
    required: [
      ['inspectorName', 'string'],
      ['organisationName', 'string'],
      ['visitOn', 'date'],
      ['kind', 'string'],
      ['costEur', 'number'],
      ['visitId', 'string'],
    ],
    check: (data) => {
      if (!['announced', 'unannounced', 'conformity'].includes(data.kind as string)) {
        return `"kind" must be announced, unannounced or conformity (got ${describe(data.kind)})`;
      }
      if (data.kind === 'unannounced' && !checkField(data.sessionId, 'string')) return '"sessionId" is required for an unannounced visit (VIS-1)';
      if (data.kind !== 'unannounced' && !checkField(data.letterSentBy, 'date')) return '"letterSentBy" is required for an announced visit (VIS-2)';
      return null;
    },
  },
  'visit-findings-proposal': {
    required: [
      ...AGREMENT,
      ['visitOn', 'date'],
      ['inspectorName', 'string'],
      ['proposalKind', 'string'],
      ['proposalRuleId', 'string'],
      ['proposedOn', 'date'],
      ['failedItems', 'nonEmptyArray'],
      ['cureDays', 'number'],
    ],
    check: (data) =>
      (VISIT_PROPOSAL_KINDS as readonly unknown[]).includes(data.proposalKind)
        ? null
        : `"proposalKind" must be one of ${VISIT_PROPOSAL_KINDS.join(', ')} (got ${describe(data.proposalKind)})`,
  },
  'session-finalisation-reminder': {
    required: [
      ['sessionId', 'string'],
      ['sessionDate', 'date'],
      ['deadlineAt', 'date'],
      ['timeZone', 'string'],
      ['hoursLeft', 'number'],
      ['finalisationHours', 'number'],
    ],
    check: (data) => sessionDeadlineProblem(data) ?? nonNegativeInteger(data, 'hoursLeft'),
  },
  'session-finalisation-overdue': {
    required: [
      ['centreName', 'string'],
      ['sessionId', 'string'],
      ['sessionDate', 'date'],
      ['deadlineAt', 'date'],
      ['timeZone', 'string'],
      ['finalisationHours', 'number'],
    ],
    check: (data) => sessionDeadlineProblem(data),
  },
  'session-remedy-required': REMEDY_SPEC,
  'session-remedy-overdue': REMEDY_SPEC,
  'statement-prepared': STATEMENT_SPEC,
  'statement-reminder': STATEMENT_SPEC,
  'statement-overdue': STATEMENT_SPEC,
  'audit-checkpoint': {
    required: [
      ['headId', 'string'],
      ['headHash', 'string'],
      ['count', 'number'],
      ['at', 'date'],
      ['keyId', 'string'],
      ['signature', 'string'],
      ['file', 'string'],
      ['sink', 'string'],
      ['json', 'string'],
    ],
  },
};

/** SES-10: the deadline is an instant, shown in a real IANA zone. */
function sessionDeadlineProblem(data: Record<string, unknown>): string | null {
  if (!INSTANT.test(String(data.deadlineAt instanceof Date ? data.deadlineAt.toISOString() : data.deadlineAt))) {
    return `"deadlineAt" must be an ISO instant, not a calendar date (got ${describe(data.deadlineAt)})`;
  }
  return timeZoneProblem(data);
}

/** SES-10, SES-12: times are shown in the centre's zone, which must be a real IANA zone. */
function timeZoneProblem(data: Record<string, unknown>): string | null {
  try {
    zonedFormats(String(data.timeZone));
    return null;
  } catch {
    return `"timeZone" must be an IANA time zone such as "Europe/Paris" (got ${describe(data.timeZone)})`;
  }
}

/** Required fields per template (the contract callers must meet), derived from SPECS. */
export const REQUIRED_FIELDS: Readonly<Record<TemplateName, readonly string[]>> = Object.freeze(
  Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, SPECS[name].required.map(([field]) => field)])) as Record<
    TemplateName,
    string[]
  >,
);

const P = PARAMETERS;
const renewal = { renewalNoticeMonths: P.agrement.renewalNoticeMonths };
const confidentiality = { confidentialityYears: P.agrement.confidentialityYears };
const quotaYears = P.quota.months / 12;
/** TER-1, QUO-2: the notice period by cause (AGR-5 has none: the new cahier's entry into force). */
const NOTICE_DAYS: Partial<Record<NoticeCause, number>> = {
  convenience: P.termination.convenienceNoticeDays,
  quota: P.quota.withdrawalNoticeDays,
};

/**
 * Defaults taken from the parameters (Conv art. 8: Pix changes them), applied when the caller gives none.
 * A function computes them from the caller's data.
 */
const DEFAULTS: Partial<Record<TemplateName, Record<string, unknown> | ((data: Record<string, unknown>) => Record<string, unknown>)>> = {
  'application-acknowledged': { procedureMonths: P.application.procedureMonths },
  'application-incomplete': { procedureMonths: P.application.procedureMonths },
  'application-admissible': { conformityVisitCapEur: P.application.conformityVisitCapEur },
  'application-overdue': { procedureMonths: P.application.procedureMonths },
  'agrement-renewal-reminder': renewal,
  'agrement-renewal-missed': renewal,
  'agrement-renewal-missed-operations': renewal,
  'agrement-renewed': renewal,
  'agrement-expired': confidentiality,
  'control-visit-demanded': { costCapEur: P.visits.controlVisitCapEur, answerMonths: P.suspension.visitAnswerMonths },
  'breach-notice': { cureDays: P.breach.cureDays },
  'termination-proposed': { quotaNoticeDays: P.quota.withdrawalNoticeDays },
  'breach-proposed': { cureDays: P.breach.cureDays },
  'termination-notice': (data) => ({
    ...confidentiality,
    quotaYears,
    noticeDays: NOTICE_DAYS[data.cause as NoticeCause],
  }),
  'agrement-terminated': confidentiality,
  'quota-warning': { audience: 'centre', quotaYears, quotaNoticeDays: P.quota.withdrawalNoticeDays },
  'badge-reminder': { badgeMonths: P.referent.badgeMonths },
  'referent-contribution-warning': { audience: 'centre', required: P.referent.yearlyContributionDays },
  'cahier-change-notice': { applyMonths: P.agrement.cahierChangeMonths },
  'cahier-minor-change-notice': { noticeMonths: P.agrement.nonSubstantialChangeNoticeMonths },
  'force-majeure-started': { forceMajeureMonths: P.termination.forceMajeureMonths },
  'labour-documents-requested': { dueDays: P.termination.labourDocumentsDays },
  'planned-sessions-affected': (data) => ({
    centreName: data.organisationName,
    network: false,
    member: false,
    count: (Array.isArray(data.blocked) ? data.blocked.length : 0) + (Array.isArray(data.atRisk) ? data.atRisk.length : 0),
  }),
  'control-visit-notice': (data) => ({
    conformity: false,
    costCapEur: data.conformity === true ? P.application.conformityVisitCapEur : P.visits.controlVisitCapEur,
    announcementWorkingDays: P.visits.announcementWorkingDays,
  }),
  'visit-findings-proposal': { cureDays: P.breach.cureDays },
  'session-finalisation-reminder': { finalisationHours: P.sessions.finalisationHours },
  'session-finalisation-overdue': { finalisationHours: P.sessions.finalisationHours },
  'session-remedy-required': { remedyDays: P.sessions.remedyDays },
  'session-remedy-overdue': { remedyDays: P.sessions.remedyDays },
};

/**
 * Fields a caller may omit because they default from the parameters (they still appear in REQUIRED_FIELDS,
 * which describes the data the template renders with, and are validated after the defaults apply).
 */
export const DEFAULTED_FIELDS: Readonly<Record<TemplateName, readonly string[]>> = Object.freeze(
  Object.fromEntries(
    TEMPLATE_NAMES.map((name) => {
      const defaults = DEFAULTS[name];
      const fields = typeof defaults === 'function' ? Object.keys(defaults({ cause: NOTICE_CAUSES[0] })) : Object.keys(defaults ?? {});
      return [name, fields];
    }),
  ) as Record<TemplateName, string[]>,
);

function isDate(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (typeof value !== 'string') return false;
  try {
    parseDateInput(value);
    return true;
  } catch {
    return false;
  }
}

function checkField(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' && value.trim() !== '';
    case 'date':
      return isDate(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'nonEmptyArray':
      return Array.isArray(value) && value.length > 0;
  }
}

const KIND_LABELS: Record<FieldKind, string> = {
  string: 'a non-empty string',
  date: 'an ISO date or instant',
  number: 'a finite number',
  boolean: 'a boolean',
  array: 'an array',
  nonEmptyArray: 'a non-empty array',
};

function validate(name: TemplateName, data: Record<string, unknown>): void {
  const spec = SPECS[name];
  const problems = spec.required
    .filter(([field, kind]) => !checkField(data[field], kind))
    .map(([field, kind]) => `"${field}" must be ${KIND_LABELS[kind]} (got ${describe(data[field])})`);
  if (problems.length === 0 && spec.check) {
    const problem = spec.check(data);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new MissingTemplateDataError(name, problems);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `array(${value.length})`;
  try {
    return JSON.stringify(value);
  } catch {
    return typeof value;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting (also exported for other French pages, e.g. the mail capture index)
// ---------------------------------------------------------------------------------------------

const PARIS = 'Europe/Paris';
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

type ParsedDate = { kind: 'date'; date: Date } | { kind: 'instant'; date: Date };

function parseDateInput(value: unknown): ParsedDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('invalid Date');
    return { kind: 'instant', date: value };
  }
  if (typeof value === 'string') {
    const dateOnly = DATE_ONLY.exec(value);
    if (dateOnly) {
      const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) {
        return { kind: 'date', date };
      }
    } else if (INSTANT.test(value)) {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return { kind: 'instant', date };
    }
  }
  throw new Error(`expected an ISO date ("2025-01-31") or instant ("2025-01-31T09:00:00Z"), got ${describe(value)}`);
}

const DATE_FORMAT = {
  date: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  instant: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: PARIS }),
};
const TIME_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: PARIS,
});

/**
 * "31 janvier 2025", "1er mars 2025". A calendar date ("2025-01-31") is shown as is; an instant is shown
 * in Europe/Paris. With `withTime` an instant also shows the Paris time: "31 janvier 2025 à 14 h 30".
 */
export function formatDateFr(value: DateInput, options: { withTime?: boolean } = {}): string {
  const parsed = parseDateInput(value);
  const parts = DATE_FORMAT[parsed.kind].formatToParts(parsed.date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('day') === '1' ? '1er' : part('day');
  let result = `${day} ${part('month')} ${part('year')}`;
  if (options.withTime && parsed.kind === 'instant') {
    const timeParts = TIME_FORMAT.formatToParts(parsed.date);
    const hour = String(Number(timeParts.find((p) => p.type === 'hour')?.value));
    const minute = timeParts.find((p) => p.type === 'minute')?.value ?? '00';
    result += ` à ${hour} h${minute === '00' ? '' : ` ${minute}`}`;
  }
  return result;
}

const ZONED_FORMATS = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/** Formatters for one zone (cached); throws RangeError on an unknown zone. */
function zonedFormats(timeZone: string): { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat } {
  let formats = ZONED_FORMATS.get(timeZone);
  if (!formats) {
    formats = {
      date: new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone }),
      time: new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
    };
    ZONED_FORMATS.set(timeZone, formats);
  }
  return formats;
}

/**
 * SES-10: an instant with its date and time in the given zone (the centre's): "30 mars 2026 à 17 h",
 * "1er avril 2026 à 7 h 30". A calendar date is refused: a deadline in hours needs its time.
 */
export function formatDateTimeFrIn(value: DateInput, timeZone: string): string {
  const parsed = parseDateInput(value);
  if (parsed.kind !== 'instant') throw new Error(`expected an instant, got the calendar date ${describe(value)}`);
  const formats = zonedFormats(timeZone);
  const parts = formats.date.formatToParts(parsed.date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('day') === '1' ? '1er' : part('day');
  const timeParts = formats.time.formatToParts(parsed.date);
  const hour = String(Number(timeParts.find((p) => p.type === 'hour')?.value));
  const minute = timeParts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${day} ${part('month')} ${part('year')} à ${hour} h${minute === '00' ? '' : ` ${minute}`}`;
}

const NUMBER_FORMAT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** "250 €", "12,50 €", "1 250 €" (French separators, non-breaking spaces). */
export function formatEuros(amount: number): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new Error(`expected an amount in euros, got ${describe(amount)}`);
  }
  const integer = Number.isInteger(amount);
  return new Intl.NumberFormat('fr-FR', {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: integer ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(amount);
}

const PIECE_REASONS: Record<(typeof PIECE_REASON_CODES)[number], string> = {
  missing: 'pièce manquante',
  stale: `document daté de plus de ${PARAMETERS.dossier.proofOfExistenceMaxAgeMonths} mois, à fournir à nouveau`,
  unsigned: 'document non signé par un représentant légal',
  unreadable: 'document illisible ou incomplet',
};

/** Application states (procedure.ts) as Pix operations read them; the code stays visible in parentheses. */
const STATE_LABELS: Record<ApplicationState, string> = {
  submitted: 'déposée, en cours d’instruction',
  incomplete: 'incomplète, en attente de pièces',
  rejected: 'non recevable',
  admissible: 'recevable, formation du référent à suivre',
  'referent-trained': 'référent formé, agrément à accorder',
  granted: 'agrément accordé, formulaire d’adhésion attendu',
  'adhesion-received': 'formulaire d’adhésion reçu, attestation à délivrer',
  'attestation-issued': 'attestation délivrée',
};

// ---------------------------------------------------------------------------------------------
// Handlebars environment
// ---------------------------------------------------------------------------------------------

type HelperOptions = Handlebars.HelperOptions;

function helperError(helper: string, error: unknown): Error {
  return new Error(`helper "${helper}": ${error instanceof Error ? error.message : String(error)}`);
}

function createEnvironment(dir: string): typeof Handlebars {
  const hb = Handlebars.create();

  hb.registerHelper('dateFr', (value: unknown, options: HelperOptions) => {
    try {
      return formatDateFr(value as DateInput, { withTime: options?.hash?.time === true });
    } catch (error) {
      throw helperError('dateFr', error);
    }
  });
  hb.registerHelper('euros', (amount: unknown) => {
    try {
      return formatEuros(amount as number);
    } catch (error) {
      throw helperError('euros', error);
    }
  });
  /** {{plural n "jour" "jours"}} — French: 0 and 1 take the singular. */
  hb.registerHelper('plural', (count: unknown, singular: unknown, plural: unknown) => {
    if (typeof count !== 'number' || typeof singular !== 'string' || typeof plural !== 'string') {
      throw helperError('plural', `expected (number, string, string), got (${describe(count)}, …)`);
    }
    return Math.abs(count) < 2 ? singular : plural;
  });
  /** {{numberFr 2500}} → "2 500" (French digit grouping). */
  hb.registerHelper('numberFr', (value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw helperError('numberFr', `expected a number, got ${describe(value)}`);
    }
    return NUMBER_FORMAT.format(value);
  });
  /** {{timeFr "14:00"}} → "14 h", {{timeFr "09:30"}} → "9 h 30" (a local time of day, as typed). */
  hb.registerHelper('timeFr', (value: unknown) => {
    const m = typeof value === 'string' ? /^(\d{2}):(\d{2})$/.exec(value) : null;
    if (!m) throw helperError('timeFr', `expected HH:MM, got ${describe(value)}`);
    return `${Number(m[1])} h${m[2] === '00' ? '' : ` ${m[2]}`}`;
  });
  /** {{#if (eq cause "quota")}}: strict equality, for codes chosen among a few known values. */
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  /** {{dateTimeIn deadlineAt timeZone}}: an instant with its time in the centre's zone (SES-10). */
  hb.registerHelper('dateTimeIn', (value: unknown, timeZone: unknown) => {
    try {
      return formatDateTimeFrIn(value as DateInput, String(timeZone));
    } catch (error) {
      throw helperError('dateTimeIn', error);
    }
  });
  hb.registerHelper('pieceReason', (reason: unknown) => {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw helperError('pieceReason', `expected a reason code or sentence, got ${describe(reason)}`);
    }
    return (PIECE_REASONS as Record<string, string>)[reason] ?? reason;
  });
  hb.registerHelper('applicationState', (state: unknown) => {
    if (typeof state !== 'string' || state === '') {
      throw helperError('applicationState', `expected a state code, got ${describe(state)}`);
    }
    const label = (STATE_LABELS as Record<string, string | undefined>)[state];
    return label ? `${label} (${state})` : state;
  });
  /** {{#if (hasRule failures "ELIG-1")}}: a failure cites that rule (or one of its sub-rules, "ELIG-1.a"). */
  hb.registerHelper('hasRule', (failures: unknown, ruleId: unknown) => {
    if (!Array.isArray(failures) || typeof ruleId !== 'string') return false;
    return failures.some((failure) => {
      const id = (failure as { ruleId?: unknown } | null)?.ruleId;
      return typeof id === 'string' && (id === ruleId || (id.startsWith(ruleId) && !/^\d/.test(id.slice(ruleId.length))));
    });
  });

  const partialsDir = path.join(dir, 'partials');
  if (fs.existsSync(partialsDir)) {
    for (const file of fs.readdirSync(partialsDir).sort()) {
      if (!file.endsWith('.hbs')) continue;
      hb.registerPartial(file.slice(0, -'.hbs'.length), fs.readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  return hb;
}

interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

interface TemplateStore {
  dir: string;
  hb: typeof Handlebars;
  layout: Handlebars.TemplateDelegate;
  templates: Map<TemplateName, CompiledTemplate>;
}

let store: TemplateStore | undefined;

/** The first directory at or above `from` holding a package.json (src/… under vitest, dist/src/… when compiled). */
export function findProjectRoot(from: string = __dirname): string {
  let current = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(current, 'package.json'))) return current;
    const parent = path.dirname(current);
    if (parent === current) throw new TemplateError(`No package.json found at or above ${from}: cannot locate templates/.`);
    current = parent;
  }
}

/** Absolute path of the templates directory. */
export function templatesDir(): string {
  return getStore().dir;
}

function getStore(): TemplateStore {
  if (store) return store;
  const dir = path.join(findProjectRoot(), 'templates');
  if (!fs.existsSync(dir)) throw new TemplateError(`E-mail templates directory not found: ${dir}`);
  const hb = createEnvironment(dir);
  const layout = hb.compile(readTemplateFile(dir, path.join('layouts', 'base.html.hbs')), { strict: true });
  store = { dir, hb, layout, templates: new Map() };
  return store;
}

function readTemplateFile(dir: string, relative: string): string {
  const file = path.join(dir, relative);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError(`Cannot read e-mail template file ${file}`, { cause: error });
  }
}

function compiled(name: TemplateName): CompiledTemplate {
  const current = getStore();
  let template = current.templates.get(name);
  if (!template) {
    const read = (part: string) => readTemplateFile(current.dir, `${name}.${part}.hbs`);
    template = {
      // Subject and text are not HTML: no escaping (an apostrophe stays an apostrophe).
      subject: current.hb.compile(read('subject'), { strict: true, noEscape: true }),
      html: current.hb.compile(read('html'), { strict: true }),
      text: current.hb.compile(read('txt'), { strict: true, noEscape: true }),
    };
    current.templates.set(name, template);
  }
  return template;
}

function run(name: string, part: string, template: Handlebars.TemplateDelegate, data: unknown): string {
  try {
    return template(data);
  } catch (error) {
    throw new TemplateRenderError(name, part, error);
  }
}

export function isTemplateName(name: unknown): name is TemplateName {
  return typeof name === 'string' && (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/**
 * Renders one e-mail. `data` is described by TemplateDataMap[name]; REQUIRED_FIELDS lists what must be there.
 * Throws UnknownTemplateError, MissingTemplateDataError or TemplateRenderError.
 */
export function renderEmail(name: TemplateName, data: object): RenderedEmail {
  if (!isTemplateName(name)) throw new UnknownTemplateError(String(name));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MissingTemplateDataError(name, [`data must be an object (got ${describe(data)})`]);
  }
  const context: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  const defaults = DEFAULTS[name];
  for (const [key, value] of Object.entries((typeof defaults === 'function' ? defaults(context) : defaults) ?? {})) {
    if (context[key] == null && value !== undefined) context[key] = value;
  }
  validate(name, context);

  const template = compiled(name);
  const subject = run(name, 'subject', template.subject, context).replace(/\s+/g, ' ').trim();
  const body = run(name, 'html', template.html, context).trim();
  const html = run(name, 'layout', getStore().layout, { subject, body }).trim() + '\n';
  const text =
    run(name, 'text', template.text, context)
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  if (subject === '') throw new TemplateRenderError(name, 'subject', new Error('empty subject'));
  return { subject, html, text };
}
