/**
 * The shared kernel's ports: what its use cases need of storage, as plain types (no TypeORM). The PostgreSQL
 * implementations are the `*.repository.ts` factories of src/shared/infra.
 */

// ---------------------------------------------------------------------------------------------------------
// Periodic jobs across replicas (periodic-jobs.repository.ts, issue 15, docs/adr/0005)

/** A job's exclusive lock, held until `release` (by one process among all replicas). */
export interface JobLock {
  release(): Promise<void>;
}

/** One row of periodic_job_runs: the period `period` (of `periodMs`) of `job`, run by `runner`. */
export interface PeriodicJobRun {
  job: string;
  period: number;
  periodMs: number;
  runner: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface PeriodicJobsRepository {
  /** The job's lock if no process holds it (never waits); null when another round of the job is running somewhere. */
  tryLock(job: string): Promise<JobLock | null>;
  /** Claims the period for `runner`: false when the period was already claimed (by any process). */
  claimPeriod(run: { job: string; period: number; periodMs: number; runner: string }): Promise<boolean>;
  /** Records how the claimed period ended, and forgets the job's runs started more than `keepDays` ago. */
  finishPeriod(run: { job: string; period: number; error: string | null }, keepDays: number): Promise<void>;
  /** The job's recorded runs, oldest period first. */
  runsOf(job: string): Promise<PeriodicJobRun[]>;
}
