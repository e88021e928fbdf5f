import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PARAMETERS } from '../../../../../src/config/parameters';
import { dateIn } from '../../../../../src/shared/domain/zoned-time';
import type { ApplicationDeps } from '../../../../../src/shared/usecases/dependencies';
import {
  createImport,
  type ImportRun,
  resumeStalledImports,
  runImport,
  startImportRun,
  stopImportRuns,
} from '../../../../../src/sessions/usecases/import/run-import';
import { removeAbandonedUploads, spoolUpload, UploadTooLarge } from '../../../../../src/sessions/usecases/import/spool';
import { agrementStateQuery } from '../../../../../src/agrement/workflows/definitions';
import { runningAgrement } from '../../../../support/agrement-fixtures';
import { createHarness, type Harness } from '../../../../support/harness';
import { sessionReport } from '../../../../support/session-fixtures';
import { until } from '../../../../support/waiting';

const ROOT = path.resolve(__dirname, '../../../../..');
const ACTOR = 'Agent Pix (operations)';

let h: Harness;
let deps: ApplicationDeps;
const children: ChildProcess[] = [];

beforeAll(async () => {
  h = await createHarness();
  void h.run(async () => undefined);
  deps = { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() };
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopImportRuns();
  await h?.close();
});

const daysAgo = (n: number) => dateIn(new Date(Date.now() - n * 86_400_000), 'Europe/Paris');
const failed = (err: unknown) => {
  throw err;
};

/**
 * An NDJSON history of `lines` lines for one centre: finalised sessions (QUO-3 counts `sat` each), with a
 * line that is not JSON every 7 lines and a session DATA-1 refuses (`public`) every 5: what must come out,
 * line by line, whatever happens to the process importing it.
 */
function history(organisationId: string, lines: number) {
  const tag = randomUUID().slice(0, 8);
  const good: Array<{ id: string; sat: number }> = [];
  const bad: number[] = [];
  const text = Array.from({ length: lines }, (_, i) => {
    const line = i + 1;
    if (unreadable(i + 1)) {
      bad.push(line);
      return `{"id": "broken-${tag}-${i}", not json`;
    }
    const date = daysAgo(40 - (i % 30));
    const sat = 1 + (i % 3);
    const report = sessionReport(organisationId, {
      id: `R-${tag}-${i}`,
      date,
      plannedOn: daysAgo(50),
      status: 'finalised',
      finalisation: { finalisedAt: `${date}T20:00:00.000Z`, candidatesWhoSat: sat, incidents: [], fraudReports: [], endOfTestChecks: [] },
    });
    if (i % 5 === 4) {
      bad.push(line);
      return JSON.stringify({ ...report, public: 'everyone' });
    }
    good.push({ id: report.id, sat });
    return JSON.stringify(report);
  }).join('\n');
  return { text, good, bad, lines };
}

/** The upload spooled and its job created, as POST /session-imports does before answering 202. */
async function upload(text: string, options: { partBytes?: number } = {}): Promise<ImportRun> {
  const id = randomUUID();
  const spool = await spoolUpload(deps, id, [Buffer.from(text, 'utf8')], { partBytes: options.partBytes ?? 700 });
  return createImport(deps, { id, format: 'ndjson', fileName: 'historique.ndjson', actor: ACTOR, spool });
}

const job = async (id: string) => (await h.db.query(`SELECT * FROM session_imports WHERE id = $1`, [id]))[0] as Record<string, unknown>;
const spoolParts = async (id: string) =>
  (await h.db.query(`SELECT count(*)::int AS n FROM session_import_spool WHERE import_id = $1`, [id]))[0].n as number;
const stored = async (ids: string[]) =>
  (await h.db.query(`SELECT count(*)::int AS n FROM sessions WHERE id = ANY($1)`, [ids]))[0].n as number;
const refusals = async (id: string) =>
  (await h.db.query(`SELECT line_from AS line FROM session_import_errors WHERE import_id = $1 ORDER BY seq`, [id])).map(
    (r: { line: number }) => r.line,
  ) as number[];
/** As if the process had been dead for longer than the resume delay. */
const ageHeartbeat = (id: string) =>
  h.db.query(`UPDATE session_imports SET heartbeat_at = now() - make_interval(secs => $2) WHERE id = $1`, [
    id,
    PARAMETERS.sessions.importResumeAfterSeconds + 1,
  ]);
const completed = (id: string) =>
  until(
    () => job(id),
    (j) => j.status !== 'running',
    60_000,
  );

