import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TemplateName } from '../domain/catalogue';
import { EmailNotQueueable, queueEmail, type EmailDeps, type EmailOf, type EmailOrigin } from '../usecases/queue-email';

/** The workflow whose activity queues the e-mail. */
function callingWorkflow(): EmailOrigin {
  try {
    const info = Context.current().info;
    return { workflowId: info.workflowExecution?.workflowId ?? null, workflowType: info.workflowType ?? null };
  } catch {
    return { workflowId: null, workflowType: null };
  }
}

/**
 * The e-mail activity: queues in the outbox (see queueEmail). What no retry can fix fails for good
 * (non-retryable, listed for operations); anything else (the database down) is retried by Temporal.
 */
export function createEmailActivities(deps: EmailDeps) {
  return {
    async sendEmail<N extends TemplateName>(input: EmailOf<N>) {
      try {
        return await queueEmail(deps, input, callingWorkflow());
      } catch (err) {
        if (err instanceof EmailNotQueueable) throw ApplicationFailure.nonRetryable(err.message, err.type, err.details);
        throw err;
      }
    },
  };
}

export type EmailActivities = ReturnType<typeof createEmailActivities>;
