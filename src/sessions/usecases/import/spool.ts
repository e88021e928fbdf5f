import type { EntityManager } from 'typeorm';
import { PARAMETERS } from '../../../config/parameters';
import type { ApplicationDeps } from '../../../shared/usecases/dependencies';
import { lineGuardFor } from './line-limit';

/**
 * The upload of a bulk import, spooled in PostgreSQL (issue 11): parts of
 * `PARAMETERS.sessions.importSpoolPartBytes` in `session_import_spool`, so the file survives its process
 * and its host (a temporary directory is wiped on reboot and not shared by replicas), and any process
 * may resume the import. Removed in the transaction that ends the job.
 */

/** An upload over `PARAMETERS.sessions.importMaxBytes` (the API answers 413). */
export class UploadTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file exceeds ${maxBytes} bytes`);
    this.name = 'UploadTooLarge';
  }
}

export interface Spooled {
  parts: number;
  bytes: number;
}

/**
 * Writes the body, as it arrives, into the spool of `importId` (one part at a time in memory). An upload
 * that fails, is too large or has a line too long (given its `format`) leaves nothing; one whose process dies leaves parts without a job, removed
 * by `removeAbandonedUploads`.
 */
export async function spoolUpload(
  deps: Pick<ApplicationDeps, 'db'>,
  importId: string,
  body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: { maxBytes?: number; partBytes?: number; format?: 'csv' | 'json' | 'ndjson'; maxLineBytes?: number } = {},
): Promise<Spooled> {
  const maxBytes = options.maxBytes ?? PARAMETERS.sessions.importMaxBytes;
  // Issue 12: a line over the limit (LineTooLong, 413) stops the upload as it arrives; its parts are removed.
  const lines = options.format ? lineGuardFor(options.format, options.maxLineBytes ?? PARAMETERS.sessions.importMaxLineBytes) : null;
  const partBytes = options.partBytes ?? PARAMETERS.sessions.importSpoolPartBytes;
  let parts = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Writes the pending bytes in parts of `partBytes` (all of them at the end, whole parts only before). */
  const flush = async (end: boolean) => {
    if (pendingBytes === 0) return;
    let data = Buffer.concat(pending, pendingBytes);
    while (data.length >= partBytes || (end && data.length > 0)) {
      await deps.db.query(`INSERT INTO session_import_spool (import_id, part, data) VALUES ($1, $2, $3)`, [importId, parts, data.subarray(0, partBytes)]);
      parts++;
      data = data.subarray(partBytes);
    }
    pending = data.length > 0 ? [data] : [];
    pendingBytes = data.length;
  };
  try {
    for await (const chunk of body) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      bytes += b.length;
      if (bytes > maxBytes) throw new UploadTooLarge(maxBytes);
      lines?.feed(b);
      pending.push(b);
      pendingBytes += b.length;
      if (pendingBytes >= partBytes) await flush(false);
    }
    await flush(true);
    return { parts, bytes };
  } catch (err) {
    await removeSpool(deps.db.manager, importId).catch(() => undefined);
    throw err;
  }
}

/** The spooled bytes of an import, part after part (one part in memory at a time). */
export async function* readSpool(deps: Pick<ApplicationDeps, 'db'>, importId: string, parts: number): AsyncGenerator<Buffer> {
  for (let part = 0; part < parts; part++) {
    const rows: { data: Buffer }[] = await deps.db.query(`SELECT data FROM session_import_spool WHERE import_id = $1 AND part = $2`, [importId, part]);
    if (!rows[0]) throw new Error(`the spooled upload of import ${importId} is incomplete: part ${part + 1} of ${parts} is missing`);
    yield rows[0].data;
  }
}

/** Removes an import's spool, in the caller's transaction (the one that ends the job). */
export async function removeSpool(m: EntityManager, importId: string): Promise<void> {
  await m.query(`DELETE FROM session_import_spool WHERE import_id = $1`, [importId]);
}

/**
 * Parts left by uploads that never became a running job (the request or its process died while the
 * file arrived, or a job ended without its spool going): removed once their newest part is older than
 * `PARAMETERS.sessions.importAbandonedUploadMinutes`. Returns the number of uploads removed.
 */
export async function removeAbandonedUploads(deps: Pick<ApplicationDeps, 'db'>): Promise<number> {
  const [{ n }]: { n: number }[] = await deps.db.query(
    `WITH abandoned AS (
       SELECT s.import_id FROM session_import_spool s
        WHERE NOT EXISTS (SELECT 1 FROM session_imports i WHERE i.id = s.import_id AND i.status = 'running')
        GROUP BY s.import_id HAVING max(s.created_at) < now() - make_interval(mins => $1::int)),
     removed AS (DELETE FROM session_import_spool s USING abandoned a WHERE s.import_id = a.import_id RETURNING s.import_id)
     SELECT count(DISTINCT import_id)::int AS n FROM removed`,
    [PARAMETERS.sessions.importAbandonedUploadMinutes],
  );
  return n;
}
