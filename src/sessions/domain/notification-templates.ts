import { PARAMETERS } from '../../config/parameters';
import {
  agrementLetter,
  dateOrInstant,
  finite,
  flag,
  instant,
  type Letter,
  naturalNumber,
  text,
  timeZone,
} from '../../shared/domain/notification';

/**
 * The sessions' e-mails: the data each template renders, as a JSON Schema from which its type and its runtime
 * check both derive (src/shared/domain/notification.ts). finalisation.ts and remedy.ts build them (SES-10, SES-12);
 * src/sessions/usecases/rule-sets/rule-set-versions.ts writes the AGR-5 notice of a non-substantial change.
 * Deadlines are instants shown with their time in the centre's zone (`timeZone`: Europe/Paris, Indian/Reunion…).
 */

/** SES-10, SCO-3 — sent to the centre. */
const finalisationReminder = {
  type: 'object',
  properties: {
    sessionId: text,
    /** The session's calendar date (local to the centre). */
    sessionDate: dateOrInstant,
    /** The finalisation deadline: an instant ("2026-03-30T15:00:00Z"). */
    deadlineAt: instant,
    /** The centre's zone: deadlineAt is shown in it. */
    timeZone,
    /** Whole hours left before the deadline. */
    hoursLeft: naturalNumber,
    centreName: { type: 'string' },
    /** SCO-1, SCO-3: a collège or lycée, whose results feed the pupils' school records. */
    secondarySchool: flag,
    /** SES-10; default: parameters. */
    finalisationHours: finite,
  },
  required: ['sessionId', 'sessionDate', 'deadlineAt', 'timeZone', 'hoursLeft'],
} as const;

/** SES-10 — sent to Pix operations. */
const finalisationOverdue = {
  type: 'object',
  properties: {
    centreName: text,
    sessionId: text,
    sessionDate: dateOrInstant,
    deadlineAt: instant,
    timeZone,
    /** SCO-1, SCO-3. */
    secondarySchool: flag,
    /** SES-10; default: parameters. */
    finalisationHours: finite,
  },
  required: ['centreName', 'sessionId', 'sessionDate', 'deadlineAt', 'timeZone'],
} as const;

/** SES-12: the remedy owed after an incident attributable to the centre (the same data for both e-mails). */
const remedy = {
  type: 'object',
  properties: {
    sessionId: text,
    centreName: text,
    sessionDate: dateOrInstant,
    /** The 5th day after the session: the remedy is due by its end, in the centre's zone. */
    dueOn: dateOrInstant,
    timeZone,
    /** The candidates concerned (local ids), or 'all'. */
    affected: {
      anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
      description: '"all" or the local ids of the candidates concerned',
    },
    incidents: { type: 'array', items: { type: 'string' }, minItems: 1 },
    /** SES-12; default: parameters. */
    remedyDays: finite,
  },
  required: ['sessionId', 'centreName', 'sessionDate', 'dueOn', 'timeZone', 'affected', 'incidents'],
} as const;

/** AGR-5 (Conv art. 8.2): a non-substantial change of the cahier, applied after 1 month's notice. */
const cahierMinorChangeNotice = {
  type: 'object',
  properties: {
    ...agrementLetter,
    notifiedOn: dateOrInstant,
    /** The new cahier's entry into force. */
    effectiveOn: dateOrInstant,
    /** The change, in French. */
    summary: text,
    /** The rule-set version, e.g. "2027-09". */
    version: text,
    /** Default: parameters. */
    noticeMonths: finite,
  },
  required: ['organisationName', 'agrementReference', 'notifiedOn', 'effectiveOn', 'summary', 'version'],
} as const;

export const SESSION_TEMPLATES = {
  'session-finalisation-reminder': { schema: finalisationReminder, defaults: { finalisationHours: PARAMETERS.sessions.finalisationHours } },
  'session-finalisation-overdue': { schema: finalisationOverdue, defaults: { finalisationHours: PARAMETERS.sessions.finalisationHours } },
  'session-remedy-required': { schema: remedy, defaults: { remedyDays: PARAMETERS.sessions.remedyDays } },
  'session-remedy-overdue': { schema: remedy, defaults: { remedyDays: PARAMETERS.sessions.remedyDays } },
  'cahier-minor-change-notice': {
    schema: cahierMinorChangeNotice,
    defaults: { noticeMonths: PARAMETERS.agrement.nonSubstantialChangeNoticeMonths },
  },
} as const;

export type SessionTemplateName = keyof typeof SESSION_TEMPLATES;
export type SessionLetter<N extends SessionTemplateName = SessionTemplateName> = Letter<typeof SESSION_TEMPLATES, N>;
