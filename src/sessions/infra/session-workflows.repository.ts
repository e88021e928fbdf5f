import type { WorkflowClient } from '@temporalio/client';
import { sessionStateQuery, sessionWorkflowId } from '../workflows/definitions';
import type { SessionWorkflowsRepository } from '../usecases/ports';

/** The sessions' deadlines as their workflows hold them, through the workflow's state query (SES-10). */
export function sessionWorkflowsRepository(client: { workflow: Pick<WorkflowClient, 'getHandle'> }): SessionWorkflowsRepository {
  return {
    async deadlineOf(sessionId) {
      try {
        return await client.workflow.getHandle(sessionWorkflowId(sessionId)).query(sessionStateQuery);
      } catch {
        return null; // reported already over (history), or its workflow closed long ago: the row stands
      }
    },
  };
}
