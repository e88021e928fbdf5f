import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../../src/activities';
import { agrementWorkflowId } from '../../../../src/agrement/workflows/definitions';
import { readStream } from '../../../../src/shared/event-log/event-log';
import { configureLogging } from '../../../../src/shared/observability/logger';
import { installTemporalRuntime } from '../../../../src/shared/observability/temporal-runtime';
import { getFreePort } from '../../../../src/shared/tools/cache-dir';
import { createWorker } from '../../../../src/worker';
import { agrementStart, insertOrganisation, runningAgrement } from '../../../support/agrement-fixtures';
import { createHarness, type Harness, LEGAL_EMAIL, OPERATIONS_EMAIL, workflowBundle } from '../../../support/harness';
import { until } from '../../../support/waiting';

/**
 * Issue 15: the worker's side of observability — the Temporal SDK's Runtime, installed once per process before any
 * connection (as scripts/start.ts does), forwards the SDK's lines (activities' included) to the product's JSON log
 * with their workflow id, run id and activity type, and serves the SDK's metrics for Prometheus; a worker stopping
 * lets its running activities finish within the grace.
 */
const lines: string[] = [];
let h: Harness;
let metricsUrl: string;

beforeAll(async () => {
  configureLogging({ format: 'json', level: 'debug', destination: { write: (line) => lines.push(line) } });
  const address = `127.0.0.1:${await getFreePort()}`;
  // Before the harness connects: the test environment then uses this runtime (support/temporal.ts keeps it).
  installTemporalRuntime({ workerMetricsAddress: address, level: 'debug' });
  metricsUrl = `http://${address}/metrics`;
  h = await createHarness();
});
afterAll(async () => {
  // The SDK's stop lines (info) stay out of the test output.
  configureLogging({ format: 'text', level: 'warn' });
  await h?.close();
});

const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the Temporal SDK runtime (issue 15)', () => {
  it("an activity's lines carry its workflow id, run id and activity type (and never its task token)", async () => {
    const { handle } = await h.run(() => runningAgrement(h, '2026-01-05'));
    const completed = await until(
      async () => logged().filter((l) => l.msg === 'Activity completed' && l.workflowId === handle.workflowId),
      (found) => found.length > 0,
    );
    expect(completed[0]).toMatchObject({
      level: 'debug',
      component: 'temporal',
      sdkComponent: 'worker',
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
      activityType: 'recordAgrement',
      workflowType: 'agrementWorkflow',
    });
    expect(completed[0]).not.toHaveProperty('taskToken');
    expect(completed[0]).not.toHaveProperty('workflowRunId');
  });

  it("the SDK's runtime metrics are served for Prometheus on WORKER_METRICS_ADDRESS", async () => {
    await h.run(() => runningAgrement(h, '2026-01-05'));
    const text = await until(
      async () => (await fetch(metricsUrl)).text(),
      (t) => t.includes('temporal_activity_execution_latency') && t.includes(`task_queue="${h.taskQueue}"`),
    );
    expect(text).toMatch(new RegExp(`temporal_activity_execution_latency\\w*\\{[^}]*activity_type="recordAgrement"[^}]*\\}`));
    expect(text).toContain('temporal_worker_task_slots_available');
  });

  it('a worker stopping lets its running activity finish within the grace, instead of cancelling it', async () => {
    const taskQueue = `grace-${randomUUID()}`;
    const real = createActivities({ db: h.db, operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL }) as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >;
    let started!: () => void;
    const activityStarted = new Promise<void>((resolve) => (started = resolve));
    let wasCancelled = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const worker = await createWorker({
      connection: h.env.nativeConnection,
      taskQueue,
      db: h.db,
      workflowBundle: await workflowBundle(),
      shutdownGraceMs: 120_000,
      activities: {
        ...real,
        // The agrément's first record, held until the test lets go; a cancellation (no grace) fails it.
        async recordAgrement(...args: unknown[]) {
          const { cancelled } = Context.current();
          cancelled.catch(() => (wasCancelled = true));
          started();
          await Promise.race([released, cancelled]);
          return real.recordAgrement!(...args);
        },
      },
    });
    const running = worker.run();
    const start = agrementStart('2026-01-05');
    await insertOrganisation(h.db, start);
    const handle = await h.client.workflow.start('agrementWorkflow', {
      workflowId: agrementWorkflowId(start.organisationId),
      taskQueue,
      args: [{ start }],
    });
    await activityStarted;

    worker.shutdown();
    try {
      // Meanwhile other work goes on (a workflow on the harness's worker, to its first record): without a grace, the
      // held activity would have been cancelled by then.
      await h.run(() => runningAgrement(h, '2026-01-05'));
      expect(['STOPPING', 'DRAINING']).toContain(worker.getState());
      expect(wasCancelled).toBe(false);
    } finally {
      release();
      await running;
    }
    expect(worker.getState()).toBe('STOPPED');

    // The attempt completed: the record is in the log, and the history has the activity completed, not failed.
    expect((await readStream(h.db, 'agrement', start.agrementId)).length).toBeGreaterThan(0);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
    expect(events.some((e) => e.activityTaskFailedEventAttributes)).toBe(false);
  });
});
