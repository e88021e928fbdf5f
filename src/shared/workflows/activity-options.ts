import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';

/**
 * How the workflows call their activities, in one place.
 *
 * What is never retried: a deterministic failure. The worker's interceptor (src/attention/infra/attention-interceptor.ts)
 * turns a DomainError, template data missing or invalid, or a PostgreSQL data error (SQLSTATE 22, 23) into a
 * non-retryable failure and lists it for operations (GET /attention); the types are also listed here, so an
 * activity that throws one as a retryable ApplicationFailure is not retried either.
 *
 * What is retried, and for how long. A bound on attempts is safe only where giving up loses nothing: the
 * activities below write what a person decided or a deadline reached (the read model, the event log, an
 * e-mail queued in the outbox), in workflows that live for months (applications, agréments, sessions,
 * statements); giving up would fail the workflow or the update, and an action acknowledged or a deadline
 * passed would never be recorded. Their failures are transient (PostgreSQL unreachable, a lock timeout), so
 * they are retried without a bound on attempts, with a short maximum interval so that they resume soon after
 * the database does; from PARAMETERS.attention.retryingActivityAttempts attempts on they are listed (alerting).
 * Their time per attempt is bounded (startToCloseTimeout), so a hung call is retried, not waited for.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'TemplateDataInvalid',
  'InvalidCommand',
  'NotFound',
  'TransitionRefused',
  'RulesFailed',
  'DatabaseDataError',
];

const UNBOUNDED_WRITE: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * E-mails are queued in the outbox and sent by the worker's sender (src/mail/usecases/outbox.ts): the activity
 * is one INSERT, so an SMTP outage delays a letter without holding the workflow. Not bounded in attempts
 * (queuing the e-mail is part of recording the decision: see above); 1 minute per attempt (notifyAffectedSessions,
 * which queues one e-mail per centre concerned, shares these options).
 */
export const EMAIL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: UNBOUNDED_WRITE,
};

/** Read-model writes (idempotent by key and version): short, retried until the database answers (not bounded: see above). */
export const RECORD_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: UNBOUNDED_WRITE,
};

/** The same, run as a local activity inside the workflow task (the session workflows: one write per transition). */
export const RECORD_LOCAL_ACTIVITY: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: UNBOUNDED_WRITE,
};

/**
 * BIL-1: the monthly run's list of centres to bill. Bounded (about 2 hours of attempts, then listed as failed for
 * operations): giving up loses nothing, as the next month's run starts the month before's missing statements
 * (its safety net) and the run can be triggered again from its schedule, starting nothing twice (ids per
 * centre and month).
 */
export const LISTING_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '10 minutes',
    maximumAttempts: 20,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};