const lineOf = (sessionId: string) => Number(sessionId.split('-').at(-1)) + 1;
const unreadable = (line: number) => (line - 1) % 7 === 3;
/** The lines read when `chunks` chunks of `size` are full: a chunk gathers readable sessions (the unreadable lines are refused as read). */
const linesAfter = (chunks: number, size: number) => {
  let n = 0;
  for (let line = 1; ; line++) if (!unreadable(line) && ++n === chunks * size) return line;
};

/** What a job must show when its first `read` lines are committed, and nothing after them. */
async function expectCommittedUpTo(id: string, file: ReturnType<typeof history>, read: number) {
  const good = file.good.filter((g) => lineOf(g.id) <= read);
  const bad = file.bad.filter((l) => l <= read);
  expect(await job(id)).toMatchObject({
    status: 'running',
    sessions_read: read,
    lines_done: read,
    processed: read,
    created: good.length,
    updated: 0,
    unchanged: 0,
    refused: bad.length,
  });
  expect(await stored(file.good.map((g) => g.id))).toBe(good.length);
  expect(await stored(good.map((g) => g.id))).toBe(good.length);
  expect((await refusals(id)).sort((a, b) => a - b)).toEqual(bad);
}

/** Every session of the file once: counters equal to the rows, each refusal once with its line, the spool gone. */
async function expectExactlyOnce(id: string, file: ReturnType<typeof history>) {
  const j = await job(id);
  expect(j).toMatchObject({
    status: 'completed',
    failure: null,
    total: file.lines,
    sessions_read: file.lines,
    processed: file.lines,
    lines_done: file.lines,
  });
  expect(j).toMatchObject({ created: file.good.length, updated: 0, unchanged: 0, refused: file.bad.length });
  expect(await stored(file.good.map((g) => g.id))).toBe(file.good.length);
  // Each session reported once: one log entry (version 1), never an update of itself.
  const log = await h.db.query(
    `SELECT data->>'sessionId' AS id, count(*)::int AS n FROM event_log WHERE stream_type = 'session' AND data->>'sessionId' = ANY($1) GROUP BY 1`,
    [file.good.map((g) => g.id)],
  );
  expect(log).toHaveLength(file.good.length);
  expect(log.every((r: { n: number }) => r.n === 1)).toBe(true);
  expect((await refusals(id)).sort((a, b) => a - b)).toEqual(file.bad);
  expect(await spoolParts(id)).toBe(0);
}

