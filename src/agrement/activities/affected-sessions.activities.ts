import { ApplicationFailure } from '@temporalio/common';
import { TemplateError } from '../../mail/infra/templates';
import { type AffectedSessionsNotice, notifyAffectedSessions, type NotifyAffectedSessionsInput } from '../usecases/affected-sessions';
import type { EmailDeps } from '../../mail/usecases/queue-email';
import { createEmailActivities } from '../../mail/activities/email.activities';

/**
 * SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1: the agrément workflow's notice of the planned sessions its
 * suspension, force majeure, formal notice, termination notice or end affects. Thin and idempotent (see
 * notifyAffectedSessions): the sessions are read from the database, the e-mails go through the outbox.
 */
export function createAffectedSessionsActivities(deps: EmailDeps) {
  const { sendEmail } = createEmailActivities(deps);
  return {
    async notifyAffectedSessions(input: NotifyAffectedSessionsInput): Promise<AffectedSessionsNotice> {
      try {
        return await notifyAffectedSessions({ db: deps.db, sendEmail }, input);
      } catch (err) {
        // A template refusing its data fails the same way on every retry: say so at once (the workflow logs it and goes on).
        if (err instanceof TemplateError) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      }
    },
  };
}

export type AffectedSessionsActivities = ReturnType<typeof createAffectedSessionsActivities>;
