import { WorkflowUpdateFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { InvalidCommand, NotFound, TransitionRefused } from '../../domain/errors';
import { ApplicationEntity } from '../../infra/database/entities';
import { type ApplicationSnapshot, applicationWorkflowId } from '../../workflows/application/definitions';
import type { ApplicationDeps } from './dependencies';

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
  const application = await deps.db.getRepository(ApplicationEntity).findOne({ where: { id: applicationId }, select: { id: true, state: true } });
  if (!application) throw new NotFound(`application ${applicationId} not found`, { applicationId });
  const handle: WorkflowHandle = deps.temporal.workflow.getHandle(applicationWorkflowId(applicationId));
  try {
    return await handle.executeUpdate(update, { args: [args], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) });
  } catch (err) {
    throw translate(err, application.state);
  }
}

function translate(err: unknown, state: string): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    const details = (failure.details?.[0] ?? {}) as Record<string, unknown>;
    if (failure.type === 'TransitionRefused') return new TransitionRefused(String(details.ruleId ?? 'APP-2'), failure.message, details);
    if (failure.type === 'InvalidCommand') return new InvalidCommand(String(details.field ?? '(body)'), failure.message, details);
  }
  // The workflow ends with the procedure: a decision after the end is refused by the rule that closed it.
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof WorkflowNotFoundError || /already completed|workflow execution.*(complete|closed)/i.test(message)) {
    const ruleId = state === 'rejected' ? 'APP-2' : 'APP-6';
    return new TransitionRefused(ruleId, `the application procedure is over (state "${state}", ${ruleId})`, { state });
  }
  return err;
}
