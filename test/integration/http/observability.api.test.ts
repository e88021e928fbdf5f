import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { ApiDeps } from '../../../src/http/app.module';
import { createApp } from '../../../src/http/create-app';
import { closeGracefully } from '../../../src/http/observability/graceful-close';
import { configureLogging } from '../../../src/shared/observability/logger';
import { createHarness, type Harness } from '../../support/harness';
import { requestJson } from '../../support/http';
import { until } from '../../support/waiting';

/**
 * Issue 15: what operations see of a running API — a request id on every answer and one JSON line per request,
 * Prometheus metrics behind the scrape token, and a stop that lets the requests in flight finish.
 */
const METRICS_TOKEN = `metrics-${randomUUID()}-${randomUUID()}`;
let h: Harness;
let ops: string;
const lines: string[] = [];
const apps: INestApplication[] = [];

async function serve(
  options: Pick<ApiDeps, 'metricsToken' | 'corsAllowedOrigins'> & { db?: DataSource; nestLogs?: boolean } = {},
): Promise<{ app: INestApplication; url: string }> {
  const { db, nestLogs, ...deps } = options;
  const app = await createApp(
    {
      applications: { db: db ?? h.db, temporal: h.client, taskQueue: h.taskQueue, now: () => new Date() },
      principalCacheMs: 0,
      dashboardCacheMs: 0,
      ...deps,
    },
    nestLogs ? {} : { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  apps.push(app);
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** The JSON lines logged for one request id. */
function linesOf(requestId: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((entry) => entry.requestId === requestId);
}

/**
 * Until the API's query waits on the test's lock: read from a connection of its own (within the locking transaction,
 * pg_stat_activity would be a snapshot taken at its first read).
 */
async function waitingOnTheLock(): Promise<void> {
  const watcher = new PgClient({ connectionString: inject('ownerDatabaseUrl') });
  await watcher.connect();
  try {
    await until(
      async () =>
        (
          await watcher.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM sco_campaign_windows%'`,
          )
        ).rows[0]!.n,
      (n) => n > 0,
    );
  } finally {
    await watcher.end();
  }
}

beforeAll(async () => {
  configureLogging({ format: 'json', level: 'info', destination: { write: (line) => lines.push(line) } });
  h = await createHarness();
  // The worker polls, as with every served API (its teardown expects it running).
  void h.run(async () => undefined);
  ops = await h.tokenFor('operations');
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  configureLogging({ format: 'text', level: 'warn' });
  await h?.close();
});

describe('request ids and JSON logs (issue 15)', () => {
  it('X-Request-Id is echoed, and the request is one JSON line: method, route template, status, duration, user', async () => {
    const { url } = await serve();
    const requestId = `obs-${randomUUID()}`;
    const res = await requestJson(`${url}/campaign-windows`, 'GET', { token: ops, headers: { 'X-Request-Id': requestId } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const logged = await until(
      async () => linesOf(requestId),
      (l) => l.length > 0,
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'info',
      component: 'http',
      msg: 'request',
      method: 'GET',
      route: '/campaign-windows',
      status: 200,
      userId: expect.any(String),
    });
    expect(logged[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof logged[0]!.time).toBe('string');
  });

  it('without an acceptable X-Request-Id, one is generated; the route is the template, never the path with its ids', async () => {
    const { url } = await serve();
    const id = randomUUID();
    const res = await requestJson(`${url}/agrements/${id}`, 'GET', { token: ops, headers: { 'X-Request-Id': 'not acceptable: spaces' } });
    expect(res.status).toBe(404);
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const [line] = await until(
      async () => linesOf(requestId),
      (l) => l.length > 0,
    );
    expect(line).toMatchObject({ route: '/agrements/:id', path: `/agrements/${id}`, status: 404 });
  });
  it("an unexpected error: its stack is logged with the request's id, and the request's line is an error", async () => {
    // The run's database, but the campaign windows' query fails unexpectedly (not an outage: a 500).
    const faulty = new Proxy(h.db, {
      get(target, prop) {
        if (prop === 'query')
          return (sql: string, params?: unknown[]) =>
            sql.includes('FROM sco_campaign_windows')
              ? Promise.reject(new Error('unexpected: injected by the test'))
              : target.query(sql, params);
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { url } = await serve({ db: faulty, nestLogs: true });
    const requestId = `fail-${randomUUID()}`;
    const res = await requestJson(`${url}/campaign-windows`, 'GET', { token: ops, headers: { 'X-Request-Id': requestId } });
    expect(res.status).toBe(500);
    const logged = await until(
      async () => linesOf(requestId),
      (l) => l.length >= 2,
    );
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        component: 'nest',
        context: 'API',
        msg: expect.stringContaining('unexpected: injected by the test'),
      }),
      expect.objectContaining({ level: 'error', component: 'http', msg: 'request', status: 500, route: '/campaign-windows' }),
    ]);
  });

  it('a page of an allowed origin may send its request id and read the answer’s', async () => {
    const { url } = await serve({ corsAllowedOrigins: ['https://ops.pix.fr'] });
    const res = await fetch(`${url}/campaign-windows`, {
      headers: { authorization: `Bearer ${ops}`, origin: 'https://ops.pix.fr', 'x-request-id': 'from-the-page' },
    });
    expect(res.headers.get('x-request-id')).toBe('from-the-page');
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');
    const pre = await fetch(`${url}/campaign-windows`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ops.pix.fr', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-request-id' },
    });
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-request-id');
  });

  it('in a terminal (text format), an answered request is debug and a refused one info: the seed does not scroll ./dev start away', async () => {
    const text: string[] = [];
    configureLogging({ format: 'text', level: 'info', destination: { write: (line) => text.push(line) } });
    try {
      const { url } = await serve();
      const answered = `obs-${randomUUID()}`;
      const refused = `obs-${randomUUID()}`;
      expect((await requestJson(`${url}/campaign-windows`, 'GET', { token: ops, headers: { 'X-Request-Id': answered } })).status).toBe(200);
      expect(
        (await requestJson(`${url}/agrements/${randomUUID()}`, 'GET', { token: ops, headers: { 'X-Request-Id': refused } })).status,
      ).toBe(404);
      await until(
        async () => text.filter((l) => l.includes(refused)),
        (found) => found.length > 0,
      );
      expect(text.filter((l) => l.includes(answered))).toEqual([]);
    } finally {
      configureLogging({ format: 'json', level: 'info', destination: { write: (line) => lines.push(line) } });
    }
  });
});

describe('GET /metrics (issue 15)', () => {
  it('404 while METRICS_TOKEN is unset: the API serves no metrics', async () => {
    const { url } = await serve();
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
  });

  it('401 without the scrape token, or with a user token: it opens /metrics only, and only it does', async () => {
    const { url } = await serve({ metricsToken: METRICS_TOKEN });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ops}` } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    // The scrape token is no user token.
    expect((await requestJson(`${url}/campaign-windows`, 'GET', { token: METRICS_TOKEN })).status).toBe(401);
  });

  it('Prometheus text: the request histogram by route template and status, and the default Node metrics', async () => {
    const { url } = await serve({ metricsToken: METRICS_TOKEN });
    expect((await requestJson(`${url}/campaign-windows`, 'GET', { token: ops })).status).toBe(200);
    expect((await requestJson(`${url}/agrements/${randomUUID()}`, 'GET', { token: ops })).status).toBe(404);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    // Prometheus's text exposition format.
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/campaign-windows",status="200"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/agrements\/:id",status="404"\} [1-9]/);
    // No path with an id becomes a label.
    expect(text).not.toMatch(/route="\/agrements\/[0-9a-f]{8}-/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
  });
});

describe('graceful stop of the API (issue 15)', () => {
  it('a request in flight when the stop begins completes; new connections are refused meanwhile', async () => {
    const { app, url } = await serve();
    const port = Number(new URL(url).port);
    // The request is held inside PostgreSQL: its table is locked by the owner until the test lets go.
    const owner = new PgClient({ connectionString: inject('ownerDatabaseUrl') });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query('LOCK TABLE sco_campaign_windows IN ACCESS EXCLUSIVE MODE');
      const requestId = `slow-${randomUUID()}`;
      const slow = requestJson(`${url}/campaign-windows`, 'GET', { token: ops, headers: { 'X-Request-Id': requestId } });
      await waitingOnTheLock();

      let stopped = false;
      const stopping = closeGracefully(app, 60_000).then(() => (stopped = true));
      // The listening socket closes at once: a new connection is refused while the request is still in flight.
      const refused = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      expect(refused).toBe('ECONNREFUSED');
      expect(stopped).toBe(false);

      await owner.query('COMMIT');
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(Array.isArray(answer.body)).toBe(true);
      await stopping;
      expect(linesOf(requestId)).toMatchObject([{ status: 200, route: '/campaign-windows' }]);
    } finally {
      await owner.query('ROLLBACK').catch(() => undefined);
      await owner.end();
    }
  });

  it('a request still in flight past the grace is cut, and the stop ends', async () => {
    const { app, url } = await serve();
    const owner = new PgClient({ connectionString: inject('ownerDatabaseUrl') });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query('LOCK TABLE sco_campaign_windows IN ACCESS EXCLUSIVE MODE');
      const slow = fetch(`${url}/campaign-windows`, { headers: { authorization: `Bearer ${ops}` } }).then(
        (res) => `answered ${res.status}`,
        () => 'cut',
      );
      await waitingOnTheLock();
      await closeGracefully(app, 0);
      expect(await slow).toBe('cut');
    } finally {
      await owner.query('ROLLBACK').catch(() => undefined);
      await owner.end();
    }
  });
});
