import type { INestApplication } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/create-app';
import { PARAMETERS } from '../../../src/config/parameters';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDataSource } from '../../../src/shared/database/data-source';
import { startDatabase } from '../../../src/shared/database/postgres';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { runningAgrement } from '../../support/agrement-fixtures';
import { createHarness, type Harness, serveApi } from '../../support/harness';
import { requestJson } from '../../support/http';

/**
 * Issue 11: losing PostgreSQL or Temporal is reported, not hidden: readiness names the dependency down,
 * calls fail fast with 503 and Retry-After (an action's outcome is then unknown: retry with the same key).
 */
let h: Harness;
const apps: INestApplication[] = [];
let deadDb: DataSource;
let unreachable: Client;

beforeAll(async () => {
  h = await createHarness();
  // A real PostgreSQL server of its own, stopped once the pool is connected: the outage as production sees it.
  const server = await startDatabase({
    dataDir: mkdtempSync(path.join(tmpdir(), 'pix-down-')),
    databaseName: 'down',
    log: () => undefined,
  });
  deadDb = createDataSource(server.url);
  await deadDb.initialize();
  await server.stop();
  const connection = await Connection.lazy({
    address: '127.0.0.1:1',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))],
  });
  unreachable = new Client({ connection });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await deadDb?.destroy().catch(() => undefined);
  await h?.close();
});

async function serve(deps: { db?: DataSource; temporal?: Client }): Promise<string> {
  const app = await createApp(
    {
      applications: { db: deps.db ?? h.db, temporal: deps.temporal ?? h.client, taskQueue: h.taskQueue, now: () => new Date() },
      dashboardCacheMs: 0,
      principalCacheMs: 0,
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  apps.push(app);
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

describe('dependencies down (issue 11)', () => {
  it('all up: /health/ready says so; /health/live answers', async () => {
    const { app, url } = await serveApi(h);
    apps.push(app);
    const ready = await requestJson(`${url}/health/ready`, 'GET');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
    expect((await requestJson(`${url}/health/live`, 'GET')).status).toBe(200);
  });

  it('Temporal unreachable: readiness 503 naming it, with Retry-After; a legal action answers 503 at once and the agrément is unchanged', async () => {
    const { start, handle } = await runningAgrement(h, dateIn(new Date(), 'Europe/Paris'));
    const before = (await handle.query('state')) as { version: number };
    const url = await serve({ temporal: unreachable });
    const ready = await requestJson(`${url}/health/ready`, 'GET');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe(String(PARAMETERS.resilience.retryAfterSeconds));
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      down: ['temporal'],
      checks: { database: { status: 'up' }, temporal: { status: 'down' } },
    });
    const token = await h.tokenFor('legal');
    const suspend = await requestJson(`${url}/agrements/${start.agrementId}/actions/suspend`, 'POST', {
      token,
      body: { reason: 'Fraude signalée' },
    });
    expect(suspend.status).toBe(503);
    expect(suspend.headers.get('retry-after')).toBe(String(PARAMETERS.resilience.retryAfterSeconds));
    expect(suspend.body).toMatchObject({ dependency: 'temporal' });
    expect(((await handle.query('state')) as { version: number }).version).toBe(before.version);
  });

  it('PostgreSQL unreachable: readiness 503 naming it; an authenticated call answers 503, not 500', async () => {
    const token = await h.tokenFor('operations');
    const url = await serve({ db: deadDb });
    const ready = await requestJson(`${url}/health/ready`, 'GET');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ down: ['database'], checks: { database: { status: 'down' }, temporal: { status: 'up' } } });
    const list = await requestJson(`${url}/agrements`, 'GET', { token });
    expect(list.status).toBe(503);
    expect(list.body).toMatchObject({ dependency: 'database' });
    expect(list.headers.get('retry-after')).toBe(String(PARAMETERS.resilience.retryAfterSeconds));
  });
});
