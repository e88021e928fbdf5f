import type { DataSource } from 'typeorm';
import type { JobLock, PeriodicJobRun, PeriodicJobsRepository } from '../usecases/ports';

/**
 * Issue 15 (docs/adr/0005): periodic jobs in PostgreSQL. The lock is a session-level advisory lock on a
 * connection of its own, held while the round runs (its work uses the pool's other connections): a process
 * that dies loses its connection, and PostgreSQL releases the lock at once. The key's first half names the
 * kind of lock (no other advisory lock of the application uses it), the second the job.
 */
export function periodicJobsRepository(db: DataSource): PeriodicJobsRepository {
  return {
    async tryLock(job: string): Promise<JobLock | null> {
      const runner = db.createQueryRunner();
      await runner.connect();
      let locked = false;
      try {
        const [row]: Array<{ locked: boolean }> = await runner.query(
          `SELECT pg_try_advisory_lock(hashtext('periodic-job'), hashtext($1)) AS locked`,
          [job],
        );
        locked = row?.locked === true;
      } finally {
        if (!locked) await runner.release();
      }
      if (!locked) return null;
      return {
        async release() {
          try {
            await runner.query(`SELECT pg_advisory_unlock(hashtext('periodic-job'), hashtext($1))`, [job]);
          } catch (err) {
            // Not unlocked (the connection died, or the query failed): the connection is closed, never pooled
            // still holding the lock; its end releases the lock if it still held it.
            const pg = runner as unknown as { releasePostgresConnection?: (e: unknown) => Promise<void> };
            await (pg.releasePostgresConnection ? pg.releasePostgresConnection(err) : runner.release());
            throw err;
          }
          await runner.release();
        },
      };
    },

    async claimPeriod(run) {
      const rows: unknown[] = await db.query(
        `INSERT INTO periodic_job_runs (job, period, period_ms, runner) VALUES ($1, $2, $3, $4)
         ON CONFLICT (job, period) DO NOTHING RETURNING period`,
        [run.job, run.period, run.periodMs, run.runner],
      );
      return rows.length === 1;
    },

    async finishPeriod(run, keepDays) {
      await db.query(`UPDATE periodic_job_runs SET finished_at = now(), error = $3 WHERE job = $1 AND period = $2`, [
        run.job,
        run.period,
        run.error,
      ]);
      await db.query(`DELETE FROM periodic_job_runs WHERE job = $1 AND started_at < now() - make_interval(days => $2)`, [
        run.job,
        keepDays,
      ]);
    },

    async runsOf(job) {
      const rows: Array<{
        job: string;
        period: string;
        period_ms: string;
        runner: string;
        started_at: Date;
        finished_at: Date | null;
        error: string | null;
      }> = await db.query(
        `SELECT job, period, period_ms, runner, started_at, finished_at, error FROM periodic_job_runs WHERE job = $1 ORDER BY period`,
        [job],
      );
      return rows.map((r): PeriodicJobRun => ({
        job: r.job,
        period: Number(r.period),
        periodMs: Number(r.period_ms),
        runner: r.runner,
        startedAt: r.started_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        error: r.error,
      }));
    },
  };
}
