import type { Db } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import type { SessionRemedy } from '../domain/remedy';
import type { SessionRemediesRepository } from '../usecases/ports';
import { transactionManager } from '../../shared/database/db';

/** SES-12: the remedy follow-up of each session as last recorded (session_remedies), the row the dashboards read. */
export function sessionRemediesRepository(db: Db): SessionRemediesRepository {
  return {
    async findRemedy(sessionId) {
      const rows: { snapshot: SessionRemedy }[] = await db.query(`SELECT snapshot FROM session_remedies WHERE session_id = $1`, [
        sessionId,
      ]);
      return rows[0]?.snapshot ?? null;
    },

    /** Keyed by version: an older follow-up (a retried activity) never overwrites a newer one. */
    async saveRemedy(centreId, r, at, entries) {
      await db.query(
        `INSERT INTO session_remedies (session_id, organisation_id, due_at, state, snapshot, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (session_id) DO UPDATE SET due_at = EXCLUDED.due_at, state = EXCLUDED.state, snapshot = EXCLUDED.snapshot, version = EXCLUDED.version,
             updated_at = EXCLUDED.updated_at
           WHERE session_remedies.version <= EXCLUDED.version`,
        [r.sessionId, centreId, r.dueAt, r.state, JSON.stringify(r), r.version, at],
      );
      await appendToLog(transactionManager(db), entries);
    },
  };
}
