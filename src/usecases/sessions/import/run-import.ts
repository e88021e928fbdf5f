import { randomUUID } from 'node:crypto';
import { NotFound } from '../../../domain/errors';
import type { ApplicationDeps } from '../../applications/dependencies';
import { PARAMETERS } from '../../../config/parameters';
import { drainQuotaOutbox } from '../quota-outbox';
import { reportSessions } from '../report-sessions';
import type { ParsedItem } from './parse';

export type ImportFormat = 'csv' | 'json' | 'ndjson';

/** Sessions handed to reportSessions at once: each chunk is one transaction, so a crash leaves whole chunks only. */
export const IMPORT_CHUNK = 500;

export async function createImport(deps: Pick<ApplicationDeps, 'db'>, input: { format: ImportFormat; fileName: string | null; actor: string }): Promise<string> {
  const id = randomUUID();
  await deps.db.query(`INSERT INTO session_imports (id, format, file_name, actor, status) VALUES ($1, $2, $3, $4, 'running')`, [id, input.format, input.fileName, input.actor]);
  return id;
}

/**
 * Runs an import: sessions are read one at a time from `items`, judged and stored in chunks through the
 * same path as the API (SES-1..9, SES-10 workflows, QUO-3 once per session through the outbox); good ones are imported,
 * refused ones recorded with their lines and reasons; progress is kept after every chunk. Re-importing
 * the same file changes nothing (each session id with the same content is 'unchanged').
 */
export async function runImport(deps: ApplicationDeps, importId: string, items: AsyncIterable<ParsedItem> | Iterable<ParsedItem>, actor: string): Promise<void> {
  let seq = 0;
  let read = 0;
  let chunk: ParsedItem[] = [];
  let sinceDelivery = 0;
  const counts = { processed: 0, created: 0, updated: 0, unchanged: 0, refused: 0 };
  const errors: Array<[number, number, number, string | null, string | null, string[] | null, string]> = [];

  const saveErrors = async () => {
    if (errors.length === 0) return;
    const values = errors.map((_, i) => `($1, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7}, $${i * 7 + 8})`).join(', ');
    await deps.db.query(`INSERT INTO session_import_errors (import_id, seq, line_from, line_to, session_id, field, rule_ids, message) VALUES ${values}`, [importId, ...errors.flat()]);
    errors.length = 0;
  };
  const progress = async (done = false) => {
    await saveErrors();
    await deps.db.query(
      `UPDATE session_imports SET sessions_read = $2, processed = $3, created = $4, updated = $5, unchanged = $6, refused = $7, progressed_at = now(),
              total = CASE WHEN $8 THEN $2 ELSE total END, status = CASE WHEN $8 THEN 'completed' ELSE status END, finished_at = CASE WHEN $8 THEN now() END,
              failure = CASE WHEN $8 THEN NULL ELSE failure END
        WHERE id = $1`,
      [importId, read, counts.processed, counts.created, counts.updated, counts.unchanged, counts.refused, done],
    );
  };
  const refuse = (item: ParsedItem, field: string | null, ruleIds: string[] | null, message: string) => {
    counts.refused++;
    errors.push([++seq, item.lineFrom, item.lineTo, item.sessionId ?? null, field, ruleIds, message]);
  };
  const submit = async () => {
    if (chunk.length === 0) return;
    const batch = chunk;
    chunk = [];
    // QUO-3 counts wait in the outbox and reach the agréments in larger batches (fewer signals per workflow).
    const outcomes = await reportSessions(deps, batch.map((b) => b.raw), { actor, source: 'import', mode: 'upsert', deliverQuota: false });
    sinceDelivery += batch.length;
    if (sinceDelivery >= PARAMETERS.sessions.quotaDrainEvery) {
      sinceDelivery = 0;
      await drainQuotaOutbox(deps);
    }
    for (const [i, o] of outcomes.entries()) {
      const item = batch[i]!;
      counts.processed++;
      if (o.outcome === 'refused') {
        const e = o.error;
        const ruleIds = e.failures ? [...new Set(e.failures.map((f) => f.ruleId))] : e.ruleId ? [e.ruleId] : null;
        const message = e.failures ? `${e.message} — ${e.failures.map((f) => `${f.ruleId}: ${f.message}`).join(' ; ')}` : e.message;
        refuse(item, e.field ?? null, ruleIds, message);
      } else counts[o.outcome]++;
    }
    await progress();
  };

  try {
    for await (const item of items) {
      read++;
      if (item.error) {
        counts.processed++;
        refuse(item, item.error.field, null, item.error.message);
        continue;
      }
      chunk.push(item);
      if (chunk.length >= IMPORT_CHUNK) await submit();
    }
    await submit();
    await drainQuotaOutbox(deps);
    await progress(true);
  } catch (err) {
    await saveErrors().catch(() => undefined);
    await deps.db.query(`UPDATE session_imports SET status = 'failed', failure = $2, finished_at = now() WHERE id = $1`, [importId, err instanceof Error ? err.message : String(err)]);
    throw err;
  }
}

