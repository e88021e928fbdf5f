import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { monthOpenedLate } from '../domain/statement';
import { statementWorkflowId, type StatementWorkflowInput } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import type { Db } from '../../shared/database/db';
import { statementsRepository } from '../infra/statements.repository';
import { refreshOpenStatements } from './statement-lines';

export interface FinalisedPayingSession {
  organisationId: string;
  /** The session's date in its venue's zone. */
  date: string;
}

/**
 * BIL-1, in the transaction that records finalised paying sessions: the centre's open statements
 * (prepared, not sent) are recomputed, so a session finalised after the 1st is on its month's statement
 * (or, its month's statement already sent, on the next open one) as soon as it is finalised.
 */
export async function refreshStatementsAfterFinalisations(m: Db, sessions: readonly FinalisedPayingSession[]): Promise<void> {
  await refreshOpenStatements(statementsRepository(m), [...new Set(sessions.map((s) => s.organisationId))]);
}

/**
 * BIL-1, after that commit: the statement workflow of each month whose monthly run (the 1st, 06:00 Paris)
 * has already passed and that has no statement for the centre yet is started now: a session held on the
 * month's last evening (in Papeete, that is the 1st in Paris) or finalised late is never left off. The
 * workflow id is per centre and month: a concurrent start is a no-op. A failed start is only logged: the
 * session then waits for its carrying over (next statements) and nothing is lost.
 */
export async function startLateStatements(
  deps: Pick<ApplicationDeps, 'db' | 'temporal' | 'taskQueue' | 'now'>,
  sessions: readonly FinalisedPayingSession[],
): Promise<string[]> {
  const now = deps.now();
  const pairs = new Map<string, { organisationId: string; month: string }>();
  for (const s of sessions) {
    const month = monthOpenedLate(s.date, now);
    if (month) pairs.set(`${s.organisationId}:${month}`, { organisationId: s.organisationId, month });
  }
  if (pairs.size === 0) return [];
  const existing = await statementsRepository(deps.db).existingStatements([...pairs.values()]);
  for (const e of existing) pairs.delete(`${e.organisationId}:${e.month}`);
  const started: string[] = [];
  // What-if runs and tests shift the clock; ~0 in production.
  const clockOffsetMs = now.getTime() - Date.now();
  for (const { organisationId, month } of pairs.values()) {
    const workflowId = statementWorkflowId(organisationId, month);
    try {
      const input: StatementWorkflowInput = { organisationId, month, ...(Math.abs(clockOffsetMs) > 1000 ? { clockOffsetMs } : {}) };
      await deps.temporal.workflow.start('statementWorkflow', { workflowId, taskQueue: deps.taskQueue, args: [input] });
      started.push(workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError))
        console.warn(`BIL-1: statement ${workflowId} not started after a late finalisation`, err);
    }
  }
  return started;
}
