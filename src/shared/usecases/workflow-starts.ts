import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { queuedWorkflowStarts, workflowStarted, workflowStartFailed } from '../database/workflow-start-outbox';
import type { ApplicationDeps } from './dependencies';

type Deps = Pick<ApplicationDeps, 'db' | 'temporal' | 'taskQueue'>;

/**
 * Starts queued workflows (issue 11: validate, commit, then start): each start is idempotent by its
 * workflow id, so a start repeated after a crash finds the running workflow. Returns how many were
 * started and the first error (the failed ones stay queued, their attempts and error recorded).
 */
export async function deliverWorkflowStarts(
  deps: Deps,
  options: { workflowIds?: string[]; olderThanSeconds?: number } = {},
): Promise<{ started: number; error: unknown }> {
  let started = 0;
  let error: unknown = null;
  for (const start of await queuedWorkflowStarts(deps.db, options)) {
    try {
      await deps.temporal.workflow.start(start.workflowType, {
        workflowId: start.workflowId,
        taskQueue: deps.taskQueue,
        args: start.args,
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      started++;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        error ??= err;
        await workflowStartFailed(deps.db, start.workflowId, err instanceof Error ? err.message : String(err));
        continue;
      }
    }
    await workflowStarted(deps.db, start.workflowId);
  }
  return { started, error };
}
