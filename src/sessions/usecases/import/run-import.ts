import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import { NotFound } from '../../../shared/domain/errors';
import { unavailableDependency } from '../../../shared/dependency-errors';
import type { ApplicationDeps } from '../../../shared/usecases/dependencies';
import { PARAMETERS } from '../../../config/parameters';
import { sessionImportsRepository } from '../../infra/session-imports.repository';
import type { ImportErrorRow, ImportFormat, ImportRun } from '../ports';
import { drainQuotaOutbox } from '../quota-outbox';
import { prepareReports, type PreparedReports, type ReportOutcome, storeReports } from '../report-sessions';
import { type ParsedItem, sessionsOf } from './parse';
import { readSpool, type Spooled } from './spool';

export type { ImportFormat, ImportRun } from '../ports';

/** Sessions handed to reportSessions at once: each chunk is one transaction, with the import's progress, so a crash leaves whole chunks only. */
export const IMPORT_CHUNK = 500;

/**
 * Sessions read between two turns of the event loop. The next chunk is read and prepared while the current one's
 * transaction waits on PostgreSQL; read without a turn (the lines of a spooled part come without I/O), the replies
 * that transaction waited for sat behind hundreds of lines: 1.5 s of a 12 s import of 20,000 sessions went before
 * the chunks' first statement (issue 15, bench:import).
 */
const READ_TURN = 32;

/** Creates the job of an upload already spooled (spool.ts), owned by the run about to start. */
export async function createImport(
  deps: Pick<ApplicationDeps, 'db'>,
  input: { id?: string; format: ImportFormat; fileName: string | null; actor: string; spool: Spooled | null },
): Promise<ImportRun> {
  const run = { id: input.id ?? randomUUID(), runToken: randomUUID() };
  await sessionImportsRepository(deps.db).createImport(run, input);
  return run;
}

export interface RunImportOptions {
  /** Sessions per chunk (IMPORT_CHUNK). */
  chunkSize?: number;
  /** A stop (SIGTERM, app close): the run ends between two chunks and releases the job, which another process resumes at once. */
  signal?: AbortSignal;
  /** Runs in each chunk's transaction once its rows and progress are written, before the commit (the fault tests stop a process there). */
  beforeCommit?: (chunk: number) => Promise<void>;
}

/** How a run ended: the job completed or failed, was released (a stop or a dependency down: resumed later), or lost to another run. */
export type RunResult = 'completed' | 'failed' | 'released' | 'lost';

/** The run no longer owns the job (another process resumed it): its transaction rolls back. */
class ImportClaimLost extends Error {}

/**
 * A chunk judged (and its own rows written) while the one before committed, rolled back at its gate: that one failed
 * (the run ends on its failure), or the run was stopped meanwhile (it ends after the chunk that was committing).
 */
class ChunkDropped extends Error {}

/**
 * Runs an import from its spooled upload: sessions are read one at a time, judged and stored in chunks
 * through the same path as the API (SES-1..9, SES-10 workflows, QUO-3 once per session through the
 * outbox); good ones are imported, refused ones recorded with their lines and reasons. Chunks commit one
 * at a time, in file order; the next one is read, judged and its sessions written in its own transaction
 * while the current one commits, its shared writes waiting for that commit. Each chunk's transaction also
 * writes the job's progress (sessions read, last line, counters, refusals), checking that this run still
 * owns the job: the counters are exactly what is committed, and a run resumed after
 * its process died (resumeStalledImports) skips exactly the sessions committed, so none is judged twice.
 * Re-importing the same file changes nothing (each session id with the same content is 'unchanged').
 * When the job ends, completed or failed, its spool is removed in the same transaction.
 */
