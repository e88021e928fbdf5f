import type { CalendarEvent } from '../../shared/domain/icalendar';
import { dateIn, endOfDay, startOfDay } from '../../shared/domain/zoned-time';

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

/** The deadlines' names as people read them. */
export const DEADLINE_LABELS: Readonly<Record<string, string>> = {
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

const SUBJECTS: Record<CalendarDeadline['subject'], string> = { agrement: 'agrément', session: 'session', statement: 'relevé' };

const DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "1er mars 2025", "15 juillet 2025". */
export function frenchDate(date: string): string {
  const parts = DATE.formatToParts(new Date(`${date}T00:00:00Z`));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day') === '1' ? '1er' : part('day')} ${part('month')} ${part('year')}`;
}

/** "le 3 mars 2025 à 14 h 30" in the zone. */
function frenchInstant(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('fr-FR', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(instant);
  const hour = String(Number(parts.find((p) => p.type === 'hour')?.value));
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `le ${frenchDate(dateIn(instant, timeZone))} à ${hour} h${minute === '00' ? '' : ` ${minute}`}`;
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
  const label = DEADLINE_LABELS[d.deadline] ?? d.deadline;
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
