import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { type AttentionReport, recordAttention, resolveAttentionAutomatically } from '../usecases/attention';
import { actionForExhausted, actionForFailure, actionForRetrying, classifyActivityError } from '../usecases/failures';

export interface AttentionInterceptorOptions {
  /** From this attempt on, a transient failure is listed (still retried). Default PARAMETERS.attention.retryingActivityAttempts. */
  retryingAttempts?: number;
}

/** The key of an activity's item: one per workflow run, activity type and kind (recurrences update it). */
export function activityAttentionKey(kind: 'activity-failed' | 'activity-retrying', info: Context['info']): string {
  return `${kind}:${info.workflowExecution?.workflowId ?? '-'}:${info.workflowExecution?.runId ?? '-'}:${info.activityType}`;
}

/**
 * Every activity of the worker runs through this (src/worker.ts, and the test harness):
 * - a deterministic failure (src/attention/usecases/failures.ts: a DomainError, template data invalid, a
 *   PostgreSQL data error of SQLSTATE class 22 or 23) is rethrown as a non-retryable ApplicationFailure, so
 *   Temporal stops retrying it, and listed for operations with the workflow, the error and what to do;
 * - a transient failure is rethrown as is (Temporal retries it); from `retryingAttempts` attempts on it is
 *   listed too (alerting), and the item resolves itself when the activity finally succeeds; on the last
 *   attempt a bounded retry policy allows, it is listed as failed.
 * Recording never changes the activity's outcome: if the database is down it is logged and skipped.
 */
export function attentionInterceptors(db: DataSource, options: AttentionInterceptorOptions = {}): ActivityInterceptorsFactory {
  const retryingAttempts = options.retryingAttempts ?? PARAMETERS.attention.retryingActivityAttempts;
  return (ctx) => {
    const inbound: ActivityInboundCallsInterceptor = {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const info = ctx.info;
        const safely = async (what: string, fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch (err) {
            ctx.log.warn(`attention list: could not record ${what}`, { error: err instanceof Error ? err.message : String(err) });
          }
        };
        const about = {
          workflowId: info.workflowExecution?.workflowId ?? null,
          workflowType: info.workflowType ?? null,
          runId: info.workflowExecution?.runId ?? null,
          activityType: info.activityType,
        };
        let result: unknown;
        try {
          result = await next(input);
        } catch (err) {
          const c = classifyActivityError(err);
          if (c.deterministic) {
            await safely('a failed activity', () =>
              recordAttention(db, {
                key: activityAttentionKey('activity-failed', info),
                kind: 'activity-failed',
                ...about,
                errorType: c.type,
                errorMessage: c.message,
                action: actionForFailure(c.type),
                details: { ...c.details, activityId: info.activityId, attempt: info.attempt, local: info.isLocal },
                attempts: info.attempt,
              }),
            );
            throw c.failure;
          }
          const max = info.retryPolicy?.maximumAttempts ?? 0;
          const exhausted = max > 0 && info.attempt >= max;
          if (exhausted || info.attempt >= retryingAttempts) {
            const report: AttentionReport = exhausted
              ? {
                  key: activityAttentionKey('activity-failed', info),
                  kind: 'activity-failed',
                  ...about,
                  errorType: c.type,
                  errorMessage: c.message,
                  action: actionForExhausted(info.attempt),
                }
              : {
                  key: activityAttentionKey('activity-retrying', info),
                  kind: 'activity-retrying',
                  ...about,
                  errorType: c.type,
                  errorMessage: c.message,
                  action: actionForRetrying(info.attempt),
                };
            await safely('a retried activity', () =>
              recordAttention(db, {
                ...report,
                details: { ...c.details, activityId: info.activityId, attempt: info.attempt, local: info.isLocal },
                attempts: info.attempt,
              }),
            );
          }
          throw err;
        }
        if (info.attempt > retryingAttempts) {
          await safely('a recovered activity', () =>
            resolveAttentionAutomatically(
              db,
              activityAttentionKey('activity-retrying', info),
              `L'activité a réussi à la tentative ${info.attempt}.`,
            ),
          );
        }
        return result;
      },
    };
    return { inbound };
  };
}
