import type { SessionReport } from './session-report';

export type SessionStatus = 'planned' | 'finalised' | 'cancelled';

/** A row of the sessions table (migration 600), as written when a report is accepted and read back by the API. */
export interface SessionRow {
  id: string;
  organisation_id: string;
  /** QUO-3: the organisation whose agrément counts the session; null for a secondary school (SCO-1). */
  agrement_organisation_id: string | null;
  centre_kind: string;
  date: string;
  status: SessionStatus;
  /** SES-10: end + 48 elapsed hours. */
  deadline_at: Date;
  candidate_count: number;
  candidates_who_sat: number | null;
  price_cents: number;
  pix_share_cents: number;
  paying_candidates: number;
  rule_set_id: string;
  report: SessionReport;
  source: 'api' | 'import';
  finalised_at: Date | null;
  cancelled_at: Date | null;
  cancellation_reason: string | null;
  version: number;
}