export async function runImport(deps: ApplicationDeps, run: ImportRun, options: RunImportOptions = {}): Promise<RunResult> {
  const chunkSize = options.chunkSize ?? IMPORT_CHUNK;
  const imports = sessionImportsRepository(deps.db);
  const job = await imports.findRunningImport(run);
  if (!job) return 'lost';
  // What is committed: a resumed run starts from there.
  const committed = job.sessions_read;
  let read = 0;
  let linesDone = job.lines_done;
  let seq = job.seq;
  let chunks = 0;
  let lost = false;
  const counts = { processed: job.processed, created: job.created, updated: job.updated, unchanged: job.unchanged, refused: job.refused };
  /** The refusals of the chunk being committed: written with the progress that counts them. */
  const errors: ImportErrorRow[] = [];
  /** Read since the last cut: the sessions to judge, and the lines that could not even be read as one. */
  let chunk: ParsedItem[] = [];
  let unreadable: ParsedItem[] = [];
  /**
   * The chunks handed to the database, oldest first, at most two: the one committing and the next, judged and its
   * sessions' rows written in its own transaction meanwhile (rows no other chunk writes: a session in both waits, see
   * submit), its shared writes (statements, event log, progress) waiting for the first one's commit
   * (beforeSharedWrites). Node's work and PostgreSQL's overlap, and chunks still commit one at a time, in file order
   * (issue 15, bench:import: one chunk at a time, Node and PostgreSQL each waited on the other a third of the time).
   */
  const inFlight: Array<{ ids: Set<string>; ended: Promise<unknown> }> = [];
  /** Waits for the oldest chunk in flight to end; throws its failure (a chunk dropped is not one). */
  const settleOldest = async () => {
    const failure = await inFlight.shift()!.ended;
    if (failure && !(failure instanceof ChunkDropped)) throw failure;
  };
  /** Waits for every chunk in flight; returns the first failure (or null). */
  const endAll = async () => {
    let first: unknown = null;
    while (inFlight.length > 0) {
      const failure = await inFlight.shift()!.ended;
      if (!(failure instanceof ChunkDropped)) first ??= failure;
    }
    return first;
  };

  const heartbeat = setInterval(() => {
    imports
      .beat(run)
      .then((owned) => {
        if (!owned) lost = true;
      })
      .catch(() => undefined); // PostgreSQL down: the next chunk's commit says what to do
  }, PARAMETERS.sessions.importHeartbeatSeconds * 1000);
  heartbeat.unref();

  /** The progress up to a cut (sessions read, last line), fenced by the run token, then the refusals it counts; in the caller's transaction. */
  const commitProgress = async (m: EntityManager, at: { read: number; linesDone: number }, done: boolean) => {
    const progress = { sessionsRead: at.read, linesDone: at.linesDone, ...counts, done };
    if (!(await sessionImportsRepository(m).saveProgress(run, progress, errors))) throw new ImportClaimLost();
  };
  const committedNow = () => {
    errors.length = 0;
  };
  // Counters and refusals change only in a chunk's transaction, one chunk at a time: what is committed is what they say.
  const refuse = (item: ParsedItem, field: string | null, ruleIds: string[] | null, message: string) => {
    counts.processed++;
    counts.refused++;
    errors.push([++seq, item.lineFrom, item.lineTo, item.sessionId ?? null, field, ruleIds, message]);
  };
  const tally = (batch: ParsedItem[], outcomes: ReportOutcome[]) => {
    for (const [i, o] of outcomes.entries()) {
      const item = batch[i]!;
      if (o.outcome === 'refused') {
        const e = o.error;
        const ruleIds = e.failures ? [...new Set(e.failures.map((f) => f.ruleId))] : e.ruleId ? [e.ruleId] : null;
        const message = e.failures ? `${e.message} — ${e.failures.map((f) => `${f.ruleId}: ${f.message}`).join(' ; ')}` : e.message;
        refuse(item, e.field ?? null, ruleIds, message);
      } else {
        counts.processed++;
        counts[o.outcome]++;
      }
    }
  };
  /** A chunk cut from the file: its sessions, prepared, its unreadable lines, and where the file stands after it. */
  interface Cut {
    batch: ParsedItem[];
    prepared: PreparedReports;
    unreadable: ParsedItem[];
    at: { read: number; linesDone: number };
  }
  /** Commits a chunk, its shared writes once `previous` (the chunk before: its failure, or null once committed) has ended. */
  const store = async (cut: Cut, previous: Promise<unknown>) => {
    const afterPrevious = async () => {
      if (await previous) throw new ChunkDropped('the chunk before did not commit');
      if (stopped()) throw new ChunkDropped('the run is stopping');
    };
    const refuseUnreadable = (item: ParsedItem) => refuse(item, item.error!.field, null, item.error!.message);
    if (cut.batch.length === 0) {
      // Only unreadable lines since the last commit: their progress alone (one transaction).
      await afterPrevious();
      await deps.db.transaction(async (m) => {
        cut.unreadable.forEach(refuseUnreadable);
        await commitProgress(m, cut.at, false);
      });
      committedNow();
      return;
    }
    const n = ++chunks;
    let written = false;
    try {
      await storeReports(deps, cut.prepared, {
        actor: job.actor,
        source: 'import',
        mode: 'upsert',
        deliverQuota: false,
        importId: run.id,
        beforeSharedWrites: afterPrevious,
        inTransaction: async (m, outcomes) => {
          cut.unreadable.forEach(refuseUnreadable);
          tally(cut.batch, outcomes);
          await commitProgress(m, cut.at, false);
          if (options.beforeCommit) await options.beforeCommit(n);
          written = true;
        },
      });
    } catch (err) {
      // SES-10: the chunk is committed and its workflow calls wait in the outbox, delivered when Temporal returns.
      if (!(written && unavailableDependency(err) === 'temporal')) throw err;
    }
    committedNow();
  };
  /**
   * Cuts what was read into a chunk, prepares it while the previous ones commit, then commits it in the background,
   * after the chunk before. A stop or a lost claim lets the chunk committing end and drops the rest: the run ends after it.
   */
  const submit = async () => {
    if (chunk.length === 0 && unreadable.length === 0) return;
    const batch = chunk;
    const cut: Cut = {
      batch,
      prepared: prepareReports(
        batch.map((b) => b.raw),
        {},
        batch.map((b) => b.json),
      ),
      unreadable,
      at: { read, linesDone },
    };
    chunk = [];
    unreadable = [];
    const ids = new Set(cut.prepared.parsed.map((p) => p.report.id));
    while (inFlight.length >= 2) await settleOldest();
    // A session the chunk before also reports (a file sending it twice) is read once that one has committed: judged
    // against what it wrote, as when chunks went one at a time.
    if (inFlight.length === 1 && [...ids].some((id) => inFlight[0]!.ids.has(id))) await settleOldest();
    if (stopped()) return;
    const previous = inFlight[0]?.ended ?? Promise.resolve(null);
    inFlight.push({
      ids,
      ended: store(cut, previous).then(
        () => null,
        (err: unknown) => err ?? new Error('chunk failed'),
      ),
    });
  };
  const stopped = () => lost || options.signal?.aborted === true;

  try {
    if (job.spool_parts === null)
      throw new Error('the upload was not kept (an import started before uploads were spooled): import the same file again');
    for await (const item of sessionsOf(job.format, readSpool(deps, run.id, job.spool_parts))) {
      if (stopped()) break;
      read++;
      if (read <= committed) continue; // committed by an earlier run
      if (read % READ_TURN === 0) await nextTurn();
      linesDone = item.lineTo;
      if (item.error) unreadable.push(item);
      else chunk.push(item);
      if (chunk.length >= chunkSize || unreadable.length >= chunkSize) await submit();
    }
    await submit();
    while (inFlight.length > 0) await settleOldest();
    if (lost) return 'lost';
    if (options.signal?.aborted) {
      await release(deps, run);
      return 'released';
    }
    // QUO-3: the counts are committed in the outbox with their sessions, held for the import, which delivers them once,
    // at its end. Delivered every few thousand sessions, or by the housekeeping every period, they had every agrément of
    // the file signalled again each time (a workflow task and an activity each), which kept the worker, the event log's
    // lock and the pool busier than the import itself (issue 15, bench:import). Not delivered now (Temporal down), they
    // go with any drain once the job has ended.
    await drainQuotaOutbox(deps, { importId: run.id }).catch(() => undefined);
    await deps.db.transaction(async (m) => {
      await commitProgress(m, { read, linesDone }, true);
      await sessionImportsRepository(m).removeSpool(run.id);
    });
    return 'completed';
  } catch (caught) {
    // The chunks still in flight end first (their commit, or what stopped them, is part of this run's outcome).
    const err = (await endAll()) ?? caught;
    if (err instanceof ImportClaimLost) return 'lost';
    if (unavailableDependency(err)) {
      // PostgreSQL or Temporal down: nothing is lost, the job is resumed from its last chunk when they return.
      await release(deps, run).catch(() => undefined);
      return 'released';
    }
    const failure = err instanceof Error ? err.message : String(err);
    await deps.db.transaction(async (m) => {
      const jobs = sessionImportsRepository(m);
      if (await jobs.failRun(run, failure)) await jobs.removeSpool(run.id);
    });
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

/** Gives the job up without ending it: any process's housekeeping resumes it at its next round. */
async function release(deps: Pick<ApplicationDeps, 'db'>, run: ImportRun): Promise<void> {
  await sessionImportsRepository(deps.db).release(run);
}

/** Runs in this process, so that a stop (SIGTERM, app close) ends them between two chunks. */
const runs = new Map<string, { abort: AbortController; done: Promise<RunResult | undefined> }>();

/** Starts a run in the background; its failure (recorded on the job) is reported to `onError`. */
export function startImportRun(
  deps: ApplicationDeps,
  run: ImportRun,
  onError: (err: unknown) => void,
  options: Omit<RunImportOptions, 'signal'> = {},
): Promise<RunResult | undefined> {
  const abort = new AbortController();
  const done = runImport(deps, run, { ...options, signal: abort.signal })
    .catch((err: unknown) => {
      onError(err);
      return undefined;
    })
    .finally(() => runs.delete(run.runToken));
  runs.set(run.runToken, { abort, done });
  return done;
}

/** Stops this process's runs: each ends after its current chunk and releases its job for another process. */
export async function stopImportRuns(): Promise<void> {
  const all = [...runs.values()];
  for (const r of all) r.abort.abort();
  await Promise.all(all.map((r) => r.done));
}

/**
 * Issue 11: an import whose process died (kill, crash, lost host) stops beating; after
 * `PARAMETERS.sessions.importResumeAfterSeconds` (or at once when its run released it on a stop or an
 * outage) one process claims it — the row is locked with SKIP LOCKED and given a new run token, so two
 * housekeepings never resume the same job and the old run, should it wake up, can no longer commit — and
 * resumes it in the background from its first session not committed. A job resumed
 * `importMaxResumesWithoutProgress` times in a row without committing anything, or whose upload was never
 * spooled, is marked failed instead, its spool removed.
 */
export async function resumeStalledImports(
  deps: ApplicationDeps,
  onError: (err: unknown) => void,
  options: { olderThanSeconds?: number; run?: Omit<RunImportOptions, 'signal'> } = {},
): Promise<{ resumed: string[]; failed: string[] }> {
  const resumed: string[] = [];
  const failed: string[] = [];
  for (;;) {
    const runToken = randomUUID();
    const claimed = await deps.db.transaction(async (m) => {
      const jobs = sessionImportsRepository(m);
      const job = await jobs.claimStalledImport(options.olderThanSeconds ?? PARAMETERS.sessions.importResumeAfterSeconds, runToken);
      if (!job) return null;
      const max = PARAMETERS.sessions.importMaxResumesWithoutProgress;
      const failure =
        job.spool_parts === null
          ? 'interrupted (the service stopped during the import) and its upload was not kept (an import started before uploads were spooled): import the same file again; the sessions already imported are left unchanged'
          : job.idle_resumes > max
            ? `interrupted ${job.idle_resumes} times in a row without committing a session (the file may bring its process down): fix the cause, then import the same file again; the sessions already imported are left unchanged`
            : null;
      if (failure) {
        await jobs.failImport(job.id, failure);
        await jobs.removeSpool(job.id);
      }
      return { id: job.id, resume: failure === null };
    });
    if (!claimed) break;
    if (!claimed.resume) {
      failed.push(claimed.id);
      continue;
    }
    resumed.push(claimed.id);
    void startImportRun(deps, { id: claimed.id, runToken }, onError, options.run);
  }
  return { resumed, failed };
}

export async function getImport(deps: Pick<ApplicationDeps, 'db'>, id: string) {
  const found = await sessionImportsRepository(deps.db).findImport(id);
  if (!found) throw new NotFound(`import ${id} not found`);
  return found;
}

/** The imports, newest first (GET /session-imports), optionally of one status. */
export async function listImports(deps: Pick<ApplicationDeps, 'db'>, filter: { status?: string; limit: number; offset: number }) {
  const { total, items } = await sessionImportsRepository(deps.db).listImports(filter);
  return { total, limit: filter.limit, offset: filter.offset, items };
}

export async function importErrors(deps: Pick<ApplicationDeps, 'db'>, id: string, page: { limit: number; offset: number }) {
  await getImport(deps, id);
  const { total, items } = await sessionImportsRepository(deps.db).listRefusals(id, page);
  return { total, limit: page.limit, offset: page.offset, items };
}
