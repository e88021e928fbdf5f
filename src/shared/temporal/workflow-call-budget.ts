import type { WorkflowClient } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';

/**
 * A call that waits on a worker (an update the workflow must accept and run, a query it must answer) is bounded:
 * a workflow that never answers (a wedged task, no worker polling) must not hold a request or a drain forever.
 * Past the bound every gRPC call in `call` fails with DEADLINE_EXCEEDED, which the API answers 503 with Retry-After
 * (the action may or may not be applied: retried with the same Idempotency-Key or update id, it is applied once) and an
 * outbox keeps queued for its next drain.
 */
export function withinWorkflowBudget<T>(
  handle: { client: Pick<WorkflowClient, 'withDeadline'> },
  call: () => Promise<T>,
  budgetMs: number = PARAMETERS.resilience.workflowCallTimeoutMs,
): Promise<T> {
  return handle.client.withDeadline(Date.now() + budgetMs, call);
}
