import { PARAMETERS } from '../../config/parameters';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { resumeStalledImports, stopImportRuns } from './import/run-import';
import { removeAbandonedUploads } from './import/spool';
import { eraseExpiredSessionData } from './retention';
import { drainQuotaOutbox } from './quota-outbox';
import { drainWorkflowOutbox } from './session-workflow-outbox';
import { deliverWorkflowStarts } from '../../shared/usecases/workflow-starts';
import { checkAccessReviewDue } from '../../access/usecases/access-review';
import { type PeriodicJob, startPeriodicJob } from '../../shared/usecases/periodic-job';
import { periodicJobsRepository } from '../../shared/infra/periodic-jobs.repository';
import { projectQuotasOfToday } from '../../dashboard/usecases/dashboard';

/** The jobs' names, the same in every replica (periodic_job_runs.job). */
export const HOUSEKEEPING_JOB = 'sessions-housekeeping';
export const RETENTION_JOB = 'sessions-retention';

export interface SessionHousekeeping {
  /** Retries what was left undelivered, resumes stalled imports, removes abandoned uploads. */
  housekeeping: PeriodicJob;
  /** SES-11 erasure and the DATA-3 access review check. */
  retention: PeriodicJob;
  /** Stops both and this process's imports (released for another process). */
  stop(): Promise<void>;
}

/**
 * What the sessions leave behind when a call fails or the service stops, taken up periodically, once per
 * period across all the replicas (issue 15, docs/adr/0005): workflows whose start is still queued
 * (applications, issue 11), SES-10 workflow steps still queued (first: a finalisation may feed QUO-3), QUO-3
 * counts still queued, imports whose process died (resumed here from their first uncommitted session, issue
 * 11) and uploads never completed, every PARAMETERS.sessions.housekeepingIntervalSeconds; and, every
 * PARAMETERS.sessions.retentionCheckMinutes, the personal data of sessions past their 2 years of retention
 * (SES-11), with whether the annual access review is overdue (DATA-3). The quotas dashboard's projection is moved to
 * the new day with the housekeeping (QUO-3). `tickMs: null`: rounds only when asked.
 */
export function sessionHousekeeping(
  deps: ApplicationDeps,
  onError: (err: unknown) => void,
  options: { tickMs?: number | null } = {},
): SessionHousekeeping {
  const jobs = { jobs: periodicJobsRepository(deps.db), now: deps.now };
  const housekeeping = startPeriodicJob(
    jobs,
    { name: HOUSEKEEPING_JOB, periodMs: PARAMETERS.sessions.housekeepingIntervalSeconds * 1000, tickMs: options.tickMs },
    async () => {
      await deliverWorkflowStarts(deps, { olderThanSeconds: 30 });
      await drainWorkflowOutbox(deps, { olderThanSeconds: 30 });
      await drainQuotaOutbox(deps);
      await resumeStalledImports(deps, onError);
      await removeAbandonedUploads(deps);
      // Issue 15, QUO-3: the quotas dashboard's projection moved to today once the day changes.
      await projectQuotasOfToday(deps.db, deps.now());
    },
    onError,
  );
  const retention = startPeriodicJob(
    jobs,
    { name: RETENTION_JOB, periodMs: PARAMETERS.sessions.retentionCheckMinutes * 60_000, tickMs: options.tickMs },
    async () => {
      await eraseExpiredSessionData(deps);
      // DATA-3: an overdue annual access review is shown to operations (GET /attention).
      await checkAccessReviewDue(deps.db, deps.now());
    },
    onError,
  );
  return {
    housekeeping,
    retention,
    async stop() {
      await Promise.all([housekeeping.stop(), retention.stop()]);
      await stopImportRuns();
    },
  };
}

/** Starts the sessions housekeeping (a first round of each job at once, if its period has not run); returns the stop. */
export function startSessionHousekeeping(deps: ApplicationDeps, onError: (err: unknown) => void): () => Promise<void> {
  const jobs = sessionHousekeeping(deps, onError);
  void jobs.housekeeping.round();
  void jobs.retention.round();
  return () => jobs.stop();
}
