import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { PARAMETERS } from '../../../config/parameters';
import type { Db } from '../../../shared/database/db';
import type { ApplicationDeps } from '../../../shared/usecases/dependencies';
import { InFlight } from '../../../shared/usecases/in-flight';
import { sessionImportsRepository } from '../../infra/session-imports.repository';
import { lineGuardFor } from './line-limit';

/**
 * The upload of a bulk import, spooled in PostgreSQL (issue 11): parts of
 * `PARAMETERS.sessions.importSpoolPartBytes` in `session_import_spool`, so the file survives its process
 * and its host (a temporary directory is wiped on reboot and not shared by replicas), and any process
 * may resume the import. Removed in the transaction that ends the job. Each part is compressed here, on Node's
 * thread pool, while the next one arrives (issue 15: compressed by PostgreSQL, pglz took its backend's time at every
 * write and read, and every read sent the whole part back as hex).
 */

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);
/** zlib's fastest level: an upload's text still shrinks several times over, at a fraction of the cost of the higher ones. */
const SPOOL_DEFLATE_LEVEL = 1;

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
  const spool = sessionImportsRepository(deps.db);
  let parts = 0;
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /**
   * Parts are compressed and written one after the other while the next arrives (the body waited on each INSERT: 6.7 s
   * to spool 318 MiB, issue 15, bench:import).
   */
  const writing = new InFlight();
  // A part is numbered once the previous one is written: the count returned is of parts written.
  const write = (data: Buffer) =>
    writing.start(async () => {
      const stored = { data: await deflate(data, { level: SPOOL_DEFLATE_LEVEL }), encoding: 'deflate' as const };
      await spool.writeSpoolPart(importId, parts++, stored);
    });
  /** Writes the pending bytes in parts of `partBytes` (all of them at the end, whole parts only before). */
  const flush = async (end: boolean) => {
    if (pendingBytes === 0) return;
    let data = Buffer.concat(pending, pendingBytes);
    while (data.length >= partBytes || (end && data.length > 0)) {
      await write(data.subarray(0, partBytes));
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
    await writing.settled();
    return { parts, bytes };
  } catch (err) {
    // The part in flight ends first, so that nothing is written after the spool is removed.
    await writing.ended();
    await removeSpool(deps.db.manager, importId).catch(() => undefined);
    throw err;
  }
}

/** The spooled bytes of an import, part after part (one part in memory at a time). */
export async function* readSpool(deps: Pick<ApplicationDeps, 'db'>, importId: string, parts: number): AsyncGenerator<Buffer> {
  const spool = sessionImportsRepository(deps.db);
  for (let part = 0; part < parts; part++) {
    const stored = await spool.readSpoolPart(importId, part);
    if (!stored) throw new Error(`the spooled upload of import ${importId} is incomplete: part ${part + 1} of ${parts} is missing`);
    yield stored.encoding === 'deflate' ? await inflate(stored.data) : stored.data;
  }
}

/** Removes an import's spool, in the caller's transaction (the one that ends the job). */
export async function removeSpool(m: Db, importId: string): Promise<void> {
  await sessionImportsRepository(m).removeSpool(importId);
}

/**
 * Parts left by uploads that never became a running job (the request or its process died while the
 * file arrived, or a job ended without its spool going): removed once their newest part is older than
 * `PARAMETERS.sessions.importAbandonedUploadMinutes`. Returns the number of uploads removed.
 */
export async function removeAbandonedUploads(deps: Pick<ApplicationDeps, 'db'>): Promise<number> {
  return sessionImportsRepository(deps.db).removeAbandonedUploads(PARAMETERS.sessions.importAbandonedUploadMinutes);
}
