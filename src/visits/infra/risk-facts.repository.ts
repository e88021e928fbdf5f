/**
 * VIS-1: the sources of the risk facts, read for many centres at once (src/visits/usecases/risk-facts.ts combines
 * them): the agréments' read model and event log, session_quality, the sessions' event log, session_remedies,
 * centre_quality_events and control_visits.
 */
import type { Agrement } from '../../agrement/domain/agrement';
import type { Db } from '../../shared/database/db';
import type { RiskFactsRepository } from '../usecases/ports';

export function riskFactsRepository(db: Db): RiskFactsRepository {
  return {
    async agrements(agrementIds) {
      const rows: Array<{ id: string; organisation_id: string; first_grant_on: string; candidates: number; snapshot: Agrement }> =
        await db.query(
          `SELECT id, organisation_id, to_char(first_grant_on, 'YYYY-MM-DD') AS first_grant_on, candidates, snapshot FROM agrements WHERE id = ANY($1)`,
          [agrementIds],
        );
      return rows.map((a) => ({
        id: a.id,
        organisationId: a.organisation_id,
        firstGrantOn: a.first_grant_on,
        candidates: Number(a.candidates),
        snapshot: a.snapshot,
      }));
    },

    /** Across renewals: every agrément the owner holds. */
    async sanctionCounts(owners) {
      const rows: Array<{ owner: string; type: string; n: number }> = await db.query(
        `SELECT a.organisation_id AS owner, e.type, count(*)::int AS n
           FROM event_log e JOIN agrements a ON a.id = e.stream_id
          WHERE e.stream_type = 'agrement' AND a.organisation_id = ANY($1) AND e.type IN ('suspended', 'breach-notified')
          GROUP BY 1, 2`,
        [owners],
      );
      return rows.map((r) => ({ owner: r.owner, type: r.type, count: r.n }));
    },

    async lateSessions(organisationIds, since) {
      const rows: Array<{ organisation_id: string; session_id: string }> = await db.query(
        `SELECT organisation_id, session_id FROM session_quality WHERE organisation_id = ANY($1) AND late AND deadline_at >= $2::date`,
        [organisationIds, since],
      );
      return rows.map((r) => ({ organisationId: r.organisation_id, sessionId: r.session_id }));
    },

    async finalisationReports(organisationIds, since) {
      const rows: Array<{ centre_id: string; session_id: string; incidents: number; fraud_reports: number }> = await db.query(
        `SELECT DISTINCT ON (data->>'sessionId') data->>'centreId' AS centre_id, data->>'sessionId' AS session_id,
                COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(data->'incidents') = 'array' THEN data->'incidents' END), 0) AS incidents,
                COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(data->'fraudReports') = 'array' THEN data->'fraudReports' END), 0) AS fraud_reports
           FROM event_log
          WHERE stream_type = 'session' AND type IN ('finalised', 'finalised-late') AND data->>'centreId' = ANY($1) AND occurred_at >= $2::date
          ORDER BY data->>'sessionId', id DESC`,
        [organisationIds, since],
      );
      return rows.map((r) => ({
        centreId: r.centre_id,
        sessionId: r.session_id,
        incidents: Number(r.incidents),
        fraudReports: Number(r.fraud_reports),
      }));
    },

    /** The follow-up workflows' read model. */
    async lateRemedies(organisationIds, since) {
      const rows: Array<{ organisation_id: string; n: number }> = await db.query(
        `SELECT organisation_id, count(*)::int AS n FROM session_remedies
          WHERE organisation_id = ANY($1) AND state IN ('overdue', 'remedied-late', 'unremedied') AND due_at >= $2::date GROUP BY 1`,
        [organisationIds, since],
      );
      return rows.map((r) => ({ organisationId: r.organisation_id, count: r.n }));
    },

    async qualityEvents(organisationIds, since, today) {
      const rows: Array<{ organisation_id: string; kind: string; session_id: string | null }> = await db.query(
        `SELECT organisation_id, kind, details->>'sessionId' AS session_id FROM centre_quality_events
          WHERE organisation_id = ANY($1) AND occurred_on >= $2::date AND occurred_on <= $3::date`,
        [organisationIds, since, today],
      );
      return rows.map((r) => ({ organisationId: r.organisation_id, kind: r.kind, sessionId: r.session_id }));
    },

    async lastVisitsDone(organisationIds, today) {
      const rows: Array<{ organisation_id: string; last: string }> = await db.query(
        `SELECT organisation_id, to_char(max(planned_on), 'YYYY-MM-DD') AS last FROM control_visits WHERE organisation_id = ANY($1) AND status = 'done' AND planned_on <= $2::date GROUP BY 1`,
        [organisationIds, today],
      );
      return new Map(rows.map((v) => [v.organisation_id, v.last]));
    },
  };
}
