/**
 * `npm run bench:deadlines`: how fast SES-10 session-deadline workflows start compared with a workflow
 * that does nothing, on real components (embedded PostgreSQL, the Temporal CLI dev server, a worker
 * with every activity in its own process). Everything runs in a temporary directory and is stopped
 * at the end. The worker runs the compiled code and loads a bundle built beforehand, as a production worker
 * does (`npm run build`): its memory is not webpack's nor tsx's.
 *
 * Issue 15's targets, printed met or missed: session starts ≥ 95 % of the no-op's rate, and the worker's RSS under
 * 500 MB once 100,000 sessions wait. The worker takes its tuning from the production variables
 * (WORKER_MAX_CACHED_WORKFLOWS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, WORKER_MAX_CONCURRENT_ACTIVITIES: README
 * "Environment (production)"), so a setting is measured as it will run.
 *
 * Env: BENCH_WORKFLOWS (100000, per kind; lower it for a quick try), BENCH_CONCURRENCY (64 starts in flight), BENCH_WARMUP (200 per kind),
 * BENCH_ROUNDS (10 alternating rounds), BENCH_DRAIN_TIMEOUT_S (3600: the worker's RSS is read once every session waits), BENCH_DIR (parent of the temporary directory,
 * default the system's; /dev/shm takes the dev server's SQLite fsyncs out of the measure). DATABASE_URL and TEMPORAL_ADDRESS are ignored: the bench never writes
 * 100,000 sessions into a shared database or server.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { workerTuning } from '../src/config/topology';
import { isoDate } from '../src/shared/domain/dates';
import type { SessionDeadlineInput } from '../src/sessions/workflows/definitions';
import { sessionWorkflowId } from '../src/sessions/workflows/definitions';
import { runMain } from './run-main';

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const int = (name: string, fallback: number) => {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
};
const TASK_QUEUE = 'bench-deadlines';
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

// ---------------------------------------------------------------------------------------------
// Worker mode: the forked child runs the production worker (all workflows, all activities).
// ---------------------------------------------------------------------------------------------

async function workerMain(): Promise<void> {
  const { NativeConnection, Runtime, DefaultLogger } = await import('@temporalio/worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { createActivities } = await import('../src/activities');
  const { dataSourceFor, closeDataSources } = await import('../src/shared/database/data-source');
  const { createMailer } = await import('../src/mail/infra/mailer');
  const { createWorker } = await import('../src/worker');
  const { startOutboxDelivery } = await import('../src/mail/usecases/outbox');
  // As a production worker: the bundle was built beforehand (by the orchestrator, as `npm run build` does), never webpack here.
  const codePath = process.env.BENCH_WORKFLOW_BUNDLE!;
  const db = await dataSourceFor(process.env.BENCH_DATABASE_URL!);
  const mailer = createMailer({ smtpUrl: process.env.BENCH_SMTP_URL!, from: '"Pix bench" <bench@pix.fr>' });
  const outbox = startOutboxDelivery({ db, mailer });
  const connection = await NativeConnection.connect({ address: process.env.BENCH_TEMPORAL_ADDRESS! });
  const worker = await createWorker({
    connection,
    taskQueue: TASK_QUEUE,
    db,
    workflowBundle: { codePath },
    activities: createActivities({ db, operationsEmail: 'ops@bench.test', legalEmail: 'legal@bench.test' }),
    tuning: workerTuning(process.env),
  });
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const sampler = setInterval(sample, 200);
  const running = worker.run();
  process.on('message', (msg: { type: string }) => {
    if (msg?.type === 'rss') {
      sample();
      process.send!({ type: 'rss', rss: process.memoryUsage().rss, peak });
    } else if (msg?.type === 'stop') {
      clearInterval(sampler);
      worker.shutdown();
    }
  });
  process.send!({ type: 'ready' });
  await running;
  await connection.close();
  await outbox.stop();
  mailer.close();
  await closeDataSources();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Orchestrator
// ---------------------------------------------------------------------------------------------

/** Runs `count` calls of `fn` with at most `concurrency` in flight; returns the elapsed milliseconds. */
async function pool(count: number, concurrency: number, fn: (i: number) => Promise<unknown>, label: string): Promise<number> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const progress = setInterval(() => log(`${label}: ${done}/${count} started`), 5000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        for (let i = next++; i < count; i = next++) {
          await fn(i);
          done++;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  return performance.now() - started;
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`${what}: not reached after ${timeoutMs / 1000} s`);
  return null;
}

