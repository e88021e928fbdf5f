import type { WorkflowClient } from '@temporalio/client';
import { sessionStateQuery, sessionWorkflowId } from '../workflows/definitions';
import type { SessionWorkflowsRepository } from '../usecases/ports';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

/** The sessions' deadlines as their workflows hold them, through the workflow's state query (SES-10). */
export function sessionWorkflowsRepository(client: { workflow: Pick<WorkflowClient, 'getHandle'> }): SessionWorkflowsRepository {
  return {
    async deadlineOf(sessionId) {
      try {
        const handle = client.workflow.getHandle(sessionWorkflowId(sessionId));
        return await withinWorkflowBudget(handle, () => handle.query(sessionStateQuery));
      } catch {
        return null; // reported already over (history), or its workflow closed long ago: the row stands
      }
    },
  };
}
