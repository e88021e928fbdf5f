import type { DeadlineName } from '../../agrement/domain/machine';
import { frenchDate, frenchDateTimeIn } from '../../shared/domain/french-dates';
import type { CalendarEvent } from '../../shared/domain/icalendar';
import { endOfDay, startOfDay } from '../../shared/domain/zoned-time';

/**
 * Issue 14: the deadlines of GET /dashboard/deadlines as calendar events (GET /dashboard/deadlines.ics), in French.
 * One all-day event per deadline on its legal date; the exact instant in the description when the deadline has a
 * time of its own (SES-10: 48 hours after the session's end). Pure.
 */

/** What the feed needs of a deadline (src/dashboard/usecases/ports.ts DeadlineRow, with its key). */
export interface CalendarDeadline {
  subject: 'agrement' | 'session' | 'statement';
  subjectId: string;
  /** Tells apart the deadlines of one subject (an agrément's deadline key, e.g. cure-due:2025-03-01). */
  key: string;
  organisationName: string;
  deadline: string;
  ruleId: string;
  /** The legal date (YYYY-MM-DD). */
  on: string;
  /** The instant it passes (ISO). */
  at: string;
}

/** Every deadline the dashboards list: an agrément's (its workflow's timers), a session's (SES-10, SES-12) and a statement's (BIL-1, BIL-2). */
export type DashboardDeadlineName = DeadlineName | 'finalisation-due' | 'statement-due' | 'payment-due' | 'remedy-due';

/**
 * The deadlines' names as people read them, in the feed and on the page (web/src/format/labels.ts): one table, and
 * complete by its type, so that a new deadline without its French name breaks the build instead of showing its code.
 */
export const DEADLINE_LABELS: Readonly<Record<DashboardDeadlineName, string>> = {
  'renewal-reminder': 'Rappel de renouvellement',
  'renewal-request-due': 'Demande de renouvellement',
  term: 'Terme de l’agrément',
  'badge-reminder': 'Rappel badge référent',
  'badge-due': 'Badge « Référent Pix »',
  'referent-change-effective': 'Prise d’effet du changement de référent',
  'referent-contribution-year': 'Contribution annuelle du référent',
  'referent-contribution-warning': 'Alerte contribution du référent',
  'quota-checkpoint': 'Point d’étape quota',
  'quota-deadline': 'Quota à 3 ans',
  'cure-due': 'Fin du délai de mise en demeure',
  'visit-answer-due': 'Réponse à la visite de contrôle',
  'labour-documents-due': 'Documents sociaux',
  'cahier-change-apply-by': 'Application du nouveau cahier des charges',
  'force-majeure-limit': 'Limite de la force majeure',
  'termination-effective': 'Prise d’effet de la résiliation',
  'finalisation-due': 'Finalisation de session (48 h)',
  'statement-due': 'Envoi du relevé mensuel',
  'payment-due': 'Paiement du relevé',
  'remedy-due': 'Nouvelle session ou remboursement (incident)',
};

/** A deadline's French name; a name the table does not know (from a newer API) as it is. */
export function deadlineLabel(name: string): string {
  return (DEADLINE_LABELS as Readonly<Record<string, string>>)[name] ?? name;
}

const SUBJECTS: Record<CalendarDeadline['subject'], string> = { agrement: 'agrément', session: 'session', statement: 'relevé' };

/** "le 3 mars 2025 à 14 h 30" in the zone. */
function frenchInstant(instant: Date, timeZone: string): string {
  return `le ${frenchDateTimeIn(instant, timeZone)}`;
}

/** Whether the instant is a time of its own, not the start or end of its legal day (in the zone). */
export function hasOwnTime(on: string, at: Date, timeZone: string): boolean {
  const t = at.getTime();
  const end = endOfDay(on, timeZone).getTime();
  return t !== startOfDay(on, timeZone).getTime() && t !== end && t !== end - 1;
}

/** A stable UID: the same deadline keeps it from one fetch to the next (calendar applications update it). */
export function deadlineUid(d: Pick<CalendarDeadline, 'subject' | 'subjectId' | 'key'>, domain: string): string {
  return `${d.subject}-${d.subjectId}-${d.key}@${domain}`;
}

export function deadlineEvent(d: CalendarDeadline, options: { timeZone: string; uidDomain: string }): CalendarEvent {
  const label = deadlineLabel(d.deadline);
  const at = new Date(d.at);
  const lines = [
    `${label} (${d.ruleId}) : ${d.organisationName}.`,
    `Date légale : ${frenchDate(d.on)}.`,
    ...(hasOwnTime(d.on, at, options.timeZone)
      ? [`Échéance exacte : ${frenchInstant(at, options.timeZone)} (heure de Paris), soit ${at.toISOString()}.`]
      : []),
    `Règle : ${d.ruleId}.`,
    `Objet : ${SUBJECTS[d.subject]} ${d.subjectId}.`,
  ];
  return {
    uid: deadlineUid(d, options.uidDomain),
    date: d.on,
    summary: `${label} – ${d.organisationName}`,
    description: lines.join('\n'),
    categories: [d.ruleId],
  };
}
