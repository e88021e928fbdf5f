import type { DataSource } from 'typeorm';
import { createAffectedSessionsActivities } from './agrement/activities/affected-sessions.activities';
import { createAgrementActivities } from './agrement/activities/agrement.activities';
import { createApplicationActivities } from './application/activities/application.activities';
import { createEmailActivities } from './mail/activities/email.activities';
import { createSessionActivities } from './sessions/activities/session.activities';
import { createBillingActivities } from './billing/activities/billing.activities';
import { createRemedyActivities } from './sessions/activities/remedy.activities';

export interface ActivityDeps {
  db: DataSource;
  /** E-mails are only queued by the activities; the outbox sender (src/mail/usecases/outbox.ts) holds the mailer. */
  operationsEmail: string;
  legalEmail: string;
}

/** All activities the worker registers, bound to their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createApplicationActivities(deps),
    ...createAgrementActivities(deps),
    ...createEmailActivities(deps),
    ...createSessionActivities(deps),
    ...createBillingActivities(deps),
    ...createRemedyActivities(deps),
    ...createAffectedSessionsActivities(deps),
  };
}
