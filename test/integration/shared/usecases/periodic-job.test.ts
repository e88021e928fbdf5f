import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataSource } from '../../../../src/shared/database/data-source';
import { periodicJobsRepository } from '../../../../src/shared/infra/periodic-jobs.repository';
import { startPeriodicJob } from '../../../../src/shared/usecases/periodic-job';
import { gate } from '../../../support/gate';
import { until } from '../../../support/waiting';

/**
 * Issue 15 (docs/adr/0005): the job's lock in PostgreSQL, across two pools (two processes). Job names are
 * this file's own (the run's database is shared).
 */
let dbA: DataSource;
let dbB: DataSource;
let owner: Client;
const HOUR = 3_600_000;
const now = () => new Date('2026-12-01T10:00:00Z');

/** The processes holding the job's lock (advisory lock keys are stored as unsigned oids). */
const lockHolders = async (job: string) =>
  (
    await owner.query(
      `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
          AND l.classid::bigint = (hashtext('periodic-job')::bigint + 4294967296) % 4294967296
          AND l.objid::bigint = (hashtext($1)::bigint + 4294967296) % 4294967296`,
      [job],
    )
  ).rows as Array<{ pid: number }>;

beforeAll(async () => {
  dbA = await createDataSource(inject('databaseUrl'), { poolSize: 3 }).initialize();
  dbB = await createDataSource(inject('databaseUrl'), { poolSize: 3 }).initialize();
  owner = new Client({ connectionString: inject('ownerDatabaseUrl') });
  await owner.connect();
});
afterAll(async () => {
  await dbA?.destroy();
  await dbB?.destroy();
  await owner?.end();
});

describe('issue 15: a periodic job runs in one process at a time', () => {
  it('while one replica runs the job, the other does nothing, even a round of any period; then it may', async () => {
    const name = `test-periodic-${randomUUID()}`;
    const paused = gate();
    let started = 0;
    const a = startPeriodicJob(
      { jobs: periodicJobsRepository(dbA), now },
      { name, periodMs: HOUR, tickMs: null },
      async () => {
        started++;
        await paused.done;
      },
      () => undefined,
    );
    const b = startPeriodicJob(
      { jobs: periodicJobsRepository(dbB), now },
      { name, periodMs: HOUR, tickMs: null },
      async () => void started++,
      () => undefined,
    );
    const first = a.round();
    await until(
      async () => started,
      (n) => n === 1,
    );
    expect(await lockHolders(name)).toHaveLength(1);
    expect(await b.round({ anyPeriod: true })).toBe('busy');
    paused.open();
    expect(await first).toBe('ran');
    expect(await lockHolders(name)).toEqual([]);
    expect(await b.round()).toBe('done');
    expect(await b.round({ anyPeriod: true })).toBe('ran');
    expect(started).toBe(2);
    expect(await periodicJobsRepository(dbA).runsOf(name)).toMatchObject([{ job: name, runner: a.runner, periodMs: HOUR, error: null }]);
  });

  it('a replica whose connection dies mid-round (killed) frees the job at once: the next round elsewhere runs', async () => {
    const name = `test-periodic-${randomUUID()}`;
    const paused = gate();
    const errors: unknown[] = [];
    let at = Date.parse('2026-12-01T10:00:00Z');
    const clock = () => new Date(at);
    const a = startPeriodicJob(
      { jobs: periodicJobsRepository(dbA), now: clock },
      { name, periodMs: HOUR, tickMs: null },
      () => paused.done,
      (e) => errors.push(e),
    );
    let ranOnB = 0;
    const b = startPeriodicJob(
      { jobs: periodicJobsRepository(dbB), now: clock },
      { name, periodMs: HOUR, tickMs: null },
      async () => void ranOnB++,
      () => undefined,
    );
    const stuck = a.round();
    const [holder] = await until(
      () => lockHolders(name),
      (rows) => rows.length === 1,
    );
    await owner.query('SELECT pg_terminate_backend($1)', [holder!.pid]);
    await until(
      () => lockHolders(name),
      (rows) => rows.length === 0,
    );
    // Its period was claimed: the next period is taken by the other replica.
    expect(await b.round()).toBe('done');
    at += HOUR;
    expect(await b.round()).toBe('ran');
    expect(ranOnB).toBe(1);
    paused.open();
    // The dead round's release fails with its connection: reported, never thrown.
    expect(await stuck).toBe('failed');
    expect(errors).toHaveLength(1);
  });
});
