import { ApplicationFailure } from '@temporalio/workflow';
import { DomainError } from '../../domain/errors';

/**
 * Runs pure domain code inside a workflow: a DomainError (InvalidCommand, TransitionRefused, RulesFailed…)
 * becomes a non-retryable failure keeping its name and details, which the API maps to its 400/404/409;
 * anything else is rethrown as is (a bug fails the workflow task and is retried once fixed).
 */
export function orFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DomainError) throw ApplicationFailure.nonRetryable(err.message, err.name, err.details);
    throw err;
  }
}
