import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createActivities } from './activities';
import { createApp } from './http/create-app';
import type { RuntimeConfig } from './config/env';
import type { ProcessRole } from './config/topology';
import { createDataSource } from './shared/database/data-source';
import { assertMigrated, migrate } from './shared/database/migrate';
import { type MailCapture, startMailCapture } from './mail/infra/capture-server';
import { createMailer, type Mailer } from './mail/infra/mailer';
import { startDatabase } from './shared/database/postgres';
import { startTemporalDevServer } from './shared/temporal/dev-server';
import { createWorker } from './worker';
import { ensureStatementSchedule } from './billing/infra/statement-schedule';
import { startSessionHousekeeping } from './sessions/usecases/housekeeping';
import { startOutboxDelivery } from './mail/usecases/outbox';
import type { Log } from './shared/tools/cache-dir';
import { supervise } from './shared/tools/supervise';
import { withTimeout } from './shared/tools/with-timeout';
import { databaseAddress, reachedAtStart } from './shared/dependency-at-start';
import { PARAMETERS } from './config/parameters';
import { localAuditKeyring } from './shared/event-log/keys';
import { configureAudit } from './shared/event-log/settings';
import { assertLeastPrivilege, localAppPassword, prepareAppDatabase } from './shared/database/app-role';
import { temporalConnectOptions } from './shared/temporal/connection-options';
import { bundleRequired } from './workflow-code';
import { startAuditCheckpoints } from './audit/usecases/checkpoint-round';
import { closeGracefully } from './http/observability/graceful-close';

/** Issue 15: what a process of any role runs (startProcess); the API's fields are null in a worker-only process. */
export interface RunningProcess {
  urls: { api: string | null; docs: string | null; temporalUi: string | null; mail: string | null };
  /** Issue 15: what this process runs (ROLE). */
  role: ProcessRole;
  /** The owner's URL (migrations); a single-role process, which never migrates, has the app role's only. */
  databaseUrl: string;
  /** Issue 12: the least-privilege role's URL, which `db` (the API and worker) uses. */
  appDatabaseUrl: string;
  temporalAddress: string;
  db: DataSource;
  client: Client;
  /** Null in a worker-only process (ROLE=worker). */
  app: INestApplication | null;
  stop(): Promise<void>;
}

/** A process that serves the API (ROLE=all, the default, or api). */
export interface RunningSystem extends RunningProcess {
  urls: { api: string; docs: string; temporalUi: string | null; mail: string | null };
  app: INestApplication;
}

/** A stop was asked (a signal) while the system was starting: what had started is stopped again. */
export class StartAborted extends Error {
  constructor() {
    super('stopped during start-up');
  }
}

/**
 * The composition root: brings up (or connects to) PostgreSQL, Temporal and SMTP,
 * then the worker and the API over them. Everything it started, it stops, in reverse.
 * Issue 15: ROLE=api runs the API only, ROLE=worker the worker and the periodic work only, each against
 * external services already migrated (N replicas of each); ROLE=all (the default) runs everything, as ./dev start.
 * `shutdown` aborted during start-up (Ctrl-C) stops what has started and rejects with StartAborted.
 */
export async function startSystem(config: RuntimeConfig, log: Log, shutdown?: AbortSignal): Promise<RunningSystem> {
  const running = await startProcess(config, log, shutdown);
  if (!running.app) {
    await running.stop();
    throw new Error('startSystem serves the API: a worker-only process (ROLE=worker) starts with startProcess');
  }
  return running as RunningSystem;
}

