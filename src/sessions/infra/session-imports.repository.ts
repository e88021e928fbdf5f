import type { Db } from '../../shared/database/db';
import type { ClaimedImport, ImportRefusal, ImportView, RunningImport, SessionImportsRepository, SpoolPart } from '../usecases/ports';

/**
 * Bulk imports (issue 11): the jobs (session_imports), their refusals (session_import_errors) and their
 * spooled uploads (session_import_spool). Every write of a run is fenced by its run token.
 */
export function sessionImportsRepository(db: Db): SessionImportsRepository {
  return {
    async createImport(run, input) {
      await db.query(
        `INSERT INTO session_imports (id, format, file_name, actor, status, run_token, heartbeat_at, spool_parts, spool_bytes) VALUES ($1, $2, $3, $4, 'running', $5, now(), $6, $7)`,
        [run.id, input.format, input.fileName, input.actor, run.runToken, input.spool?.parts ?? null, input.spool?.bytes ?? null],
      );
    },

    async findRunningImport(run) {
      const [job]: RunningImport[] = await db.query(
        `SELECT format, actor, spool_parts, sessions_read, lines_done, processed, created, updated, unchanged, refused,
            (SELECT coalesce(max(seq), 0) FROM session_import_errors e WHERE e.import_id = i.id)::int AS seq
       FROM session_imports i WHERE id = $1 AND run_token = $2 AND status = 'running'`,
        [run.id, run.runToken],
      );
      return job ?? null;
    },

    async beat(run) {
      const rows: { n: number }[] = await db.query(
        `WITH beat AS (UPDATE session_imports SET heartbeat_at = now() WHERE id = $1 AND run_token = $2 AND status = 'running' RETURNING 1) SELECT count(*)::int AS n FROM beat`,
        [run.id, run.runToken],
      );
      return rows[0]?.n !== 0;
    },

    async saveProgress(run, p, errors) {
      const [{ n }]: { n: number }[] = await db.query(
        `WITH progress AS (
         UPDATE session_imports SET sessions_read = $3, lines_done = $4, processed = $5, created = $6, updated = $7, unchanged = $8, refused = $9,
                progressed_at = now(), heartbeat_at = now(),
                total = CASE WHEN $10 THEN $3 ELSE total END, status = CASE WHEN $10 THEN 'completed' ELSE status END,
                finished_at = CASE WHEN $10 THEN now() END, failure = CASE WHEN $10 THEN NULL ELSE failure END
          WHERE id = $1 AND run_token = $2 AND status = 'running' RETURNING 1)
       SELECT count(*)::int AS n FROM progress`,
        [run.id, run.runToken, p.sessionsRead, p.linesDone, p.processed, p.created, p.updated, p.unchanged, p.refused, p.done],
      );
      if (n === 0) return false;
      if (errors.length > 0) {
        const values = errors
          .map((_, i) => `($1, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7}, $${i * 7 + 8})`)
          .join(', ');
        await db.query(
          `INSERT INTO session_import_errors (import_id, seq, line_from, line_to, session_id, field, rule_ids, message) VALUES ${values}`,
          [run.id, ...errors.flat()],
        );
      }
      return true;
    },

    async failRun(run, failure) {
      const [{ n }]: { n: number }[] = await db.query(
        `WITH failed AS (UPDATE session_imports SET status = 'failed', failure = $3, finished_at = now() WHERE id = $1 AND run_token = $2 AND status = 'running' RETURNING 1)
         SELECT count(*)::int AS n FROM failed`,
        [run.id, run.runToken, failure],
      );
      return n > 0;
    },

    async release(run) {
      await db.query(`UPDATE session_imports SET run_token = NULL WHERE id = $1 AND run_token = $2 AND status = 'running'`, [
        run.id,
        run.runToken,
      ]);
    },

    async claimStalledImport(olderThanSeconds, runToken) {
      const [job]: ClaimedImport[] = await db.query(
        `WITH stale AS (
           SELECT id FROM session_imports
            WHERE status = 'running' AND (run_token IS NULL OR heartbeat_at < now() - make_interval(secs => $1))
            ORDER BY heartbeat_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),
         claimed AS (
           UPDATE session_imports i SET run_token = $2, heartbeat_at = now(), attempts = i.attempts + 1, resumed_at = now(),
                  idle_resumes = CASE WHEN i.sessions_read > i.claimed_read THEN 0 ELSE i.idle_resumes + 1 END, claimed_read = i.sessions_read
             FROM stale WHERE i.id = stale.id
           RETURNING i.id, i.spool_parts, i.idle_resumes)
         SELECT * FROM claimed`,
        [olderThanSeconds, runToken],
      );
      return job ?? null;
    },

    async failImport(id, failure) {
      await db.query(`UPDATE session_imports SET status = 'failed', failure = $2, finished_at = now(), run_token = NULL WHERE id = $1`, [
        id,
        failure,
      ]);
    },

    async findImport(id) {
      const rows: Array<Record<string, unknown>> = await db.query(`SELECT * FROM session_imports WHERE id = $1`, [id]);
      return rows[0] ? importView(rows[0]) : null;
    },

    async listImports(filter) {
      const [{ total }]: { total: number }[] = await db.query(
        `SELECT count(*)::int AS total FROM session_imports WHERE $1::text IS NULL OR status = $1`,
        [filter.status ?? null],
      );
      const rows: Array<Record<string, unknown>> = await db.query(
        `SELECT * FROM session_imports WHERE $1::text IS NULL OR status = $1 ORDER BY started_at DESC, id LIMIT $2 OFFSET $3`,
        [filter.status ?? null, filter.limit, filter.offset],
      );
      return { total, items: rows.map(importView) };
    },

    async listRefusals(id, page) {
      const [{ total }]: { total: number }[] = await db.query(
        `SELECT count(*)::int AS total FROM session_import_errors WHERE import_id = $1`,
        [id],
      );
      const items: ImportRefusal[] = await db.query(
        `SELECT line_from AS line, line_to AS "lineTo", session_id AS "sessionId", field, rule_ids AS "ruleIds", message
       FROM session_import_errors WHERE import_id = $1 ORDER BY seq LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
        [id],
      );
      return { total, items };
    },

    async writeSpoolPart(importId, part, stored) {
      await db.query(`INSERT INTO session_import_spool (import_id, part, data, encoding) VALUES ($1, $2, $3, $4)`, [
        importId,
        part,
        stored.data,
        stored.encoding,
      ]);
    },

    async readSpoolPart(importId, part) {
      const rows: SpoolPart[] = await db.query(`SELECT data, encoding FROM session_import_spool WHERE import_id = $1 AND part = $2`, [
        importId,
        part,
      ]);
      return rows[0] ?? null;
    },

    async removeSpool(importId) {
      await db.query(`DELETE FROM session_import_spool WHERE import_id = $1`, [importId]);
    },

    async removeAbandonedUploads(minutes) {
      const [{ n }]: { n: number }[] = await db.query(
        `WITH abandoned AS (
       SELECT s.import_id FROM session_import_spool s
        WHERE NOT EXISTS (SELECT 1 FROM session_imports i WHERE i.id = s.import_id AND i.status = 'running')
        GROUP BY s.import_id HAVING max(s.created_at) < now() - make_interval(mins => $1::int)),
     removed AS (DELETE FROM session_import_spool s USING abandoned a WHERE s.import_id = a.import_id RETURNING s.import_id)
     SELECT count(DISTINCT import_id)::int AS n FROM removed`,
        [minutes],
      );
      return n;
    },
  };
}

function importView(r: Record<string, unknown>): ImportView {
  const total = r.total as number | null;
  return {
    id: r.id as string,
    format: r.format as ImportView['format'],
    fileName: r.file_name as string | null,
    status: r.status as string,
    sessionsRead: r.sessions_read as number,
    processed: r.processed as number,
    total,
    percent: total ? Math.round(((r.processed as number) / total) * 100) : r.status === 'completed' ? 100 : null,
    created: r.created as number,
    updated: r.updated as number,
    unchanged: r.unchanged as number,
    refused: r.refused as number,
    linesDone: r.lines_done as number,
    failure: r.failure as string | null,
    attempts: r.attempts as number,
    resumedAt: (r.resumed_at as Date | null)?.toISOString() ?? null,
    startedAt: (r.started_at as Date).toISOString(),
    finishedAt: (r.finished_at as Date | null)?.toISOString() ?? null,
    actor: r.actor as string,
  };
}
