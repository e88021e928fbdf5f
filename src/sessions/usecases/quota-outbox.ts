import { WorkflowNotFoundError } from '@temporalio/client';
import type { EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { agrementWorkflowId, type SessionFinalised, sessionsFinalisedSignal } from '../../agrement/workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';

/** A finalised session to be counted by its agrément (QUO-3). */
export interface QuotaReport {
  agrementOrganisationId: string;
  session: SessionFinalised;
}

/** QUO-3: queued in the caller's transaction, so the count is delivered if and only if the session row is committed. */
export async function queueQuotaReports(m: EntityManager, reports: QuotaReport[]): Promise<void> {
  if (reports.length === 0) return;
  await m.query(
    `INSERT INTO quota_outbox (session_id, agrement_organisation_id, finalised_on, candidates)
     SELECT x.session_id, x.agrement_organisation_id, x.finalised_on, x.candidates
       FROM jsonb_to_recordset($1::jsonb) AS x(session_id text, agrement_organisation_id uuid, finalised_on date, candidates integer)
     ON CONFLICT (session_id) DO NOTHING`,
    [JSON.stringify(reports.map((r) => ({ session_id: r.session.sessionId, agrement_organisation_id: r.agrementOrganisationId, finalised_on: r.session.finalisedOn, candidates: r.session.candidates })))],
  );
}

/**
 * Delivers the waiting QUO-3 counts: one `sessionsFinalised` signal per agrément and batch, then the
 * rows go. Rows are locked while delivered (SKIP LOCKED: two drains never deliver the same row); an
 * agrément whose workflow has ended counts nothing more, so its rows are dropped. Returns the number of
 * sessions delivered.
 */
export async function drainQuotaOutbox(deps: Pick<ApplicationDeps, 'db' | 'temporal'>, options: { organisationIds?: string[] } = {}): Promise<number> {
  const batch = PARAMETERS.sessions.quotaSignalBatch;
  let delivered = 0;
  for (;;) {
    const n = await deps.db.transaction(async (m) => {
      const rows: Array<{ session_id: string; agrement_organisation_id: string; finalised_on: string; candidates: number }> = await m.query(
        `SELECT session_id, agrement_organisation_id, to_char(finalised_on, 'YYYY-MM-DD') AS finalised_on, candidates FROM quota_outbox
          WHERE ($2::uuid[] IS NULL OR agrement_organisation_id = ANY($2))
          ORDER BY agrement_organisation_id, created_at, session_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batch * 10, options.organisationIds ?? null],
      );
      const byAgrement = new Map<string, SessionFinalised[]>();
      for (const r of rows) {
        const list = byAgrement.get(r.agrement_organisation_id) ?? [];
        list.push({ sessionId: r.session_id, finalisedOn: r.finalised_on, candidates: r.candidates });
        byAgrement.set(r.agrement_organisation_id, list);
      }
      for (const [organisationId, sessions] of byAgrement) {
        for (let i = 0; i < sessions.length; i += batch) {
          try {
            await deps.temporal.workflow.getHandle(agrementWorkflowId(organisationId)).signal(sessionsFinalisedSignal, sessions.slice(i, i + batch));
          } catch (err) {
            if (!(err instanceof WorkflowNotFoundError)) throw err; // kept for the next drain
            // No workflow: the agrément has ended (or never was), nothing left to count; the rows go.
          }
        }
      }
      if (rows.length) await m.query(`DELETE FROM quota_outbox WHERE session_id = ANY($1)`, [rows.map((r) => r.session_id)]);
      return rows.length;
    });
    delivered += n;
    if (n === 0) return delivered;
  }
}
