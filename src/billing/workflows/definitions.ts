import { defineQuery, defineUpdate } from '@temporalio/workflow';

/** BIL-1: one statement workflow per centre and month. */
export function statementWorkflowId(organisationId: string, month: string): string {
  return `statement-${organisationId}-${month}`;
}

export const STATEMENT_SCHEDULE_ID = 'monthly-statements';

export interface StatementWorkflowInput {
  organisationId: string;
  /** The month of the sessions, YYYY-MM. */
  month: string;
  /** What-if runs and tests shift the clock; 0 in production. */
  clockOffsetMs?: number;
}

export interface StatementSnapshot {
  statementId: string | null;
  organisationId: string;
  month: string;
  state: 'preparing' | 'prepared' | 'sent';
  dueAt: string;
  sentAt: string | null;
  late: boolean;
  remindersSent: number;
  nextReminderAt: string | null;
}

export interface MonthlyStatementsInput {
  /** The month to state; by default the month before the run (Europe/Paris). */
  month?: string;
  clockOffsetMs?: number;
}

/** The centre (or operations) reports the statement sent; answers the state after it. */
export const markStatementSentUpdate = defineUpdate<StatementSnapshot, [{ sentAt?: string; actor?: string }]>('markSent');
export const statementStateQuery = defineQuery<StatementSnapshot>('state');
