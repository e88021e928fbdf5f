import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SessionDeadline, SessionSchedule } from '../domain/finalisation';

/** Messages of the session-deadline workflow (SES-10), shared by the workflow and its clients. */

/** One workflow per session, started at the session's creation: starting twice is harmless. */
export function sessionWorkflowId(sessionId: string): string {
  return `session-${sessionId}`;
}

export interface SessionDeadlineInput {
  sessionId: string;
  /** The centre's organisation id (the quality record's owner). */
  centreId: string;
  /** The agrément counting the session (QUO-3); null for collèges and lycées, which need none (SCO-1). */
  agrementOrganisationId: string | null;
  centreName: string;
  centreEmail: string;
  /** SES-1: the session's date and end time, local to the centre's zone. */
  date: string;
  endTime: string;
  /** IANA zone of the centre (Europe/Paris, Indian/Reunion, America/Guadeloupe…). */
  timeZone: string;
  /** Candidates registered. */
  candidates: number;
  /** SES-10 schedule fixed at the start (defaults to the parameters), so a later change of the parameters does not alter a running session. */
  schedule?: SessionSchedule;
  /** What-if simulations and tests run the production workflow on a shifted clock; 0 in production. */
  clockOffsetMs?: number;
}

/** Who acts: recorded with the transition in the event log. */
export interface SessionAttribution {
  actor?: string;
}

export interface FinaliseSession extends SessionAttribution {
  /** When the centre finalised in Pix Certif (ISO instant); defaults to now. */
  finalisedAt?: string;
  /** QUO-3: the candidates who actually sat. */
  candidatesWhoSat: number;
  incidents?: string[];
  fraudReports?: string[];
}

export interface MoveSession extends SessionAttribution {
  date: string;
  endTime: string;
}

export interface CancelSession extends SessionAttribution {
  reason: string;
}

export interface SessionDeadlineSnapshot extends SessionDeadline {
  centreId: string;
  agrementOrganisationId: string | null;
  candidates: number;
  /** Reminders of the current deadline still to come. */
  pendingReminders: Array<{ hoursBefore: number; at: string }>;
  /** QUO-3: whether the finalised session was reported to the agrément. */
  agrementReport: 'pending' | 'sent' | 'skipped' | 'failed';
  asOf: string;
}

export const finaliseSessionUpdate = defineUpdate<SessionDeadlineSnapshot, [FinaliseSession]>('finalise');
export const moveSessionUpdate = defineUpdate<SessionDeadlineSnapshot, [MoveSession]>('move');
export const cancelSessionUpdate = defineUpdate<SessionDeadlineSnapshot, [CancelSession]>('cancel');
export const sessionStateQuery = defineQuery<SessionDeadlineSnapshot>('state');
