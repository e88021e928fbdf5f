import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RemedyKind, SessionRemedy } from '../domain/remedy';

/** Messages of the SES-12 remedy follow-up workflow, shared by the workflow and its clients. */

/** One follow-up per session with an incident attributable to the centre: starting twice is harmless. */
export function sessionRemedyWorkflowId(sessionId: string): string {
  return `session-remedy-${sessionId}`;
}

export interface SessionRemedyInput {
  sessionId: string;
  centreId: string;
  centreName: string;
  centreEmail: string;
  /** SES-1: the session's date, local to the centre's zone. */
  date: string;
  timeZone: string;
  /** SES-12: the candidates concerned, or 'all'; the incidents' descriptions. */
  affected: string[] | 'all';
  incidents: string[];
  /** Tests run the production workflow on a shifted clock; 0 in production. */
  clockOffsetMs?: number;
}

export interface RecordRemedy {
  kind: RemedyKind;
  candidateLocalIds: string[];
  note?: string | null;
  actor?: string;
}

export interface SessionRemedySnapshot extends SessionRemedy {
  centreId: string;
  asOf: string;
}

export const recordRemedyUpdate = defineUpdate<SessionRemedySnapshot, [RecordRemedy]>('record-remedy');
export const remedyStateQuery = defineQuery<SessionRemedySnapshot>('remedy');
