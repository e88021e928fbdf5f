import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { NotFound, TransitionRefused } from '../../shared/domain/errors';
import { translateWorkflowError } from '../../shared/usecases/workflow-errors';
import { ApplicationEntity } from '../../entities';
import { type ApplicationSnapshot, applicationWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { withinWorkflowBudget } from '../../shared/temporal/workflow-call-budget';

/**
 * Sends one of Pix's decisions to the application's workflow and waits for it to be recorded.
 * The update id is the client's idempotency key: a retried request is applied once.
 * A refusal by the state machine comes back as the domain error that names the rule.
 */
export async function recordDecision<A>(
  deps: ApplicationDeps,
  applicationId: string,
  update: UpdateDefinition<ApplicationSnapshot, [A]>,
  args: A,
  idempotencyKey?: string,
): Promise<ApplicationSnapshot> {
  const application = await deps.db
    .getRepository(ApplicationEntity)
    .findOne({ where: { id: applicationId }, select: { id: true, state: true } });
  if (!application) throw new NotFound(`application ${applicationId} not found`, { applicationId });
  const handle: WorkflowHandle = deps.temporal.workflow.getHandle(applicationWorkflowId(applicationId));
  try {
    return await withinWorkflowBudget(handle, () =>
      handle.executeUpdate(update, { args: [args], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
    );
  } catch (err) {
    throw translate(err, application.state);
  }
}

function translate(err: unknown, state: string): unknown {
  return translateWorkflowError(err, () => {
    const ruleId = state === 'rejected' ? 'APP-2' : 'APP-6';
    return new TransitionRefused(ruleId, `the application procedure is over (state "${state}", ${ruleId})`, { state });
  });
}
