import { WorkflowNotFoundError } from '@temporalio/client';
import { PARAMETERS } from '../../config/parameters';
import { agrementWorkflowId, type SessionFinalised, sessionsFinalisedSignal } from '../../agrement/workflows/definitions';
import { forEachBounded } from '../../shared/usecases/bounded';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { quotaOutboxRepository } from '../infra/quota-outbox.repository';
import type { InTransaction, QuotaOutboxRepository, SignalSessionsFinalised } from './ports';

export type { QuotaReport } from './ports';

/**
 * Delivers the waiting QUO-3 counts: one `sessionsFinalised` signal per agrément and batch, then the
 * rows go. Rows are locked while delivered (SKIP LOCKED: two drains never deliver the same row); an
 * agrément whose workflow has ended counts nothing more, so its rows are dropped. Returns the number of
 * sessions delivered. The counts a bulk import queues wait for that import to deliver them, once, at its end
 * (`importId`): delivered every period meanwhile, they had every agrément of the file signalled again each time,
 * its workflow tasks and activities competing with the import (issue 15, bench:import). An import that
 * failed, or ended before its delivery did, leaves them to any drain.
 */
export async function drainQuotaOutbox(
  deps: Pick<ApplicationDeps, 'db' | 'temporal'>,
  options: { organisationIds?: string[]; importId?: string } = {},
): Promise<number> {
  return deliverQuotaReports(
    (work) => deps.db.transaction((m) => work(quotaOutboxRepository(m))),
    (organisationId, sessions) =>
      deps.temporal.workflow.getHandle(agrementWorkflowId(organisationId)).signal(sessionsFinalisedSignal, sessions),
    options,
  );
}

/** drainQuotaOutbox over its ports: each round is one transaction, whose rows go once signalled (or their agrément gone). */
export async function deliverQuotaReports(
  inTransaction: InTransaction<QuotaOutboxRepository>,
  signal: SignalSessionsFinalised,
  options: { organisationIds?: string[]; importId?: string; batch?: number; concurrency?: number; round?: number } = {},
): Promise<number> {
  const batch = options.batch ?? PARAMETERS.sessions.quotaSignalBatch;
  const concurrency = options.concurrency ?? PARAMETERS.sessions.quotaSignalConcurrency;
  const round = options.round ?? PARAMETERS.sessions.quotaDeliveryRound;
  let delivered = 0;
  for (;;) {
    const n = await inTransaction(async (outbox) => {
      const rows = await outbox.lockWaitingReports(round, options.organisationIds ?? null, options.importId ?? null);
      const byAgrement = new Map<string, SessionFinalised[]>();
      for (const r of rows) {
        const list = byAgrement.get(r.agrementOrganisationId) ?? [];
        list.push(r.session);
        byAgrement.set(r.agrementOrganisationId, list);
      }
      // Agréments in parallel (one signal waits on the Temporal server's round trip: a bulk import's 200 agréments
      // signalled one after the other held its end for seconds, issue 15), each one's batches in order.
      await forEachBounded([...byAgrement], concurrency, async ([organisationId, sessions]) => {
        for (let i = 0; i < sessions.length; i += batch) {
          try {
            await signal(organisationId, sessions.slice(i, i + batch));
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err; // kept for the next drain
            // No workflow: the agrément has ended (or never was), nothing left to count; the rows go.
          }
        }
      });
      if (rows.length) await outbox.removeReports(rows.map((r) => r.session.sessionId));
      return rows.length;
    });
    delivered += n;
    if (n === 0) return delivered;
  }
}
