import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * How the workflows call their activities, in one place. E-mails go through the outbox (idempotent by
 * key): retried for a long while, as an SMTP outage must delay a letter, not lose it.
 */
export const EMAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
};

/** Read-model writes (idempotent by key and version): short, retried until the database answers. */
export const RECORD_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** The same, run as a local activity inside the workflow task (the session workflows: one write per transition). */
export const RECORD_LOCAL_ACTIVITY: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
