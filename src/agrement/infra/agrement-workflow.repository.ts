import type { WorkflowClient } from '@temporalio/client';
import { agrementStateQuery, type AgrementSnapshot } from '../workflows/definitions';
import type { AgrementWorkflowRepository } from '../usecases/ports';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

/**
 * The agrément as its running workflow holds it, through the workflow's state query: over the production
 * Temporal client (what-if), or a simulation's time-skipping one.
 */
export function agrementWorkflowRepository(client: { workflow: Pick<WorkflowClient, 'getHandle'> }): AgrementWorkflowRepository {
  return {
    currentState(workflowId: string): Promise<AgrementSnapshot> {
      const handle = client.workflow.getHandle(workflowId);
      return withinWorkflowBudget(handle, () => handle.query(agrementStateQuery));
    },
  };
}
