import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { InvalidCommand, TransitionRefused } from '../domain/errors';

/**
 * A workflow's refusal, as the domain error that names the rule or the field; `ended` names the
 * rule that closed a finished workflow (a decision after the end is refused by it).
 */
export function translateWorkflowError(err: unknown, ended: () => TransitionRefused): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    const details = (failure.details?.[0] ?? {}) as Record<string, unknown>;
    if (failure.type === 'TransitionRefused') return new TransitionRefused(String(details.ruleId ?? 'unknown'), failure.message, details);
    if (failure.type === 'InvalidCommand') return new InvalidCommand(String(details.field ?? '(body)'), failure.message, details);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof WorkflowNotFoundError || /already completed|workflow execution.*(complete|closed)/i.test(message)) return ended();
  return err;
}
