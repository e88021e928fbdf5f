import type { DataSource } from 'typeorm';
import type { Mailer } from '../infra/mail/mailer';
import { createApplicationActivities } from './application.activities';
import { createEmailActivities } from './email.activities';

export interface ActivityDeps {
  db: DataSource;
  mailer: Mailer;
  operationsEmail: string;
}

/** All activities the worker registers, bound to their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createApplicationActivities(deps),
    ...createEmailActivities(deps),
  };
}
