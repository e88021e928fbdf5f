import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createActivities } from './activities';
import { createApp } from './http/create-app';
import type { RuntimeConfig } from './config/env';
import { closeDataSources, dataSourceFor } from './shared/database/data-source';
import { migrate } from './shared/database/migrate';
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
import { PARAMETERS } from './config/parameters';
import { localAuditKeyring } from './shared/event-log/keys';
import { configureAudit } from './shared/event-log/settings';
import { localAppPassword, prepareAppDatabase } from './shared/database/app-role';
import { startAuditCheckpoints } from './audit/usecases/checkpoint-round';

export interface RunningSystem {
  urls: { api: string; docs: string; temporalUi: string | null; mail: string | null };
  /** The owner's URL (migrations). */
  databaseUrl: string;
  /** Issue 12: the least-privilege role's URL, which `db` (the API and worker) uses. */
  appDatabaseUrl: string;
  temporalAddress: string;
  db: DataSource;
  client: Client;
  app: INestApplication;
  stop(): Promise<void>;
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
 * `shutdown` aborted during start-up (Ctrl-C) stops what has started and rejects with StartAborted.
 */
export async function startSystem(config: RuntimeConfig, log: Log, shutdown?: AbortSignal): Promise<RunningSystem> {
  const stops: (() => Promise<unknown> | unknown)[] = [];
  // Each step of the stop is bounded: a service that does not answer (PostgreSQL down) never holds the others.
  const stop = async () => {
    const ms = PARAMETERS.resilience.stopStepTimeoutMs;
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
  try {
    const startDb = (port: number) =>
      startDatabase({ dataDir: path.join(config.dataDir, 'postgres'), port, databaseName: 'pix_agrement', log });
    const database = config.databaseUrl ? { url: config.databaseUrl, stop: async () => undefined } : await startDb(config.databasePort);
    if ('exited' in database) {
      // Embedded: restarted on its port if its process dies; connections in the pool reconnect.
      const supervised = supervise('PostgreSQL', database, () => startDb(Number(new URL(database.url).port)), log, shutdown);
      stops.push(() => supervised.stop());
    } else {
      stops.push(() => database.stop());
    }
    proceed();
    const applied = await migrate(database.url);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    // Issue 12: migrations run as the owner; the API and worker as a role that may only INSERT and SELECT the log.
    const appDatabaseUrl = await prepareAppDatabase(database.url, {
      appDatabaseUrl: config.appDatabaseUrl,
      role: config.appDatabaseRole,
      password: () => config.appDatabasePassword ?? localAppPassword(config.dataDir),
    });
    const db = await dataSourceFor(appDatabaseUrl);
    stops.push(() => closeDataSources());
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

    proceed();
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => nativeConnection.close());
    const worker: Worker = await createWorker({
      connection: nativeConnection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      db,
      activities: createActivities({ db, operationsEmail: config.operationsEmail, legalEmail: config.legalEmail }),
    });
    const workerRun = worker.run();
    stops.push(async () => {
      // The SDK's runtime shuts its workers down itself on SIGINT/SIGTERM: only ask if it still runs.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });

    // Issue 11: an unreachable Temporal fails a call within seconds (503), instead of retrying for 20 s.
    const connection = await Connection.connect({
      address: temporal.address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: PARAMETERS.resilience.temporalCallAttempts }))],
    });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: config.temporalNamespace });
    // BIL-1: the monthly statements' schedule (1st of the month, 06:00 Europe/Paris).
    await ensureStatementSchedule(client, config.taskQueue);

    proceed();
    const app = await createApp({
      applications: { db, temporal: client, taskQueue: config.taskQueue, now: () => new Date() },
      mailCapture: capture,
      corsAllowedOrigins: config.corsAllowedOrigins,
      importLimits: config.importLimits,
      throttle: config.throttle,
    });
    await app.listen(config.apiPort, '127.0.0.1');
    stops.push(() => app.close());
    // SES-10, QUO-3: workflow calls and counts left undelivered by a failed call or a stopped run; stalled imports.
    const stopHousekeeping = startSessionHousekeeping({ db, temporal: client, taskQueue: config.taskQueue, now: () => new Date() }, (err) =>
      log(`sessions housekeeping: ${err instanceof Error ? err.message : String(err)}`),
    );
    stops.push(stopHousekeeping);
    proceed();
    const api = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');

    return {
      urls: { api, docs: `${api}/docs`, temporalUi: temporal.uiUrl, mail: capture ? `${api}/mail` : null },
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
