/**
 * What Pix learns about a centre otherwise than through Pix Certif, kept in its quality record and
 * weighed by the control-visit risk score (VIS-1): candidates' complaints (SES-13), incidents (SES-12),
 * fraud reports (SUS-1), late finalisations (SES-10); and the centre's personal-data breaches, notified to
 * Pix within 72 hours (DATA-2). Pure.
 */
import { PARAMETERS } from '../../config/parameters';
import { addMonths, isoDate, isIsoDate, parseIsoDate } from '../../shared/domain/dates';
import { InvalidCommand } from '../../shared/domain/errors';

export const QUALITY_EVENT_KINDS = ['complaint', 'incident', 'fraud-report', 'late-finalisation', 'data-breach'] as const;
export type QualityEventKind = (typeof QUALITY_EVENT_KINDS)[number];

/** The rule each kind of event answers to. */
export const QUALITY_EVENT_RULES: Record<QualityEventKind, string> = {
  complaint: 'SES-13',
  incident: 'SES-12',
  'fraud-report': 'SUS-1',
  'late-finalisation': 'SES-10',
  'data-breach': 'DATA-2',
};

export interface QualityEventInput {
  kind: QualityEventKind;
  occurredOn: string;
  summary: string;
  sessionId?: string | null;
  /** SES-13: when the results the complaint is about were published. */
  resultsPublishedOn?: string | null;
  /** DATA-2: when the centre discovered the personal-data breach, and when it notified Pix (ISO instants). */
  discoveredAt?: string | null;
  notifiedAt?: string | null;
}

export interface QualityEvent extends Required<QualityEventInput> {
  ruleId: string;
  /** SES-13: the last day a complaint reaches the jury in time, and whether this one did; null for other kinds or without the publication date. */
  complaint: { deadline: string; withinTime: boolean } | null;
  /** DATA-2: the instant the notification was due (discovery + 72 hours), and whether it came in time. */
  dataBreach: { notifyBy: string; withinTime: boolean } | null;
}

/** Checks an event before it is recorded: dates real and not in the future, the publication date for complaints only. */
export function qualityEvent(input: QualityEventInput, today: string): QualityEvent {
  if (!QUALITY_EVENT_KINDS.includes(input.kind)) throw new InvalidCommand('kind', `kind must be one of: ${QUALITY_EVENT_KINDS.join(', ')}`);
  if (!isIsoDate(input.occurredOn)) throw new InvalidCommand('occurredOn', 'occurredOn must be a date (YYYY-MM-DD)');
  if (input.occurredOn > today) throw new InvalidCommand('occurredOn', `occurredOn (${input.occurredOn}) is in the future`);
  const published = input.resultsPublishedOn ?? null;
  if (published !== null && input.kind !== 'complaint')
    throw new InvalidCommand('resultsPublishedOn', 'resultsPublishedOn is for complaints only (SES-13)');
  if (published !== null && !isIsoDate(published))
    throw new InvalidCommand('resultsPublishedOn', 'resultsPublishedOn must be a date (YYYY-MM-DD)');
  if (published !== null && published > today)
    throw new InvalidCommand('resultsPublishedOn', `resultsPublishedOn (${published}) is in the future`);
  const breach = dataBreachOf(input, today);
  // SES-13: received after the 2 months it is out of time for the jury; it is recorded all the same (it tells about the centre).
  const deadline = published === null ? null : isoDate(addMonths(parseIsoDate(published), PARAMETERS.sessions.complaintMonths));
  return {
    kind: input.kind,
    occurredOn: input.occurredOn,
    summary: input.summary,
    sessionId: input.sessionId ?? null,
    resultsPublishedOn: published,
    discoveredAt: breach?.discoveredAt ?? null,
    notifiedAt: breach?.notifiedAt ?? null,
    ruleId: QUALITY_EVENT_RULES[input.kind],
    complaint: deadline === null ? null : { deadline, withinTime: input.occurredOn <= deadline },
    dataBreach: breach ? { notifyBy: breach.notifyBy, withinTime: breach.withinTime } : null,
  };
}

/** DATA-2: a breach says when it was discovered and notified; notified more than 72 hours after, it was late. */
function dataBreachOf(input: QualityEventInput, today: string) {
  const given = input.discoveredAt != null || input.notifiedAt != null;
  if (input.kind !== 'data-breach') {
    if (given)
      throw new InvalidCommand(
        input.discoveredAt != null ? 'discoveredAt' : 'notifiedAt',
        'discoveredAt and notifiedAt are for data breaches only (DATA-2)',
      );
    return null;
  }
  const instant = (field: 'discoveredAt' | 'notifiedAt') => {
    const v = input[field];
    const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(t))
      throw new InvalidCommand(field, `${field} must be an ISO instant (e.g. 2026-11-20T14:30:00+01:00) for a data breach (DATA-2)`);
    if (new Date(t).toISOString().slice(0, 10) > today) throw new InvalidCommand(field, `${field} is in the future`);
    return t;
  };
  const discovered = instant('discoveredAt');
  const notified = instant('notifiedAt');
  if (notified < discovered) throw new InvalidCommand('notifiedAt', 'notifiedAt is before discoveredAt');
  const notifyBy = discovered + PARAMETERS.dataProtection.breachNotificationHours * 3_600_000;
  return {
    discoveredAt: new Date(discovered).toISOString(),
    notifiedAt: new Date(notified).toISOString(),
    notifyBy: new Date(notifyBy).toISOString(),
    withinTime: notified <= notifyBy,
  };
}