describe('a bulk import killed mid-file resumes exactly (issue 11, SES-1, QUO-3)', () => {
  it('a process killed with SIGKILL inside a chunk: the committed chunks and their counters stay, housekeeping resumes from the first uncommitted session, every line once', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const file = history(c.organisationId, 40);
    const run = await upload(file.text);
    expect(await spoolParts(run.id)).toBeGreaterThan(3);
    const chunk = 4;
    // node itself (the tsx CLI would run the script in a child of its own, which a SIGKILL would not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/import-child.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: h.env.address,
        TASK_QUEUE: h.taskQueue,
        IMPORT_ID: run.id,
        RUN_TOKEN: run.runToken,
        CHUNK: String(chunk),
        HANG_IN_CHUNK: '3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Chunks 1 and 2 committed; chunk 3's rows and progress written in its transaction, not committed.
    await until(
      async () => out,
      (o) => /hanging in chunk 3/.test(o) || child.exitCode !== null,
      120_000,
    );
    expect(out).toMatch(/hanging in chunk 3/);
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    // What the dead process left: two whole chunks (8 sessions judged, with the unreadable lines among
    // them), counters that are exactly what is committed, nothing of chunk 3.
    const left = await job(run.id);
    expect(left).toMatchObject({ attempts: 1, resumed_at: null });
    await expectCommittedUpTo(run.id, file, linesAfter(2, chunk));
    expect(await spoolParts(run.id)).toBeGreaterThan(3);

    // Not resumed while its heartbeat is recent (the process may be alive); once it is stale, one claim.
    expect(await resumeStalledImports(deps, failed, { olderThanSeconds: 3600 })).toEqual({ resumed: [], failed: [] });
    await ageHeartbeat(run.id);
    // PostgreSQL drops the dead process's transaction (and its lock on the job) as it sees the connection close.
    const resumed = await until(
      () => resumeStalledImports(deps, failed, { run: { chunkSize: chunk } }),
      (r) => r.resumed.length > 0,
    );
    expect(resumed).toEqual({ resumed: [run.id], failed: [] });
    await completed(run.id);
    await expectExactlyOnce(run.id, file);
    expect(await job(run.id)).toMatchObject({ attempts: 2, resumed_at: expect.any(Date) });
    // QUO-3: each finalised session counted once by the agrément, none lost, none doubled.
    const sat = file.good.reduce((n, g) => n + g.sat, 0);
    await until(
      () => c.handle.query(agrementStateQuery),
      (a) => a.quota.candidates === sat,
    );
    // Delivered: the outbox's rows go in the transaction that signalled them, which commits after the workflow may have counted.
    await until(
      async () =>
        (await h.db.query(`SELECT count(*)::int AS n FROM quota_outbox WHERE agrement_organisation_id = $1`, [c.organisationId]))[0].n,
      (n) => n === 0,
    );
    expect((await c.handle.query(agrementStateQuery)).quota.candidates).toBe(sat);
  });

  it('two processes resuming at once: one claims the job (SKIP LOCKED), the other finds nothing', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const file = history(c.organisationId, 12);
    const run = await upload(file.text);
    await ageHeartbeat(run.id);
    const [a, b] = await Promise.all([
      resumeStalledImports(deps, failed, { run: { chunkSize: 5 } }),
      resumeStalledImports(deps, failed, { run: { chunkSize: 5 } }),
    ]);
    expect([...a.resumed, ...b.resumed]).toEqual([run.id]);
    await completed(run.id);
    await expectExactlyOnce(run.id, file);
    expect(await job(run.id)).toMatchObject({ attempts: 2 });
    // The first run's token is no longer the job's: started late (a process waking up), it writes nothing.
    expect(await runImport(deps, run)).toBe('lost');
  });

  it('a run whose job was taken between two chunks (it was paused past the resume delay) cannot commit its next chunk', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const file = history(c.organisationId, 20);
    const run = await upload(file.text);
    const thief = randomUUID();
    let taking: Promise<unknown> | undefined;
    const result = runImport(deps, run, {
      chunkSize: 4,
      beforeCommit: async (n) => {
        if (n !== 1) return;
        // Another process takes the job: it waits on the row this chunk's transaction holds, then takes it.
        taking = h.db.query(`UPDATE session_imports SET run_token = $2 WHERE id = $1`, [run.id, thief]);
        await until(
          async () =>
            (
              await h.db.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE session_imports SET run_token = $2%'`,
              )
            )[0].n as number,
          (n) => n > 0,
        );
      },
    });
    expect(await result).toBe('lost');
    await taking;
    // Chunk 1 only: chunk 2's rows went with its refused progress.
    expect(await job(run.id)).toMatchObject({ run_token: thief });
    await expectCommittedUpTo(run.id, file, linesAfter(1, 4));
    // The new owner's process dies too; housekeeping resumes from chunk 2.
    await ageHeartbeat(run.id);
    expect((await resumeStalledImports(deps, failed, { run: { chunkSize: 4 } })).resumed).toEqual([run.id]);
    await completed(run.id);
    await expectExactlyOnce(run.id, file);
  });

  it('a stop (SIGTERM, app close) ends the run after its chunk and releases the job: the next housekeeping round resumes it at once', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const file = history(c.organisationId, 15);
    const run = await upload(file.text);
    let stopping: Promise<void> | undefined;
    const result = startImportRun(deps, run, failed, {
      chunkSize: 4,
      beforeCommit: async (n) => {
        if (n === 1) stopping = stopImportRuns();
      },
    });
    expect(await result).toBe('released');
    await stopping;
    expect(await job(run.id)).toMatchObject({ run_token: null, attempts: 1 });
    await expectCommittedUpTo(run.id, file, linesAfter(1, 4));
    // No waiting for a heartbeat to age: a released job is taken up by the next round.
    expect((await resumeStalledImports(deps, failed)).resumed).toEqual([run.id]);
    await completed(run.id);
    await expectExactlyOnce(run.id, file);
  });

  it('issue 15: a session the next chunk reports again is judged once the chunk before has committed it (SES-1 unchanged, SES-10 refused)', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const tag = randomUUID().slice(0, 8);
    const date = daysAgo(20);
    const finalised = (id: string, sat: number) =>
      sessionReport(c.organisationId, {
        id: `D-${tag}-${id}`,
        date,
        plannedOn: daysAgo(50),
        status: 'finalised',
        finalisation: { finalisedAt: `${date}T20:00:00.000Z`, candidatesWhoSat: sat, incidents: [], fraudReports: [], endOfTestChecks: [] },
      });
    // Chunks of 2, the next judged while the one before commits: A again in chunk 2 (the same), D again in chunk 4 (changed).
    const lines = [
      finalised('A', 1),
      finalised('B', 1),
      finalised('A', 1),
      finalised('C', 1),
      finalised('D', 1),
      finalised('E', 1),
      finalised('D', 2),
    ];
    const run = await upload(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(await runImport(deps, run, { chunkSize: 2 })).toBe('completed');
    expect(await job(run.id)).toMatchObject({ status: 'completed', processed: 7, created: 5, unchanged: 1, updated: 0, refused: 1 });
    const [refusal] = await h.db.query(`SELECT line_from AS line, rule_ids AS "ruleIds" FROM session_import_errors WHERE import_id = $1`, [
      run.id,
    ]);
    expect(refusal).toEqual({ line: 7, ruleIds: ['SES-10'] });
    // Each session once in the log, at version 1: none was taken for new a second time.
    const log = await h.db.query(
      `SELECT data->>'sessionId' AS id, count(*)::int AS n FROM event_log WHERE stream_type = 'session' AND data->>'sessionId' LIKE $1 GROUP BY 1 ORDER BY 1`,
      [`D-${tag}-%`],
    );
    expect(log).toEqual(['A', 'B', 'C', 'D', 'E'].map((x) => ({ id: `D-${tag}-${x}`, n: 1 })));
    const [d] = await h.db.query(`SELECT version, candidates_who_sat FROM sessions WHERE id = $1`, [`D-${tag}-D`]);
    expect(d).toEqual({ version: 1, candidates_who_sat: 1 });
  });

  it('a job resumed again and again without committing anything (a file that brings its process down) ends failed, its spool removed', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const run = await upload(history(c.organisationId, 6).text);
    const max = PARAMETERS.sessions.importMaxResumesWithoutProgress;
    await h.db.query(`UPDATE session_imports SET run_token = NULL, attempts = $2, idle_resumes = $3 WHERE id = $1`, [run.id, max + 1, max]);
    expect(await resumeStalledImports(deps, failed)).toEqual({ resumed: [], failed: [run.id] });
    expect(await job(run.id)).toMatchObject({
      status: 'failed',
      finished_at: expect.any(Date),
      failure: expect.stringMatching(new RegExp(`^interrupted ${max + 1} times in a row without committing a session`)),
    });
    expect(await spoolParts(run.id)).toBe(0);
  });

  it('issue 15: the spooled parts are stored deflated; parts spooled before, as received (identity), import as they are', async () => {
    const c = await runningAgrement(h, daysAgo(60));
    const file = history(c.organisationId, 12);
    const run = await upload(file.text);
    const parts: Array<{ part: number; encoding: string; data: Buffer }> = await h.db.query(
      `SELECT part, encoding, data FROM session_import_spool WHERE import_id = $1 ORDER BY part`,
      [run.id],
    );
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.encoding === 'deflate')).toBe(true);
    const raw = parts.map((p) => inflateRawSync(p.data));
    expect(Buffer.concat(raw).toString('utf8')).toBe(file.text);
    expect(parts.reduce((n, p) => n + p.data.length, 0)).toBeLessThan(Buffer.byteLength(file.text));
    // One part in two as an older process spooled it (the upload arrived before the upgrade).
    for (const p of parts.filter((x) => x.part % 2 === 0))
      await h.db.query(`UPDATE session_import_spool SET data = $3, encoding = 'identity' WHERE import_id = $1 AND part = $2`, [
        run.id,
        p.part,
        raw[p.part],
      ]);
    expect(await runImport(deps, run, { chunkSize: 5 })).toBe('completed');
    await expectExactlyOnce(run.id, file);
  });

  it('an upload whose request died before its job was created leaves no spool once abandoned', async () => {
    const orphan = randomUUID();
    await spoolUpload(deps, orphan, ['{"id":"x"}\n'.repeat(50)], { partBytes: 100 });
    const live = randomUUID();
    await spoolUpload(deps, live, ['{"id":"y"}\n'], { partBytes: 100 });
    await h.db.query(`UPDATE session_import_spool SET created_at = now() - make_interval(mins => $2) WHERE import_id = $1`, [
      orphan,
      PARAMETERS.sessions.importAbandonedUploadMinutes + 1,
    ]);
    expect(await removeAbandonedUploads(deps)).toBe(1);
    expect(await spoolParts(orphan)).toBe(0);
    // An upload still arriving is left alone.
    expect(await spoolParts(live)).toBe(1);
    // One over the limit while it arrives (no length declared) is refused, its parts removed.
    const large = randomUUID();
    await expect(spoolUpload(deps, large, ['{"id":"z"}\n'.repeat(50)], { partBytes: 100, maxBytes: 300 })).rejects.toBeInstanceOf(
      UploadTooLarge,
    );
    expect(await spoolParts(large)).toBe(0);
  });
});
