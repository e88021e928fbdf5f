import type { Db } from '../../shared/database/db';
import type { QuotaOutboxRepository, QuotaReport } from '../usecases/ports';

/** QUO-3: the finalised sessions waiting to be counted by their agrément (quota_outbox). */
export function quotaOutboxRepository(db: Db): QuotaOutboxRepository {
  return {
    async queueReports(reports) {
      if (reports.length === 0) return;
      await db.query(
        `INSERT INTO quota_outbox (session_id, agrement_organisation_id, finalised_on, candidates, import_id)
     SELECT x.session_id, x.agrement_organisation_id, x.finalised_on, x.candidates, x.import_id
       FROM jsonb_to_recordset($1::jsonb) AS x(session_id text, agrement_organisation_id uuid, finalised_on date, candidates integer, import_id uuid)
     ON CONFLICT (session_id) DO NOTHING`,
        [
          JSON.stringify(
            reports.map((r) => ({
              session_id: r.session.sessionId,
              agrement_organisation_id: r.agrementOrganisationId,
              finalised_on: r.session.finalisedOn,
              candidates: r.session.candidates,
              import_id: r.importId ?? null,
            })),
          ),
        ],
      );
    },

    async lockWaitingReports(limit, organisationIds, importId = null) {
      const rows: Array<{ session_id: string; agrement_organisation_id: string; finalised_on: string; candidates: number }> =
        await db.query(
          `SELECT session_id, agrement_organisation_id, to_char(finalised_on, 'YYYY-MM-DD') AS finalised_on, candidates FROM quota_outbox q
          WHERE ($2::uuid[] IS NULL OR agrement_organisation_id = ANY($2))
            AND (q.import_id IS NULL OR q.import_id = $3::uuid
                 OR NOT EXISTS (SELECT 1 FROM session_imports i WHERE i.id = q.import_id AND i.status = 'running'))
          ORDER BY agrement_organisation_id, created_at, session_id LIMIT $1 FOR UPDATE OF q SKIP LOCKED`,
          [limit, organisationIds, importId],
        );
      return rows.map((r): QuotaReport => ({
        agrementOrganisationId: r.agrement_organisation_id,
        session: { sessionId: r.session_id, finalisedOn: r.finalised_on, candidates: r.candidates },
      }));
    },

    async removeReports(sessionIds) {
      await db.query(`DELETE FROM quota_outbox WHERE session_id = ANY($1)`, [sessionIds]);
    },
  };
}
