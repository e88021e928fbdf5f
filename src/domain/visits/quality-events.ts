/**
 * What Pix learns about a centre otherwise than through Pix Certif, kept in its quality record and
 * weighed by the control-visit risk score (VIS-1): candidates' complaints (SES-13), incidents (SES-12),
 * fraud reports (SUS-1), late finalisations (SES-10). Pure.
 */
import { PARAMETERS } from '../../config/parameters';
import { addMonths, isoDate, isIsoDate, parseIsoDate } from '../dates';
import { InvalidCommand } from '../errors';

export const QUALITY_EVENT_KINDS = ['complaint', 'incident', 'fraud-report', 'late-finalisation'] as const;
export type QualityEventKind = (typeof QUALITY_EVENT_KINDS)[number];

/** The rule each kind of event answers to. */
export const QUALITY_EVENT_RULES: Record<QualityEventKind, string> = {
  complaint: 'SES-13',
  incident: 'SES-12',
  'fraud-report': 'SUS-1',
  'late-finalisation': 'SES-10',
};

export interface QualityEventInput {
  kind: QualityEventKind;
  occurredOn: string;
  summary: string;
  sessionId?: string | null;
  /** SES-13: when the results the complaint is about were published. */
  resultsPublishedOn?: string | null;
}

export interface QualityEvent extends Required<QualityEventInput> {
  ruleId: string;
  /** SES-13: the last day a complaint reaches the jury in time, and whether this one did; null for other kinds or without the publication date. */
  complaint: { deadline: string; withinTime: boolean } | null;
}

/** Checks an event before it is recorded: dates real and not in the future, the publication date for complaints only. */
export function qualityEvent(input: QualityEventInput, today: string): QualityEvent {
  if (!QUALITY_EVENT_KINDS.includes(input.kind)) throw new InvalidCommand('kind', `kind must be one of: ${QUALITY_EVENT_KINDS.join(', ')}`);
  if (!isIsoDate(input.occurredOn)) throw new InvalidCommand('occurredOn', 'occurredOn must be a date (YYYY-MM-DD)');
  if (input.occurredOn > today) throw new InvalidCommand('occurredOn', `occurredOn (${input.occurredOn}) is in the future`);
  const published = input.resultsPublishedOn ?? null;
  if (published !== null && input.kind !== 'complaint') throw new InvalidCommand('resultsPublishedOn', 'resultsPublishedOn is for complaints only (SES-13)');
  if (published !== null && !isIsoDate(published)) throw new InvalidCommand('resultsPublishedOn', 'resultsPublishedOn must be a date (YYYY-MM-DD)');
  if (published !== null && published > today) throw new InvalidCommand('resultsPublishedOn', `resultsPublishedOn (${published}) is in the future`);
  // SES-13: received after the 2 months it is out of time for the jury; it is recorded all the same (it tells about the centre).
  const deadline = published === null ? null : isoDate(addMonths(parseIsoDate(published), PARAMETERS.sessions.complaintMonths));
  return {
    kind: input.kind,
    occurredOn: input.occurredOn,
    summary: input.summary,
    sessionId: input.sessionId ?? null,
    resultsPublishedOn: published,
    ruleId: QUALITY_EVENT_RULES[input.kind],
    complaint: deadline === null ? null : { deadline, withinTime: input.occurredOn <= deadline },
  };
}
