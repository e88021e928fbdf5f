import { PARAMETERS } from '../../config/parameters';
import { type DataOf, dateOrInstant, finite, flag, type Letter, text } from '../../shared/domain/notification';

/**
 * The application procedure's e-mails (APP-*, DOC-*, ELIG-*): the data each template renders, as a JSON Schema
 * from which its type and its runtime check both derive (src/shared/domain/notification.ts). notifications.ts
 * builds them; templates/<name>.*.hbs render them.
 */

/** Every application e-mail names the application and the organisation; the builder also carries the ids it knows. */
const application = {
  applicationReference: text,
  organisationName: text,
  /** Carried for the record (the builder's common data); not shown. */
  applicationId: { type: 'string' },
  /** Shown by application-admissible only, where it is required. */
  referentName: { type: 'string' },
} as const;

/** APP-7: the procedure's duration; default: parameters. */
const procedureMonths = finite;

/** APP-1, APP-7 */
const acknowledged = {
  type: 'object',
  properties: { ...application, submittedAt: dateOrInstant, procedureMonths },
  required: ['applicationReference', 'organisationName', 'submittedAt'],
} as const;

/**
 * DOC-4, APP-7. A piece's fields are not checked here: the template itself refuses a piece without its label
 * (handlebars strict) or its reason (the pieceReason helper), as it always did.
 */
const incomplete = {
  type: 'object',
  properties: {
    ...application,
    missingPieces: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          /** PieceType (DOC-1..3), e.g. "proof-of-legal-existence". */
          type: { type: 'string' },
          /** French label, e.g. "Justificatif d'existence légale de moins de 3 mois". */
          label: { type: 'string' },
          /** A reason code (missing, stale, unsigned, unreadable: the pieceReason helper), or a French sentence. */
          reason: { type: 'string' },
        },
      },
    },
    procedureMonths,
    /** Where the applicant completes the dossier. */
    dossierUrl: { type: 'string' },
  },
  required: ['applicationReference', 'organisationName', 'missingPieces'],
} as const;

/** APP-2, APP-4, APP-3 */
const admissible = {
  type: 'object',
  properties: {
    ...application,
    referentName: text,
    conformityVisitRequired: flag,
    /** APP-3; default: parameters. */
    conformityVisitCapEur: finite,
    /** The référent training session, when already scheduled. An instant shows the time too. */
    training: {
      type: ['object', 'null'],
      properties: { date: dateOrInstant, place: { type: 'string' }, link: { type: 'string' } },
      required: ['date'],
    },
  },
  required: ['applicationReference', 'organisationName', 'referentName', 'conformityVisitRequired'],
} as const;

/**
 * APP-2, ELIG-*: reasons written by Pix (French) and the failing rules ({ ruleId: 'ELIG-1', message }); at least
 * one of them. A failure's fields are left to the template, which refuses a failure without its rule ID.
 */
const rejected = {
  type: 'object',
  properties: {
    ...application,
    reasons: { type: 'array', items: { type: 'string' } },
    failures: { type: 'array', items: { type: 'object', properties: { ruleId: { type: 'string' }, message: { type: 'string' } } } },
  },
  required: ['applicationReference', 'organisationName', 'reasons', 'failures'],
} as const;

/** APP-5, APP-8, APP-6 */
const granted = {
  type: 'object',
  properties: {
    ...application,
    /** APP-5: 1 to 3. */
    years: finite,
    /** APP-8: experimental grant to a centre outside France. */
    experimental: flag,
  },
  required: ['applicationReference', 'organisationName', 'years'],
} as const;

/** APP-6 (AGR-2 for the optional renewal deadline) */
const attestationIssued = {
  type: 'object',
  properties: {
    ...application,
    /** The centre's receipt of the attestation: the convention enters into force that day. */
    receivedOn: dateOrInstant,
    /** The agrément's term. */
    termOn: dateOrInstant,
    attestationReference: { type: 'string' },
    renewalRequestBy: dateOrInstant,
    /** Carried for the record; not shown. */
    years: { type: ['number', 'null'] },
  },
  required: ['applicationReference', 'organisationName', 'receivedOn', 'termOn'],
} as const;

/** APP-7 — sent to Pix operations. */
const overdue = {
  type: 'object',
  properties: {
    ...application,
    netElapsedDays: finite,
    deadline: dateOrInstant,
    /** Application state code, e.g. "submitted"; known codes are shown in French. */
    currentState: text,
    procedureMonths,
    submittedAt: dateOrInstant,
    /** Days the clock was stopped (waiting on the applicant). */
    pausedDays: finite,
    /** Back-office link to the application. */
    applicationUrl: { type: 'string' },
  },
  required: ['applicationReference', 'organisationName', 'netElapsedDays', 'deadline', 'currentState'],
} as const;

export const APPLICATION_TEMPLATES = {
  'application-acknowledged': { schema: acknowledged, defaults: { procedureMonths: PARAMETERS.application.procedureMonths } },
  'application-incomplete': { schema: incomplete, defaults: { procedureMonths: PARAMETERS.application.procedureMonths } },
  'application-admissible': { schema: admissible, defaults: { conformityVisitCapEur: PARAMETERS.application.conformityVisitCapEur } },
  'application-rejected': {
    schema: rejected,
    refine: (data: DataOf<typeof rejected>) =>
      data.reasons.length + data.failures.length > 0 ? null : 'at least one of "reasons" and "failures" must be non-empty',
  },
  'agrement-granted': { schema: granted },
  'attestation-issued': { schema: attestationIssued },
  'application-overdue': { schema: overdue, defaults: { procedureMonths: PARAMETERS.application.procedureMonths } },
} as const;

export type ApplicationTemplateName = keyof typeof APPLICATION_TEMPLATES;
/** An application e-mail: its template and that template's data. */
export type ApplicationLetter<N extends ApplicationTemplateName = ApplicationTemplateName> = Letter<typeof APPLICATION_TEMPLATES, N>;
