import type { DataSource } from 'typeorm';
import { createAffectedSessionsActivities } from './affected-sessions.activities';
import { createAgrementActivities } from './agrement.activities';
import { createApplicationActivities } from './application.activities';
import { createEmailActivities } from './email.activities';
import { createSessionActivities } from './session.activities';
import { createBillingActivities } from './billing.activities';
import { createRemedyActivities } from './remedy.activities';

export interface ActivityDeps {
  db: DataSource;
  /** E-mails are only queued by the activities; the outbox sender (src/usecases/mail/outbox.ts) holds the mailer. */
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
