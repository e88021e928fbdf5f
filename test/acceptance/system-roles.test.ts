import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig, type RuntimeConfig } from '../../src/config/env';
import type { ProcessRole } from '../../src/config/topology';
import { type MailCapture, startMailCapture } from '../../src/mail/infra/capture-server';
import { DEMO_COMMITMENTS } from '../../src/seed/demo';
import { seedDemoUsers } from '../../src/seed/users';
import { type DevServerHandle, startTemporalDevServer } from '../../src/shared/temporal/dev-server';
import { type RunningProcess, type RunningSystem, startProcess, startSystem } from '../../src/system';
import { until } from '../support/waiting';
import { getFreePort } from '../../src/shared/tools/cache-dir';

/**
 * Issue 15: the production topology on one machine — one Temporal dev server and one PostgreSQL (the run's
 * database, migrated beforehand as `npm run migrate` would), an API process (ROLE=api) and a worker process
 * (ROLE=worker) that share nothing but them. An application submitted through the API is processed by the worker.
 */
const log = (role: string) => (m: string) => process.stderr.write(`[${role}] ${m}\n`);
let dataDir: string;
let temporal: DevServerHandle;
let smtp: MailCapture;
let api: RunningSystem;
let worker: RunningProcess | undefined;
const taskQueue = `roles-${randomUUID()}`;

function replica(role: ProcessRole): RuntimeConfig {
  const base = loadConfig();
  return {
    ...base,
    dataDir: path.join(dataDir, role),
    apiPort: 0,
    // A replica holds no owner credentials: the least-privilege role only, on a database migrated beforehand.
    databaseUrl: null,
    appDatabaseUrl: inject('databaseUrl'),
    temporalAddress: temporal.address,
    taskQueue,
    smtpUrl: smtp.url,
    topology: { ...base.topology!, role },
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'pix-roles-'));
  temporal = await startTemporalDevServer({ dataDir: path.join(dataDir, 'temporal'), log: log('temporal') });
  smtp = await startMailCapture({ port: 0, dir: path.join(dataDir, 'smtp') });
  api = await startSystem(replica('api'), log('api'));
}, 10 * 60_000);

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await smtp?.close();
  await temporal?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The pollers Temporal sees on the run's task queue (workflow tasks): the worker processes, never the API. */
async function workflowPollers(): Promise<string[]> {
  const res = await api.client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue, kind: 1 },
    taskQueueType: 1,
  });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

describe('issue 15: ROLE=api and ROLE=worker as separate processes over one Temporal and one PostgreSQL', () => {
  it('a replica refuses to connect as a role that could rewrite the audit log (the owner)', async () => {
    await expect(startProcess({ ...replica('worker'), appDatabaseUrl: inject('ownerDatabaseUrl') }, log('refused'))).rejects.toThrow(
      /database role .* (is a superuser|owns event_log)/,
    );
  });

  it('a replica that cannot reach a service says which one, where, and by which setting', async () => {
    // Nothing listens there: the port was free a moment ago and is not bound by anyone in this test.
    const nowhere = `127.0.0.1:${await getFreePort()}`;
    await expect(startProcess({ ...replica('api'), temporalAddress: nowhere }, log('unreachable'))).rejects.toThrow(
      new RegExp(`^Temporal at ${nowhere} \\(TEMPORAL_ADDRESS\\) did not answer: `),
    );
    const database = new URL(inject('databaseUrl'));
    database.port = nowhere.split(':')[1]!;
    await expect(startProcess({ ...replica('worker'), appDatabaseUrl: database.toString() }, log('unreachable'))).rejects.toThrow(
      new RegExp(`^PostgreSQL at ${nowhere} \\(APP_DATABASE_URL\\) did not answer: connect ECONNREFUSED`),
    );
    const stranger = new URL(inject('databaseUrl'));
    stranger.username = 'nobody_here';
    await expect(startProcess({ ...replica('worker'), appDatabaseUrl: stranger.toString() }, log('unreachable'))).rejects.toThrow(
      /^PostgreSQL at .* \(APP_DATABASE_URL\) refused the connection: .*nobody_here/,
    );
  });

  it('APP-1 an application submitted through the API is processed by the worker: its workflow runs, its acknowledgement is sent', async () => {
    expect(api.role).toBe('api');
    const tokens = await seedDemoUsers(api.db);
    const email = `roles-${randomUUID()}@centre.example`;
    const res = await fetch(`${api.urls.api}/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.operations}` },
      body: JSON.stringify({
        kind: 'individual',
        organisation: { name: 'Centre des rôles', category: 'datadock-training-provider', department: '35', email },
        argument: 'Former et certifier les compétences numériques de nos stagiaires.',
        referent: { name: 'Alex Martin', email: `referent-${email}` },
        commitments: DEMO_COMMITMENTS,
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const acknowledgement = async () =>
      (await api.db.query(`SELECT sent_at FROM email_outbox WHERE recipient = $1 AND template = 'application-acknowledged'`, [email])) as {
        sent_at: Date | null;
      }[];
    // The API started the workflow; with no worker on the task queue, nothing of it has run (no acknowledgement).
    expect(await workflowPollers()).toEqual([]);
    const described = await api.client.workflow.getHandle(`application-${id}`).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(await acknowledgement()).toEqual([]);

    worker = await startProcess(replica('worker'), log('worker'));
    expect(worker).toMatchObject({ role: 'worker', app: null, urls: { api: null } });
    await until(workflowPollers, (pollers) => pollers.length > 0);
    // The worker ran the workflow's opening (APP-1) and its outbox delivered the acknowledgement to SMTP.
    await until(acknowledgement, (rows) => rows.length === 1 && rows[0]!.sent_at !== null, 120_000, 200);
    const mail = await until(
      async () => smtp.messages().filter((m) => m.to.includes(email)),
      (found) => found.length === 1,
    );
    expect(mail[0]!.template).toBe('application-acknowledged');
    const history = await api.client.workflow.getHandle(`application-${id}`).fetchHistory();
    expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'registerApplication')).toBe(true);
  });
});
