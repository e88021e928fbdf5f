import { describe, expect, it } from 'vitest';
import type { PeriodicJobRun, PeriodicJobsRepository } from '../../../../src/shared/usecases/ports';
import { startPeriodicJob } from '../../../../src/shared/usecases/periodic-job';
import { gate } from '../../../support/gate';

/** periodic_job_runs and the advisory locks, in memory (the PostgreSQL ones: test/integration/shared/periodic-jobs.test.ts). */
function inMemoryJobs(): PeriodicJobsRepository & { rows: PeriodicJobRun[] } {
  const locked = new Set<string>();
  const rows: PeriodicJobRun[] = [];
  return {
    rows,
    async tryLock(job) {
      if (locked.has(job)) return null;
      locked.add(job);
      return { release: async () => void locked.delete(job) };
    },
    async claimPeriod(run) {
      if (rows.some((r) => r.job === run.job && r.period === run.period)) return false;
      rows.push({ ...run, startedAt: '', finishedAt: null, error: null });
      return true;
    },
    async finishPeriod(run) {
      const row = rows.find((r) => r.job === run.job && r.period === run.period)!;
      row.finishedAt = 'now';
      row.error = run.error;
    },
    async runsOf(job) {
      return rows.filter((r) => r.job === job);
    },
  };
}

const HOUR = 3_600_000;

describe('periodic jobs across replicas (issue 15, docs/adr/0005)', () => {
  it('two instances of a job: the period runs once, whichever ticks first; the next period runs once again', async () => {
    const jobs = inMemoryJobs();
    let at = Date.parse('2026-12-01T10:00:00Z');
    const deps = { jobs, now: () => new Date(at) };
    let runs = 0;
    const a = startPeriodicJob(
      deps,
      { name: 'j', periodMs: HOUR, tickMs: null },
      async () => void runs++,
      () => undefined,
    );
    const b = startPeriodicJob(
      deps,
      { name: 'j', periodMs: HOUR, tickMs: null },
      async () => void runs++,
      () => undefined,
    );
    expect(await b.round()).toBe('ran');
    at += 30 * 60_000;
    expect(await a.round()).toBe('done');
    at += 30 * 60_000;
    expect(await a.round()).toBe('ran');
    expect(await b.round()).toBe('done');
    expect(runs).toBe(2);
    expect(jobs.rows.map((r) => r.runner)).toEqual([b.runner, a.runner]);
    expect(a.runner).not.toBe(b.runner);
  });

  it('a round while another instance runs the job does nothing (busy); a round asked while its own runs joins it; stop waits for it', async () => {
    const jobs = inMemoryJobs();
    const deps = { jobs, now: () => new Date('2026-12-01T10:00:00Z') };
    const paused = gate();
    let started = 0;
    const a = startPeriodicJob(
      deps,
      { name: 'j', periodMs: HOUR, tickMs: null },
      async () => {
        started++;
        await paused.done;
      },
      () => undefined,
    );
    const b = startPeriodicJob(
      deps,
      { name: 'j', periodMs: HOUR, tickMs: null },
      async () => void started++,
      () => undefined,
    );
    const first = a.round();
    const joined = a.round();
    expect(joined).toBe(first);
    // A's lock is taken once its round reached the work.
    while (started === 0) await new Promise((r) => setImmediate(r));
    expect(await b.round({ anyPeriod: true })).toBe('busy');
    let stopped = false;
    const stopping = a.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    paused.open();
    await stopping;
    expect(await first).toBe('ran');
    expect(started).toBe(1);
    // The lock is free again: a round of any period runs, even this one's.
    expect(await b.round({ anyPeriod: true })).toBe('ran');
    expect(started).toBe(2);
    expect(jobs.rows).toHaveLength(1);
  });

  it('a failing round goes to onError, never rejects, and records its error on the period', async () => {
    const jobs = inMemoryJobs();
    const errors: unknown[] = [];
    const job = startPeriodicJob(
      { jobs, now: () => new Date('2026-12-01T10:00:00Z') },
      { name: 'j', periodMs: HOUR, tickMs: null },
      () => Promise.reject(new Error('down')),
      (e) => errors.push(e),
    );
    await expect(job.round()).resolves.toBe('failed');
    await job.stop();
    expect(errors).toEqual([new Error('down')]);
    expect(jobs.rows).toMatchObject([{ job: 'j', error: 'down', finishedAt: 'now' }]);
  });
});
