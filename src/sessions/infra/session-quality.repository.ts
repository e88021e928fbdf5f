import type { Db } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import type { QualityRow, SessionQualityRepository } from '../usecases/ports';
import { transactionManager } from '../../shared/database/db';

/**
 * SES-10: the one writer of session_quality, for both the session workflow's activity and a report of a
 * session already finalised. A stale write (no finalisation) never undoes a recorded finalisation, nor its
 * lateness; a finalisation always wins.
 */
export function sessionQualityRepository(db: Db): SessionQualityRepository {
  const upsertQuality = async (rows: readonly QualityRow[]): Promise<void> => {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO session_quality (session_id, organisation_id, deadline_at, finalised_at, late, recorded_at)
     SELECT x.session_id, x.organisation_id, x.deadline_at, x.finalised_at, x.late, COALESCE(x.recorded_at, now())
       FROM jsonb_to_recordset($1::jsonb)
         AS x(session_id text, organisation_id uuid, deadline_at timestamptz, finalised_at timestamptz, late boolean, recorded_at timestamptz)
     ON CONFLICT (session_id) DO UPDATE SET
       organisation_id = EXCLUDED.organisation_id,
       deadline_at = EXCLUDED.deadline_at,
       finalised_at = COALESCE(EXCLUDED.finalised_at, session_quality.finalised_at),
       late = CASE WHEN EXCLUDED.finalised_at IS NOT NULL OR session_quality.finalised_at IS NULL THEN EXCLUDED.late ELSE session_quality.late END,
       recorded_at = EXCLUDED.recorded_at`,
      [JSON.stringify(rows)],
    );
  };
  return {
    upsertQuality,

    async recordDeadline(entries, quality) {
      if (quality) await upsertQuality([quality]);
      // Last, as every writer does: the log's lock is held until the commit, and a writer waiting on it must hold no row
      // this transaction still needs (a report or an import chunk writes session_quality before it appends).
      await appendToLog(transactionManager(db), entries);
    },
  };
}
