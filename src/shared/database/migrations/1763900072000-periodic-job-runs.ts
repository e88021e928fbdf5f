import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: periodic work runs once per period across replicas (docs/adr/0005). A round of a job takes the
 * job's advisory lock, then claims its period here (the primary key: a second replica ticking in the same
 * period finds the row and does nothing). The rows say which process ran which period, and how it ended;
 * they are kept PARAMETERS.jobs.historyDays.
 */
export class PeriodicJobRuns1763900072000 implements MigrationInterface {
  name = 'PeriodicJobRuns1763900072000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS periodic_job_runs (
        job text NOT NULL,
        period bigint NOT NULL,
        period_ms bigint NOT NULL,
        runner text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        error text,
        PRIMARY KEY (job, period)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS periodic_job_runs_started_idx ON periodic_job_runs (job, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS periodic_job_runs`);
  }
}
