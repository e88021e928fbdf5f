/** A centre's quality record (centre_quality_events, SES-13, SES-12, SUS-1, SES-10, DATA-2), which the risk score reads (VIS-1). */
import type { Db } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import type { QualityEventRecord, QualityEventsRepository } from '../usecases/ports';
import { transactionManager } from '../../shared/database/db';

export const QUALITY_STREAM = 'centre-quality';

export function qualityEventsRepository(db: Db): QualityEventsRepository {
  return {
    async organisationExists(organisationId) {
      const [organisation]: { id: string }[] = await db.query(`SELECT id FROM organisations WHERE id = $1`, [organisationId]);
      return organisation !== undefined;
    },

    async sessionOrganisation(sessionId) {
      const [session]: { organisation_id: string }[] = await db.query(`SELECT organisation_id FROM sessions WHERE id = $1`, [sessionId]);
      return session ? session.organisation_id : null;
    },

    async record({ id, organisationId, kind, occurredOn, details }, log) {
      const m = transactionManager(db);
      await m.query(`INSERT INTO centre_quality_events (id, organisation_id, kind, occurred_on, details) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        organisationId,
        kind,
        occurredOn,
        JSON.stringify(details),
      ]);
      await appendToLog(m, [
        {
          eventKey: `${QUALITY_STREAM}:${id}`,
          streamType: QUALITY_STREAM,
          streamId: organisationId,
          type: `quality-${kind}`,
          ruleIds: log.ruleIds,
          fromState: null,
          toState: null,
          actor: log.actor,
          reason: log.reason,
          data: { id, kind, occurredOn, ...details },
          occurredAt: log.at,
        },
      ]);
    },

    async count(organisationId, kind) {
      const [{ total }]: { total: number }[] = await db.query(
        `SELECT count(*)::int AS total FROM centre_quality_events WHERE organisation_id = $1 AND ($2::text IS NULL OR kind = $2)`,
        [organisationId, kind],
      );
      return total;
    },

    async list(organisationId, kind, { limit, offset }) {
      const rows: Array<{ id: string; kind: string; occurred_on: string; details: Record<string, unknown> }> = await db.query(
        `SELECT id, kind, to_char(occurred_on, 'YYYY-MM-DD') AS occurred_on, details FROM centre_quality_events
          WHERE organisation_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY occurred_on DESC, id LIMIT $3 OFFSET $4`,
        [organisationId, kind, limit, offset],
      );
      return rows.map((r): QualityEventRecord => ({ id: r.id, kind: r.kind, occurredOn: r.occurred_on, details: r.details }));
    },
  };
}
