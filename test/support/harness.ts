import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap, Worker } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inject } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { createActivities } from '../../src/activities';
import { createApp } from '../../src/api/create-app';
import { dataSourceFor } from '../../src/infra/database/data-source';
import { type MailCapture, startMailCapture } from '../../src/infra/mail/capture-server';
import { createMailer, type Mailer } from '../../src/infra/mail/mailer';
import { WORKFLOWS_PATH } from '../../src/infra/temporal/worker';
import type { Role } from '../../src/domain/access/roles';
import { tokenFor } from './auth';
import { createTestEnv } from './temporal';

export const OPERATIONS_EMAIL = 'operations@pix.test';
export const LEGAL_EMAIL = 'juridique@pix.test';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The production workflow code, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  return bundle;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  client: Client;
  db: DataSource;
  smtp: MailCapture;
  mailer: Mailer;
  taskQueue: string;
  worker: Worker;
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
    activities: createActivities({ db, mailer, operationsEmail: OPERATIONS_EMAIL, legalEmail: LEGAL_EMAIL }),
  });
  let running: Promise<void> | undefined;
  return {
    env,
    client: env.client,
    db,
    smtp,
    mailer,
    taskQueue,
    worker,
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
      mailer.close();
      await smtp.close();
      await env.teardown();
    },
  };
}

/** Waits until the SMTP server has received `count` messages matching the filter. */
export async function receivedMail(smtp: MailCapture, filter: (m: ReturnType<MailCapture['messages']>[number]) => boolean, count = 1, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp.messages().filter(filter);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The HTTP API over the harness's real components, on a free port, with the worker polling. */
export async function serveApi(h: Harness, options: { principalCacheMs?: number; dashboardCacheMs?: number } = {}): Promise<{ app: INestApplication; url: string }> {
  void h.run(async () => undefined);
  // Dashboards computed on every request unless a test asks for the cache (dashboard.api.test.ts tests it).
  const app = await createApp(
    { applications: { db: h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() }, dashboardCacheMs: 0, ...options },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