/** Issue 15: the process of any role (ROLE): api, worker or all. */
export async function startProcess(config: RuntimeConfig, log: Log, shutdown?: AbortSignal): Promise<RunningProcess> {
  const stops: (() => Promise<unknown> | unknown)[] = [];
  // Each step of the stop is bounded: a service that does not answer (PostgreSQL down) never holds the others.
  const stop = async () => {
    // Issue 15: the steps that let requests and activities finish get their grace on top.
    const ms = PARAMETERS.resilience.stopStepTimeoutMs + config.observability.shutdownGraceMs;
    for (const s of stops.reverse()) {
      try {
        await withTimeout(Promise.resolve(s()), ms, `a step did not stop within ${ms} ms`);
      } catch (err) {
        log(`while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  // Between the steps of the start: a stop asked meanwhile ends it there.
  const proceed = () => {
    if (shutdown?.aborted) throw new StartAborted();
  };
  const role: ProcessRole = config.topology?.role ?? 'all';
  const runsApi = role !== 'worker';
  const runsWorker = role !== 'api';
  const poolSize = config.topology?.database.poolSize;
  try {
    if (role !== 'all') {
      // Issue 15: a replica joins services that run already, as the least-privilege role, on a migrated database.
      const appDatabaseUrl = config.appDatabaseUrl;
      if (!appDatabaseUrl || !config.temporalAddress)
        throw new Error(`ROLE=${role} needs APP_DATABASE_URL and TEMPORAL_ADDRESS (it starts no embedded PostgreSQL or Temporal)`);
      await reachedAtStart('PostgreSQL', { address: databaseAddress(appDatabaseUrl), setting: 'APP_DATABASE_URL' }, () =>
        assertLeastPrivilege(appDatabaseUrl),
      );
      await assertMigrated(appDatabaseUrl);
      log(`ROLE=${role}: PostgreSQL as ${decodeURIComponent(new URL(appDatabaseUrl).username)}, Temporal at ${config.temporalAddress}`);
    }
    const startDb = (port: number) =>
      startDatabase({ dataDir: path.join(config.dataDir, 'postgres'), port, databaseName: 'pix_agrement', log });
    const database =
      role !== 'all'
        ? { url: config.databaseUrl ?? config.appDatabaseUrl!, stop: async () => undefined }
        : config.databaseUrl
          ? { url: config.databaseUrl, stop: async () => undefined }
          : await startDb(config.databasePort);
    if ('exited' in database) {
      // Embedded: restarted on its port if its process dies; connections in the pool reconnect.
      const supervised = supervise('PostgreSQL', database, () => startDb(Number(new URL(database.url).port)), log, shutdown);
      stops.push(() => supervised.stop());
    } else {
      stops.push(() => database.stop());
    }
    proceed();
    let appDatabaseUrl = config.appDatabaseUrl!;
    if (role === 'all') {
      // Issue 15: under an advisory lock, so that two processes starting together never migrate at once.
      const applied = await reachedAtStart(
        'PostgreSQL',
        { address: databaseAddress(database.url), setting: config.databaseUrl ? 'DATABASE_URL' : null },
        () => migrate(database.url),
      );
      if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
      // Issue 12: migrations run as the owner; the API and worker as a role that may only INSERT and SELECT the log.
      appDatabaseUrl = await prepareAppDatabase(database.url, {
        appDatabaseUrl: config.appDatabaseUrl,
        role: config.appDatabaseRole,
        password: () => config.appDatabasePassword ?? localAppPassword(config.dataDir),
      });
    }
    // Its own pool, closed by its own stop: a process running another system (a test, a start that failed beside a
    // running one) keeps its connections.
    const db = await createDataSource(appDatabaseUrl, { poolSize }).initialize();
    stops.push(() => db.destroy());
    // Issue 12: the audit log's keys (outside the database) and its checkpoint sink.
    configureAudit({
      keyring: config.auditKeyring ?? localAuditKeyring(config.dataDir),
      checkpointDir: config.auditCheckpointDir ?? path.join(config.dataDir, 'audit-checkpoints'),
    });

    proceed();
    const startTemporal = (port: number, uiPort: number) => startTemporalDevServer({ dataDir: config.dataDir, port, uiPort, log });
    const temporal = config.temporalAddress
      ? { address: config.temporalAddress, uiUrl: null, stop: async () => undefined }
      : await startTemporal(config.temporalPort, config.temporalUiPort);
    if ('exited' in temporal) {
      // Embedded: restarted on the same ports and SQLite file (workflows survive); the worker and client reconnect.
      const ports = { grpc: Number(temporal.address.split(':').at(-1)), ui: Number(new URL(temporal.uiUrl ?? 'http://x:0').port) };
      const supervised = supervise('Temporal dev server', temporal, () => startTemporal(ports.grpc, ports.ui), log, shutdown);
      stops.push(() => supervised.stop());
    } else {
      stops.push(() => temporal.stop());
    }

    proceed();
    let capture: MailCapture | undefined;
    if (runsWorker) {
      let smtpUrl = config.smtpUrl;
      if (!smtpUrl) {
        capture = await startMailCapture({ port: config.mailCapturePort, dir: path.join(config.dataDir, 'mail') });
        stops.push(() => capture!.close());
        smtpUrl = capture.url;
      }
      const mailer: Mailer = createMailer({ smtpUrl, from: config.mailFrom });
      stops.push(() => mailer.close());
      // The e-mail outbox's sender: what the workflows and the API queued goes out from here, once each,
      // whenever SMTP answers (stopped before the mailer closes).
      const outbox = startOutboxDelivery(
        { db, mailer },
        { onError: (err) => log(`e-mail outbox: ${err instanceof Error ? err.message : String(err)}`) },
      );
      stops.push(() => outbox.stop());
      // Issue 12: signed checkpoints of the log's head, to the sink and the legal team: now, periodically, and at stop.
      const stopCheckpoints = await startAuditCheckpoints(
        { db, operationsEmail: config.operationsEmail, legalEmail: config.legalEmail, now: () => new Date() },
        (err) => log(`audit checkpoint: ${err instanceof Error ? err.message : String(err)}`),
      );
      stops.push(stopCheckpoints);
    }

    proceed();
    // Issue 15: TLS, mTLS or an API key to a self-hosted cluster or Temporal Cloud (plaintext to the embedded dev server).
    const connectOptions = temporalConnectOptions(temporal.address, config.temporalAddress ? config.topology?.temporal : undefined);
    const temporalAt = { address: temporal.address, setting: config.temporalAddress ? 'TEMPORAL_ADDRESS' : null };
    if (runsWorker) {
      const nativeConnection = await reachedAtStart('Temporal', temporalAt, () => NativeConnection.connect(connectOptions));
      stops.push(() => nativeConnection.close());
      const worker: Worker = await createWorker({
        connection: nativeConnection,
        namespace: config.temporalNamespace,
        taskQueue: config.taskQueue,
        db,
        activities: createActivities({ db, operationsEmail: config.operationsEmail, legalEmail: config.legalEmail }),
        requireBundle: bundleRequired({ production: config.topology?.production, role }),
        tuning: config.topology?.worker,
        // Issue 15: at the stop, running activities get the grace to finish before they are cancelled.
        shutdownGraceMs: config.observability.shutdownGraceMs,
      });
      const workerRun = worker.run();
      stops.push(async () => {
        // Issue 15: after the API has drained (its requests may wait on workflows this worker runs); the runtime
        // installed by scripts/start.ts leaves the signals to this ordered stop. Only ask if it still runs.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      });
    }

    // Issue 11: an unreachable Temporal fails a call within seconds (503), instead of retrying for 20 s.
    const connection = await reachedAtStart('Temporal', temporalAt, () =>
      Connection.connect({
        ...connectOptions,
        interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: PARAMETERS.resilience.temporalCallAttempts }))],
      }),
    );
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: config.temporalNamespace });
    // BIL-1: the monthly statements' schedule (1st of the month, 06:00 Europe/Paris); idempotent across replicas.
    if (runsWorker) await ensureStatementSchedule(client, config.taskQueue);

    proceed();
    let app: INestApplication | null = null;
    if (runsApi) {
      app = await createApp({
        applications: { db, temporal: client, taskQueue: config.taskQueue, now: () => new Date() },
        mailCapture: capture,
        corsAllowedOrigins: config.corsAllowedOrigins,
        importLimits: config.importLimits,
        throttle: config.throttle,
        metricsToken: config.observability.metricsToken,
        mailRecipients: { operationsEmail: config.operationsEmail, legalEmail: config.legalEmail },
      });
      // Issue 15: HOST (0.0.0.0 in a container); the loopback interface by default.
      await app.listen(config.apiPort, config.topology?.listenHost ?? '127.0.0.1');
      const started = app;
      // Issue 15: stops accepting connections, lets the requests in flight finish (SHUTDOWN_GRACE_MS).
      stops.push(() => closeGracefully(started, config.observability.shutdownGraceMs));
    }
    if (runsWorker) {
      // SES-10, QUO-3: workflow calls and counts left undelivered by a failed call or a stopped run; stalled imports.
      const stopHousekeeping = startSessionHousekeeping(
        { db, temporal: client, taskQueue: config.taskQueue, now: () => new Date() },
        (err) => log(`sessions housekeeping: ${err instanceof Error ? err.message : String(err)}`),
      );
      stops.push(stopHousekeeping);
    }
    proceed();
    const api = app ? (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost') : null;

    return {
      urls: { api, docs: api && `${api}/docs`, temporalUi: temporal.uiUrl, mail: capture && api ? `${api}/mail` : null },
      role,
      databaseUrl: database.url,
      appDatabaseUrl,
      temporalAddress: temporal.address,
      db,
      client,
      app,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
