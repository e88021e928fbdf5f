import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AffectedSessionsActivities } from '../activities/affected-sessions.activities';
import type { AgrementActivities } from '../activities/agrement.activities';
import type { BillingActivities } from '../../billing/activities/billing.activities';
import type { EmailActivities } from '../../mail/activities/email.activities';
import type { Agrement, AgrementCommand, AgrementStart, Deadline } from '../domain/agrement';

/** Messages of the agrément workflow, shared by the workflow and its clients. */

/** One long-lived workflow per agreed centre or network: the id is stable across renewals. */
export function agrementWorkflowId(organisationId: string): string {
  return `agrement-${organisationId}`;
}

export interface AgrementWorkflowInput {
  start: AgrementStart;
  /** The agrément carried over by continue-as-new. */
  state?: Agrement;
  /** What-if simulations run the production workflow on a shifted clock; 0 in production. */
  clockOffsetMs?: number;
  /** History length after which the workflow continues as new (tests lower it). */
  continueAsNewAfterEvents?: number;
}

/** Commands people send; `deadline-reached` belongs to the workflow's own timers. */
export type AgrementAction = Exclude<AgrementCommand, { type: 'deadline-reached' }>;

export interface AgrementActionInput {
  action: AgrementAction;
  actor: string;
  reason?: string | null;
  evidence?: string | null;
}

export interface DatedDeadline extends Deadline {
  /** The instant the workflow's timer fires for it. */
  at: string;
}

export interface AgrementSnapshot extends Agrement {
  deadlines: DatedDeadline[];
  sessionBlocker: { ruleId: string; reason: string } | null;
  today: string;
}

export const agrementActionUpdate = defineUpdate<AgrementSnapshot, [AgrementActionInput]>('act');
export const agrementStateQuery = defineQuery<AgrementSnapshot>('state');

/** QUO-3: a finalised session, reported by the session's own workflow (exactly once per session id). */
export interface SessionFinalised {
  sessionId: string;
  finalisedOn: string;
  candidates: number;
}
export const sessionFinalisedSignal = defineSignal<[SessionFinalised]>('sessionFinalised');
/** QUO-3: many finalised sessions at once (a history import): one signal per agrément and batch, each session counted once. */
export const sessionsFinalisedSignal = defineSignal<[SessionFinalised[]]>('sessionsFinalised');

/**
 * The activities the agrément workflow schedules: the worker registers them, and the what-if simulation
 * implements them with recorders (a missing one then fails to compile instead of leaving a run retrying).
 */
export type AgrementWorkflowActivities = Pick<AgrementActivities, 'recordAgrement'> &
  Pick<EmailActivities, 'sendEmail'> &
  Pick<BillingActivities, 'makeAmountsPayableNow' | 'liftAmountsPayableNow'> &
  Pick<AffectedSessionsActivities, 'notifyAffectedSessions'>;
