import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type WorkflowBundlePath, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, inject } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { createActivities } from '../../src/activities';
import type { ApiDeps } from '../../src/http/app.module';
import { createApp } from '../../src/http/create-app';
import { dataSourceFor } from '../../src/shared/database/data-source';
import { type MailCapture, startMailCapture } from '../../src/mail/infra/capture-server';
import { createMailer, type Mailer, type SendMailInput } from '../../src/mail/infra/mailer';
import { attentionInterceptors } from '../../src/attention/infra/attention-interceptor';
import { type OutboxSender, startOutboxDelivery } from '../../src/mail/usecases/outbox';
import type { Role } from '../../src/access/domain/roles';
import { tokenFor } from './auth';
import { createTestEnv } from './temporal';
import { until } from './waiting';

export const OPERATIONS_EMAIL = 'operations@pix.test';
export const LEGAL_EMAIL = 'juridique@pix.test';

/** The production workflow code, bundled once per `vitest run` by global setup (issue 13). */
export async function workflowBundle(): Promise<WorkflowBundlePath> {
  return { codePath: inject('workflowBundlePath') };
}

export interface Harness {
  env: TestWorkflowEnvironment;
  client: Client;
  db: DataSource;
  smtp: MailCapture;
  mailer: Mailer;
  taskQueue: string;
  worker: Worker;
  /** The e-mail outbox's sender, delivering to `smtp` (started with the harness, stopped by close()). */
  outbox: OutboxSender;
  /** SMTP outage: the sender's mailer points at a closed port until smtpUp() (the real mailer again). */
  smtpDown(): void;
  smtpUp(): void;
  /** Waits until no e-mail is pending in the outbox (all sent, or failed for good): what the SMTP server will ever receive is there. */
  mailSettled(timeoutMs?: number): Promise<void>;
  /** A token of a new user with this role (see support/auth.ts), for API tests. */
  tokenFor(role: Role, organisationId?: string | null): Promise<string>;
  /** Runs fn while the worker polls (the worker keeps polling until close()). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Real components for workflow and integration tests: the time-skipping test server,
 * the run's PostgreSQL database, and an in-process SMTP server that records what it receives.
 */
export async function createHarness(): Promise<Harness> {
  const env = await createTestEnv();
  const db = await dataSourceFor(inject('databaseUrl'));
  const smtp = await startMailCapture({ port: 0, dir: mkdtempSync(path.join(tmpdir(), 'pix-mail-')) });
  const mailer = createMailer({ smtpUrl: smtp.url, from: '"Pix – Agrément" <agrement@pix.fr>' });
  const taskQueue = `test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db, operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL }),
    interceptors: { activity: [attentionInterceptors(db)] },
  });
  // The outbox's sender, as the worker process runs it, over a mailer that a test may cut off. Retries are
  // quicker than in production (PARAMETERS.mail), so that a test sees several attempts within seconds.
  const closedPort = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: '"Pix – Agrément" <agrement@pix.fr>' });
  let current: Mailer = mailer;
  const switchable: Mailer = { send: (input: SendMailInput) => current.send(input), close: () => undefined };
  const outbox = startOutboxDelivery({ db, mailer: switchable }, { pollIntervalMs: 200, retryInitialMs: 100, retryMaxMs: 1_000 });
  async function mailSettled(timeoutMs = 20_000): Promise<void> {
    await until(
      async () => ((await db.query(`SELECT count(*)::int AS n FROM email_outbox WHERE status = 'pending'`)) as { n: number }[])[0]!.n,
      (n) => n === 0,
      timeoutMs,
    );
  }
  let running: Promise<void> | undefined;
  return {
    env,
    client: env.client,
    db,
    smtp,
    mailer,
    taskQueue,
    worker,
    outbox,
    smtpDown: () => void (current = closedPort),
    smtpUp: () => {
      current = mailer;
      outbox.wake();
    },
    mailSettled,
    tokenFor: (role, organisationId) => tokenFor(db, role, organisationId),
    run(fn) {
      running ??= worker.run();
      return fn();
    },
    async close() {
      if (running) {
        worker.shutdown();
        await running;
      }
      // What this file's tests queued goes to this file's SMTP capture, not to the next file's.
      current = mailer;
      await mailSettled().catch((err: unknown) => console.warn(`[harness] ${err instanceof Error ? err.message : String(err)}`));
      await outbox.stop();
      closedPort.close();
      mailer.close();
      await smtp.close();
      await env.teardown();
    },
  };
}

/**
 * Issue 12: the run's database as its owner (a superuser), for a test that plays a database writer who
 * bypasses the app (e.g. tampers with the audit log). The harness's `db` is the app's least-privilege role.
 */
export function ownerDb(): Promise<DataSource> {
  return dataSourceFor(inject('ownerDatabaseUrl'));
}

/** Waits until the SMTP server has received `count` messages matching the filter (a generous bound: the outbox delivers within a second or two, far more on a loaded CI machine); returns what arrived. */
export async function receivedMail(
  smtp: MailCapture,
  filter: (m: ReturnType<MailCapture['messages']>[number]) => boolean,
  count = 1,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp.messages().filter(filter);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The HTTP API over the harness's real components, on a free port, with the worker polling. */
export async function serveApi(
  h: Harness,
  {
    now = () => new Date(),
    ...options
  }: Pick<
    ApiDeps,
    'principalCacheMs' | 'dashboardCacheMs' | 'throttle' | 'throttleScope' | 'corsAllowedOrigins' | 'mailCapture' | 'importLimits'
  > & {
    /** The API's clock (default the real one): a test that computes "today" once pins it, or it straddles midnight. */
    now?: () => Date;
  } = {},
): Promise<{ app: INestApplication; url: string }> {
  void h.run(async () => undefined);
  // Dashboards computed on every request unless a test asks for the cache (dashboard.api.test.ts tests it).
  // Failed authentications counted for this API alone unless a test shares a scope (the run shares one database).
  const app = await createApp(
    {
      applications: { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now },
      dashboardCacheMs: 0,
      throttleScope: `test-${randomUUID()}`,
      mailRecipients: { operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL },
      ...options,
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** What an API test file works with: the harness, the served API's URL, and an operations token. */
export interface ServedApi {
  h: Harness;
  app: INestApplication;
  api: string;
  ops: string;
}

/**
 * One harness and one served API for the whole test file, with an operations token: started before its tests,
 * closed after them. `assign` hands them to the file's variables (`useApi((s) => ({ h, api, ops } = s))`).
 */
export function useApi(assign: (served: ServedApi) => void): void {
  let served: Partial<ServedApi> = {};
  beforeAll(async () => {
    const h = await createHarness();
    served = { h };
    const { app, url } = await serveApi(h);
    served = { h, app, api: url, ops: await h.tokenFor('operations') };
    assign(served as ServedApi);
  });
  afterAll(async () => {
    await served.app?.close();
    await served.h?.close();
  });
}