export async function getImport(deps: Pick<ApplicationDeps, 'db'>, id: string) {
  const rows: Array<Record<string, unknown>> = await deps.db.query(`SELECT * FROM session_imports WHERE id = $1`, [id]);
  const r = rows[0];
  if (!r) throw new NotFound(`import ${id} not found`);
  return importView(r);
}

/** The imports, newest first (GET /session-imports), optionally of one status. */
export async function listImports(deps: Pick<ApplicationDeps, 'db'>, filter: { status?: string; limit: number; offset: number }) {
  const [{ total }]: { total: number }[] = await deps.db.query(`SELECT count(*)::int AS total FROM session_imports WHERE $1::text IS NULL OR status = $1`, [filter.status ?? null]);
  const rows: Array<Record<string, unknown>> = await deps.db.query(
    `SELECT * FROM session_imports WHERE $1::text IS NULL OR status = $1 ORDER BY started_at DESC, id LIMIT $2 OFFSET $3`,
    [filter.status ?? null, filter.limit, filter.offset],
  );
  return { total, limit: filter.limit, offset: filter.offset, items: rows.map(importView) };
}

/**
 * An import whose process stopped mid-file (a restart, a crash) makes no more progress: after
 * `PARAMETERS.sessions.importStallMinutes` it is marked failed with what to do. Its chunks are whole
 * (one transaction each), so importing the same file again finishes the work and changes nothing else.
 */
export async function failStalledImports(deps: Pick<ApplicationDeps, 'db'>): Promise<number> {
  const [{ n }]: { n: number }[] = await deps.db.query(
    `WITH failed AS (
       UPDATE session_imports SET status = 'failed', finished_at = now(),
              failure = 'interrupted: no progress for ' || $1 || ' minutes (the service stopped during the import); import the same file again: the sessions already imported are left unchanged'
        WHERE status = 'running' AND progressed_at < now() - make_interval(mins => $1::int)
        RETURNING id)
     SELECT count(*)::int AS n FROM failed`,
    [PARAMETERS.sessions.importStallMinutes],
  );
  return n;
}

function importView(r: Record<string, unknown>) {
  const total = r.total as number | null;
  return {
    id: r.id as string,
    format: r.format,
    fileName: r.file_name,
    status: r.status,
    sessionsRead: r.sessions_read,
    processed: r.processed,
    total,
    /** Known once the whole file has been read; until then the count read so far shows progress. */
    percent: total ? Math.round(((r.processed as number) / total) * 100) : r.status === 'completed' ? 100 : null,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    refused: r.refused,
    failure: r.failure,
    startedAt: (r.started_at as Date).toISOString(),
    finishedAt: (r.finished_at as Date | null)?.toISOString() ?? null,
    actor: r.actor,
  };
}

export async function importErrors(deps: Pick<ApplicationDeps, 'db'>, id: string, page: { limit: number; offset: number }) {
  await getImport(deps, id);
  const [{ total }]: { total: number }[] = await deps.db.query(`SELECT count(*)::int AS total FROM session_import_errors WHERE import_id = $1`, [id]);
  const items: Array<{ line: number; lineTo: number; sessionId: string | null; field: string | null; ruleIds: string[] | null; message: string }> = await deps.db.query(
    `SELECT line_from AS line, line_to AS "lineTo", session_id AS "sessionId", field, rule_ids AS "ruleIds", message
       FROM session_import_errors WHERE import_id = $1 ORDER BY seq LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
    [id],
  );
  return { total, limit: page.limit, offset: page.offset, items };
}
