import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { HOUSEKEEPING_JOB, RETENTION_JOB, sessionHousekeeping } from '../../../../src/sessions/usecases/housekeeping';
import { createImport } from '../../../../src/sessions/usecases/import/run-import';
import type { RoundOutcome } from '../../../../src/shared/usecases/periodic-job';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';

/**
 * Issue 15 (docs/adr/0005): two replicas of the sessions housekeeping on one database — two pools, as two
 * processes — run each period of each job once, whichever ticks first, and never at once. The rounds are
 * driven by `round()` on a clock the test moves (no timers). A database of the test's own: the jobs sweep
 * whole tables.
 */
let scratch: ScratchDatabase;
let dbA: DataSource;
let dbB: DataSource;
let at = Date.parse('2026-12-01T09:00:00Z');
const errors: unknown[] = [];
// No queued workflow start, step or count in this database: the jobs never call Temporal.
const temporal = new Proxy({} as Client, {
  get: () => {
    throw new Error('Temporal is not called by these rounds');
  },
});
const replica = (db: DataSource) =>
  sessionHousekeeping({ db, temporal, taskQueue: 'unused', now: () => new Date(at) }, (e) => errors.push(e), { tickMs: null });
const runs = async (job: string) =>
  (await dbA.query(
    `SELECT period::text, runner, finished_at IS NOT NULL AS finished, error FROM periodic_job_runs WHERE job = $1 ORDER BY period`,
    [job],
  )) as Array<{ period: string; runner: string; finished: boolean; error: string | null }>;

beforeAll(async () => {
  scratch = await scratchDatabase('housekeeping');
  dbA = await scratch.replica();
  dbB = await scratch.replica();
});
afterAll(async () => {
  await scratch?.drop();
});

describe('issue 15: the sessions housekeeping across two replicas', () => {
  it('each period of the housekeeping and of the retention (SES-11, DATA-3) runs once; two rounds at once: one runs, the other does nothing', async () => {
    const a = replica(dbA);
    const b = replica(dbB);
    try {
      const period = PARAMETERS.sessions.housekeepingIntervalSeconds * 1000;
      // Both tick at the same moment: one runs the period, the other finds it running or run.
      const together: RoundOutcome[] = await Promise.all([a.housekeeping.round(), b.housekeeping.round()]);
      expect(together.filter((o) => o === 'ran')).toHaveLength(1);
      expect(together.filter((o) => o === 'busy' || o === 'done')).toHaveLength(1);
      // Later in the same period: nothing.
      at += period / 2;
      expect(await a.housekeeping.round()).toBe('done');
      expect(await b.housekeeping.round()).toBe('done');
      // The next period: whichever ticks first runs it, once.
      at += period / 2;
      expect(await b.housekeeping.round()).toBe('ran');
      expect(await a.housekeeping.round()).toBe('done');
      const rows = await runs(HOUSEKEEPING_JOB);
      expect(rows).toHaveLength(2);
      expect(Number(rows[1]!.period) - Number(rows[0]!.period)).toBe(1);
      expect(rows[1]).toMatchObject({ runner: b.housekeeping.runner, finished: true, error: null });
      expect([a.housekeeping.runner, b.housekeeping.runner]).toContain(rows[0]!.runner);

      // SES-11 and DATA-3: hourly, once per hour across the replicas (no per-process memory of the last run).
      const retention: RoundOutcome[] = await Promise.all([a.retention.round(), b.retention.round()]);
      expect(retention.filter((o) => o === 'ran')).toHaveLength(1);
      at += PARAMETERS.sessions.retentionCheckMinutes * 60_000;
      expect(await a.retention.round()).toBe('ran');
      expect(await b.retention.round()).toBe('done');
      expect(await runs(RETENTION_JOB)).toHaveLength(2);
      expect(errors).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('a stalled import is taken up by one replica only, once (issue 11: SKIP LOCKED claim under the job lock)', async () => {
    const a = replica(dbA);
    const b = replica(dbB);
    try {
      // An import whose process died long ago, with no upload kept: the claim fails it (nothing runs in the background).
      const { id } = await createImport({ db: dbA }, { format: 'ndjson', fileName: 'perdu.ndjson', actor: 'ops@pix.test', spool: null });
      await dbA.query(`UPDATE session_imports SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      at += PARAMETERS.sessions.housekeepingIntervalSeconds * 1000;
      const together = await Promise.all([a.housekeeping.round(), b.housekeeping.round()]);
      expect(together.filter((o) => o === 'ran')).toHaveLength(1);
      const [job] = (await dbA.query(`SELECT status, attempts, failure FROM session_imports WHERE id = $1`, [id])) as Array<{
        status: string;
        attempts: number;
        failure: string;
      }>;
      // Its first run, then one claim (a second claim would count 3).
      expect(job).toMatchObject({ status: 'failed', attempts: 2 });
      expect(job!.failure).toContain('upload was not kept');
      expect(errors).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("QUO-3 a round on a new day moves the quotas dashboard's projection to that day (Paris), once", async () => {
    const a = replica(dbA);
    const basis = async () =>
      (await dbA.query(
        `SELECT to_char(as_of, 'YYYY-MM-DD') AS as_of, centre_target, network_target FROM dashboard_quota_basis`,
      )) as unknown[];
    const id = '0b6f3c52-5a55-4c55-9d4c-2f1f6f6f0a01';
    await dbA.query(
      `INSERT INTO organisations (id, name, category, email) VALUES ($1, 'Centre', 'datadock-training-provider', 'c@test.fr')`,
      [id],
    );
    await dbA.query(
      `INSERT INTO agrements (id, organisation_id, kind, state, start_on, term_on, first_grant_on, candidates, snapshot, quota_window_end_on)
       VALUES ($1, $1, 'centre', 'active', '2026-01-05', '2029-01-04', '2026-01-05', 10, '{}', '2029-01-05')`,
      [id],
    );
    const projected = async () => (await dbA.query(`SELECT quota_basis, quota_projected FROM dashboard_agrements`)) as unknown[];
    try {
      // 23:30 UTC on 6 December is already the 7th in Paris.
      at = Date.parse('2026-12-06T23:30:00Z');
      expect(await a.housekeeping.round()).toBe('ran');
      expect(await basis()).toEqual([{ as_of: '2026-12-07', centre_target: 600, network_target: 2500 }]);
      // 10 candidates in 336 days, over a window of 1,096: 32.
      expect(await projected()).toEqual([{ quota_basis: '2026-12-07/600/2500', quota_projected: 32 }]);
      at = Date.parse('2026-12-08T08:00:00Z');
      expect(await a.housekeeping.round()).toBe('ran');
      expect(await basis()).toEqual([{ as_of: '2026-12-08', centre_target: 600, network_target: 2500 }]);
      expect(await projected()).toEqual([{ quota_basis: '2026-12-08/600/2500', quota_projected: 32 }]);
      expect(errors).toEqual([]);
    } finally {
      await a.stop();
    }
  });
});