function askWorker(child: ChildProcess, type: string): Promise<{ type: string; rss: number; peak: number }> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; rss: number; peak: number }) => {
      if (m?.type === type) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

async function main(): Promise<void> {
  const total = int('BENCH_WORKFLOWS', 100_000);
  const concurrency = Math.max(1, int('BENCH_CONCURRENCY', 64));
  const warmup = int('BENCH_WARMUP', 200);
  const drainTimeoutMs = int('BENCH_DRAIN_TIMEOUT_S', 3600) * 1000;
  delete process.env.DATABASE_URL;
  delete process.env.TEMPORAL_ADDRESS;

  const { startDatabase } = await import('../src/shared/database/postgres');
  const { migrate } = await import('../src/shared/database/migrate');
  const { dataSourceFor, closeDataSources } = await import('../src/shared/database/data-source');
  const { startTemporalDevServer } = await import('../src/shared/temporal/dev-server');
  const { startMailCapture } = await import('../src/mail/infra/capture-server');

  const dir = mkdtempSync(path.join(process.env.BENCH_DIR || tmpdir(), 'pix-bench-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when started by root
  const stops: Array<() => Promise<unknown> | unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted: stopping everything…');
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // Issue 12: a throwaway audit key for the bench's throwaway database (inherited by its child processes).
    process.env.AUDIT_LOG_KEYS ||= `bench:${randomBytes(32).toString('base64')}`;
    const database = await startDatabase({ dataDir: path.join(dir, 'postgres'), databaseName: 'pix_bench', log });
    stops.push(() => database.stop());
    await migrate(database.url);
    const db = await dataSourceFor(database.url);
    stops.push(() => closeDataSources());
    const temporal = await startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), log });
    stops.push(() => temporal.stop());
    const capture = await startMailCapture({ port: 0, dir: path.join(dir, 'mail') });
    stops.push(() => capture.close());

    // The bench's bundle (every production workflow and the no-op), built once here as `npm run build` builds
    // production's: the worker's memory is then what a production worker holds, not webpack's leftovers.
    const { writeWorkflowBundle } = await import('../src/worker');
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    const bundled = await writeWorkflowBundle(bundlePath, require.resolve('./bench/workflows'));
    log(`workflows bundled in ${(bundled.ms / 1000).toFixed(1)} s (${mb(bundled.bytes)})`);

    const child = fork(__filename, ['--worker'], {
      execArgv: process.execArgv,
      env: {
        ...process.env,
        BENCH_DATABASE_URL: database.url,
        BENCH_TEMPORAL_ADDRESS: temporal.address,
        BENCH_SMTP_URL: capture.url,
        BENCH_WORKFLOW_BUNDLE: bundlePath,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stops.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
    });
    const starting = performance.now();
    await new Promise<void>((resolve, reject) => {
      child.once('message', (m: { type: string }) => (m?.type === 'ready' ? resolve() : reject(new Error(`unexpected ${m?.type}`))));
      child.once('exit', (code) => reject(new Error(`the worker exited (code ${code}) before it was ready`)));
    });
    const idle = await askWorker(child, 'rss');
    log(`worker ready in ${((performance.now() - starting) / 1000).toFixed(1)} s; ${mb(idle.rss)} RSS idle`);

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });
    const tag = randomUUID().slice(0, 8);

    // Sessions days ahead: each workflow records its opening, then waits for its first reminder.
    const inAWeek = isoDate(new Date(Date.now() + 7 * 86_400_000));
    const startSession = (prefix: string) => (i: number) => {
      const input: SessionDeadlineInput = {
        sessionId: `${prefix}-${tag}-${i}`,
        centreId: randomUUID(),
        agrementOrganisationId: null,
        centreName: `Centre ${i}`,
        centreEmail: `centre-${i}@bench.test`,
        date: inAWeek,
        endTime: '16:00',
        timeZone: 'Europe/Paris',
        candidates: 20,
      };
      return client.workflow.start('sessionDeadlineWorkflow', {
        workflowId: sessionWorkflowId(input.sessionId),
        taskQueue: TASK_QUEUE,
        args: [input],
      });
    };
    const startNoop = (prefix: string) => (i: number) =>
      client.workflow.start('noopWorkflow', { workflowId: `${prefix}-${tag}-${i}`, taskQueue: TASK_QUEUE, args: [] });
    const openings = async () => {
      const [row]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM event_log WHERE stream_type = 'session' AND type = 'deadline-scheduled'`,
      );
      return Number(row!.n);
    };
    const noopsCompleted = async (prefix: string) =>
      (
        await client.workflow.count(
          `WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Completed' AND WorkflowId STARTS_WITH '${prefix}-${tag}'`,
        )
      ).count;

    if (warmup > 0) {
      log(`warm-up: ${warmup} of each kind`);
      await pool(warmup, concurrency, startNoop('warm-noop'), 'warm-up noop');
      await pool(warmup, concurrency, startSession('warm-session'), 'warm-up sessions');
      await waitFor('warm-up openings', drainTimeoutMs, async () => (await openings()) >= warmup);
    }

    // Alternating rounds (order swapped each round), so load from anything else on the machine and each
    // kind's backlog in the worker weigh on both kinds alike.
    const rounds = Math.max(1, Math.min(int('BENCH_ROUNDS', 10), total));
    log(`${total} workflows of each kind in ${rounds} alternating rounds, ${concurrency} starts in flight…`);
    const before = await openings();
    const startedAt = performance.now();
    let noopMs = 0;
    let sessionMs = 0;
    for (let r = 0; r < rounds; r++) {
      const from = Math.floor((total * r) / rounds);
      const count = Math.floor((total * (r + 1)) / rounds) - from;
      const noop = async () =>
        (noopMs += await pool(count, concurrency, (i) => startNoop('noop')(from + i), `round ${r + 1}/${rounds} noop`));
      const sessions = async () =>
        (sessionMs += await pool(count, concurrency, (i) => startSession('session')(from + i), `round ${r + 1}/${rounds} sessions`));
      if (r % 2 === 0) {
        await noop();
        await sessions();
      } else {
        await sessions();
        await noop();
      }
      log(
        `round ${r + 1}/${rounds}: ${((total * (r + 1)) / rounds / (noopMs / 1000)).toFixed(1)} noop starts/s, ${((total * (r + 1)) / rounds / (sessionMs / 1000)).toFixed(1)} session starts/s so far`,
      );
    }
    const lastStart = performance.now();
    const sessionDrainMs = await waitFor('session openings recorded', drainTimeoutMs, async () => (await openings()) - before >= total);
    const noopsDone = await waitFor('noop completions', drainTimeoutMs, async () => (await noopsCompleted('noop')) >= total).catch(
      (err: unknown) => {
        log(`counting completions failed (${err instanceof Error ? err.message : String(err)})`);
        return null;
      },
    );
    const noopDrainMs = noopsDone === null ? null : performance.now() - lastStart;
    const settledMs = sessionDrainMs === null || noopsDone === null ? null : performance.now() - startedAt;
    const afterAll = await askWorker(child, 'rss');

    const noopRate = total / (noopMs / 1000);
    const sessionRate = total / (sessionMs / 1000);
    const lines = [
      '',
      `Session-deadline bench (${total} workflows per kind in ${rounds} alternating rounds, ${concurrency} starts in flight, ${warmup} warm-up each)`,
      `  noop workflow             ${noopRate.toFixed(1).padStart(7)} starts/s  (${(noopMs / 1000).toFixed(1)} s of starts${noopDrainMs === null ? '' : `; all completed ${(noopDrainMs / 1000).toFixed(1)} s after the last start`})`,
      `  session-deadline (SES-10) ${sessionRate.toFixed(1).padStart(7)} starts/s  (${(sessionMs / 1000).toFixed(1)} s of starts${sessionDrainMs === null ? '' : `; all openings recorded ${(sessionDrainMs / 1000).toFixed(1)} s after the last start`})`,
      `  ratio                     ${((sessionRate / noopRate) * 100).toFixed(1).padStart(7)} %         (target ≥ 95 %: ${sessionRate / noopRate >= 0.95 ? 'met' : 'missed'})`,
      settledMs === null
        ? ''
        : `  end to end                ${((2 * total) / (settledMs / 1000)).toFixed(1).padStart(7)} workflows/s (both kinds, from the first start until every noop completed and every session recorded its opening)`,
      sessionDrainMs === null
        ? `  worker RSS                ${mb(idle.rss)} idle, ${mb(afterAll.rss)} with openings still unrecorded (peak ${mb(afterAll.peak)}; target < 500 MB once all wait: not judged)`
        : `  worker RSS                ${mb(idle.rss)} idle, ${mb(afterAll.rss)} with ${total} sessions waiting (peak ${mb(afterAll.peak)}; target < 500 MB: ${afterAll.rss < 500_000_000 ? 'met' : 'missed'})`,
      `  worker tuning             ${JSON.stringify(workerTuning(process.env))} (null: the SDK's default)`,
      `  machine                   ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; data in ${dir}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!interrupted) await stopAll();
  }
}

if (process.argv.includes('--worker')) {
  workerMain().catch((err: unknown) => {
    process.stderr.write(`[bench worker] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  runMain(main, log);
}
