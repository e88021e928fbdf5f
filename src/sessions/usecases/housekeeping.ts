import { PARAMETERS } from '../../config/parameters';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { resumeStalledImports, stopImportRuns } from './import/run-import';
import { removeAbandonedUploads } from './import/spool';
import { eraseExpiredSessionData } from './retention';
import { drainQuotaOutbox } from './quota-outbox';
import { drainWorkflowOutbox } from './session-workflow-outbox';
import { deliverWorkflowStarts } from '../../shared/usecases/workflow-starts';
import { checkAccessReviewDue } from '../../access/usecases/access-review';
import { periodically } from '../../shared/tools/periodic';

/**
 * What the sessions leave behind when a call fails or the service stops, taken up at start and then
 * periodically, one round at a time: workflows whose start is still queued (applications, issue 11), SES-10 workflow steps still queued (first: a finalisation may
 * feed QUO-3), QUO-3 counts still queued, imports whose process died (resumed here from their first
 * uncommitted session, issue 11) and uploads never completed, and (hourly) the personal data of sessions
 * past their 2 years of retention (SES-11), with whether the annual access review is overdue (DATA-3). Returns the stop, which also stops this process's imports
 * (released for another process).
 */
export function startSessionHousekeeping(deps: ApplicationDeps, onError: (err: unknown) => void): () => Promise<void> {
  let lastRetentionCheck = 0;
  const housekeeping = periodically(
    async () => {
      await deliverWorkflowStarts(deps, { olderThanSeconds: 30 });
      await drainWorkflowOutbox(deps, { olderThanSeconds: 30 });
      await drainQuotaOutbox(deps);
      await resumeStalledImports(deps, onError);
      await removeAbandonedUploads(deps);
      if (Date.now() - lastRetentionCheck >= PARAMETERS.sessions.retentionCheckMinutes * 60_000) {
        lastRetentionCheck = Date.now();
        await eraseExpiredSessionData(deps);
        // DATA-3: an overdue annual access review is shown to operations (GET /attention).
        await checkAccessReviewDue(deps.db, deps.now());
      }
    },
    PARAMETERS.sessions.housekeepingIntervalSeconds * 1000,
    onError,
  );
  void housekeeping.round();
  return async () => {
    await housekeeping.stop();
    await stopImportRuns();
  };
}
