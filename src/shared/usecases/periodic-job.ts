import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { PARAMETERS } from '../../config/parameters';
import type { PeriodicJobsRepository } from './ports';

/**
 * What a round did: ran the work; found the job running in another process (`busy`) or its period already
 * run (`done`), and did nothing; or ran it and failed (the error went to `onError`).
 */
export type RoundOutcome = 'ran' | 'failed' | 'busy' | 'done';

export interface PeriodicJobSpec {
  /** The job's name, the same in every replica: its lock and its periods are keyed by it. */
  name: string;
  /** One round per period: periods are `periodMs` long, counted from the epoch (the same for every replica). */
  periodMs: number;
  /**
   * How often this process looks (default: twice per period, so that a timer's drift never skips a period);
   * null: only when `round()` is called (tests drive the rounds).
   */
  tickMs?: number | null;
}

export interface PeriodicJob {
  /** Who runs the rounds of this instance (periodic_job_runs.runner): host, process, instance. */
  readonly runner: string;
  /**
   * A round now: the work runs unless another process runs the job at this moment, or (without `anyPeriod`)
   * the current period already ran. A round asked while this instance's round runs joins it. Never rejects.
   */
  round(options?: { anyPeriod?: boolean }): Promise<RoundOutcome>;
  /** Stops the timer and waits for the round in progress. */
  stop(): Promise<void>;
}

/**
 * Issue 15, docs/adr/0005: a job that runs once per period across all the replicas that start it. Each round
 * takes the job's lock (PostgreSQL advisory lock: never two rounds at once, anywhere), then claims the
 * current period in periodic_job_runs (a replica ticking later in the same period finds it claimed), runs the
 * work and records how it ended. A process that dies mid-round releases the lock with its connection; its
 * period is not run again, the next one takes up what was left (every job's work is a catch-up of what is
 * due, idempotent). `anyPeriod` rounds (the audit checkpoint at start and stop) run under the lock even when
 * the period already ran. The period comes from `now` (deps.now: the tests move it; replicas' clocks agree
 * to NTP's precision, and a period is claimed at most once whatever the clocks say).
 */
export function startPeriodicJob(
  deps: { jobs: PeriodicJobsRepository; now: () => Date },
  spec: PeriodicJobSpec,
  work: () => Promise<unknown>,
  onError: (err: unknown) => void,
): PeriodicJob {
  const runner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const { name: job, periodMs } = spec;

  const gated = async (anyPeriod: boolean): Promise<RoundOutcome> => {
    const lock = await deps.jobs.tryLock(job);
    if (!lock) return 'busy';
    try {
      const period = Math.floor(deps.now().getTime() / periodMs);
      const claimed = await deps.jobs.claimPeriod({ job, period, periodMs, runner });
      if (!claimed && !anyPeriod) return 'done';
      let failure: unknown = null;
      try {
        await work();
      } catch (err) {
        failure = err;
      }
      if (claimed)
        await deps.jobs.finishPeriod(
          { job, period, error: failure === null ? null : failure instanceof Error ? failure.message : String(failure) },
          PARAMETERS.jobs.historyDays,
        );
      if (failure !== null) throw failure;
      return 'ran';
    } finally {
      await lock.release();
    }
  };

  // One round at a time in this process: a round asked while one runs joins it (and its outcome).
  let running: Promise<RoundOutcome> | null = null;
  const round = (anyPeriod: boolean): Promise<RoundOutcome> =>
    (running ??= gated(anyPeriod)
      .catch((err: unknown): RoundOutcome => {
        onError(err);
        return 'failed';
      })
      .finally(() => (running = null)));
  const tickMs = spec.tickMs === undefined ? Math.max(1000, Math.floor(periodMs / 2)) : spec.tickMs;
  const timer = tickMs === null ? null : setInterval(() => void round(false), tickMs);
  timer?.unref(); // the timer does not keep the process alive
  return {
    runner,
    round: (options) => round(options?.anyPeriod === true),
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
