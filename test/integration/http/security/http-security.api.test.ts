import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { bearer, tokenFor } from '../../../support/auth';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';

/**
 * Issue 12: security headers (helmet, CSP fitting the operations page), Cache-Control on authenticated answers,
 * an explicit CORS policy, 405 for a method a known path does not take, and 429 (Retry-After) on repeated
 * failed authentication and on expensive endpoints.
 */
let h: Harness;
const apps: INestApplication[] = [];
let api: string;
let operations: string;

async function serve(options: Parameters<typeof serveApi>[1] = {}): Promise<string> {
  const { app, url } = await serveApi(h, options);
  apps.push(app);
  return url;
}

beforeAll(async () => {
  h = await createHarness();
  api = await serve();
  operations = await tokenFor(h.db, 'operations');
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await h?.close();
});

const UNKNOWN = '5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f';

/** The CSP's directives by name. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy') ?? '';
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security headers (issue 12)', () => {
  it('the operations page: a CSP allowing only its own script, stylesheet and API calls; no framing, no sniffing, no referrer, no X-Powered-By', async () => {
    const res = await fetch(`${api}/`);
    expect(res.status).toBe(200);
    const policy = csp(res.headers);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    // Issue 14: one inline style allowed by its hash, the design system's colour scheme (nothing else inline).
    expect(policy.get('style-src')).toEqual([
      "'self'",
      `'sha256-${createHash('sha256').update(':root { color-scheme: light; }').digest('base64')}'`,
    ]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'"]);
    expect(policy.get('font-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
    // What the page loads is what the CSP allows: its own files, nothing inline.
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toMatch(/<script type="module" crossorigin src="\/web\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    // Revalidated by its ETag: unchanged, 304 without the page (node:http: fetch adds Cache-Control: no-cache to a
    // conditional request, which asks for the page again).
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${api}/`, { headers: { 'if-none-match': etag! } }, (r) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(again).toEqual({ status: 304, body: '' });
  });

  it('issue 14: the web app’s hashed files are served with their type and cached for good; anything else is 404', async () => {
    const html = await (await fetch(`${api}/`)).text();
    const [script] = html.match(/\/web\/assets\/index-[\w-]+\.js/) ?? [];
    const [style] = html.match(/\/web\/assets\/index-[\w-]+\.css/) ?? [];
    for (const [file, type] of [
      [script, 'text/javascript; charset=utf-8'],
      [style, 'text/css; charset=utf-8'],
    ] as const) {
      const res = await fetch(`${api}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toBe(type);
      expect(res.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options'), file).toBe('nosniff');
    }
    for (const path of [
      '/web/assets/no-such-file.js',
      '/web/assets/index.html',
      '/web/assets/..%2Findex.html',
      '/web/assets/..%2F..%2F..%2Fpackage.json',
      '/web/assets/%2e%2e',
      '/web/assets/.hidden.js',
      '/web/assets/constructor',
      '/web/app.js',
    ]) {
      expect((await fetch(`${api}${path}`)).status, path).toBe(404);
    }
  });

  it('every answer carries them: JSON, errors, assets', async () => {
    for (const [path, token] of [
      ['/applications', operations],
      ['/applications', null],
      ['/health/live', null],
      ['/web/assets/no-such-file.js', null],
      ['/no-such-route', null],
    ] as const) {
      const res = await fetch(`${api}${path}`, { headers: token ? bearer(token) : {} });
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(csp(res.headers).get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('/docs (Swagger UI) may use inline styles and data: images, still only its own scripts', async () => {
    const res = await fetch(`${api}/docs`);
    expect(res.status).toBe(200);
    const policy = csp(res.headers);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('authenticated answers are Cache-Control: no-store (JSON, CSV, refusals); the public page is not marked so', async () => {
    const centre = await tokenFor(h.db, 'centre');
    for (const [path, token, status] of [
      ['/applications', operations, 200],
      ['/dashboard/overview', operations, 200],
      ['/dashboard/deadlines?format=csv', operations, 200],
      ['/applications', null, 401],
      ['/audit/log/verification', centre, 403],
    ] as const) {
      const res = await fetch(`${api}${path}`, { headers: token ? bearer(token) : {} });
      expect(res.status, path).toBe(status);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      // Issue 15: and no ETag, a hash of the whole body no cache may use.
      expect(res.headers.get('etag'), path).toBeNull();
    }
    expect((await fetch(`${api}/`)).headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('CORS: same origin only unless CORS_ALLOWED_ORIGINS lists others (issue 12)', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/applications`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('by default another origin is never allowed: no Access-Control-Allow-Origin on answers or preflights', async () => {
    const res = await fetch(`${api}/applications`, { headers: { ...bearer(operations), origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight(api, 'https://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('an origin on the allow-list is allowed (with Authorization), another still not', async () => {
    const url = await serve({ corsAllowedOrigins: ['https://ops.pix.fr'] });
    const res = await fetch(`${url}/applications`, { headers: { ...bearer(operations), origin: 'https://ops.pix.fr' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ops.pix.fr');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const pre = await preflight(url, 'https://ops.pix.fr');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://ops.pix.fr');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await preflight(url, 'https://ops.pix.fr.evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('405 with Allow for a method a known path does not take (issue 12)', () => {
  it('DELETE /agrements, PUT /health, DELETE /agrements/:id: 405 with Allow; an unknown path stays 404; OPTIONS lists the methods', async () => {
    const del = await requestJson(`${api}/agrements`, 'DELETE', { token: operations });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect(del.body).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
    const put = await requestJson(`${api}/health`, 'PUT', { body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    const one = await requestJson(`${api}/agrements/${UNKNOWN}`, 'DELETE', { token: operations });
    expect(one.status).toBe(405);
    expect(one.headers.get('allow')).toBe('GET, HEAD');
    expect((await requestJson(`${api}/agrements/${UNKNOWN}/what-if`, 'GET', { token: operations })).headers.get('allow')).toBe('POST');
    expect((await requestJson(`${api}/no-such-route`, 'DELETE', { token: operations })).status).toBe(404);
    const options = await fetch(`${api}/agrements`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('every path of the OpenAPI document answers 405 with the methods it documents to a method it does not take', async () => {
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const templates = Object.entries(doc.paths).map(([template, ops]) => ({
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      methods: Object.keys(ops).map((m) => m.toUpperCase()),
    }));
    let checked = 0;
    for (const template of Object.keys(doc.paths)) {
      const path = template.replace(/\{[^}]+\}/g, UNKNOWN);
      // A concrete path may match several routes (/x/{id} and /x/regions): the union of their methods.
      const allowed = new Set(templates.filter((t) => t.pattern.test(path)).flatMap((t) => t.methods));
      if (allowed.has('GET')) allowed.add('HEAD');
      const method = ['DELETE', 'PUT', 'PATCH', 'POST', 'GET'].find((m) => !allowed.has(m));
      if (!method) continue;
      const res = await requestJson(`${api}${path}`, method, { token: operations });
      expect(res.status, `${method} ${template}`).toBe(405);
      expect(res.headers.get('allow')?.split(', ').sort(), `${method} ${template}`).toEqual([...allowed].sort());
      checked += 1;
    }
    expect(checked).toBeGreaterThan(50);
  });
});

/** A GET from another loopback address (127.0.0.2): another client, as the limiter sees it. */
function getFrom(localAddress: string, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, headers: bearer(token) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('throttling: failed authentication per client address (issue 12)', () => {
  const failedAuth = { limit: 3, windowSeconds: 60, blockSeconds: 30 };
  let url: string;
  beforeAll(async () => {
    url = await serve({ throttle: { failedAuth } });
  });

  it(`successes never count: ${failedAuth.limit * 5} authenticated calls all answer 200 (defaults: ${PARAMETERS.api.failedAuthThrottle.limit} failures per ${PARAMETERS.api.failedAuthThrottle.windowSeconds} s)`, async () => {
    for (let i = 0; i < failedAuth.limit * 5; i++)
      expect((await requestJson(`${url}/applications`, 'GET', { token: operations })).status).toBe(200);
  });

  it('past the limit, wrong tokens get 429 with Retry-After; the address is then refused even with a valid token; another address and public routes are not', async () => {
    const statuses: number[] = [];
    let last: { headers: Headers; body: Json } | undefined;
    for (let i = 0; i < failedAuth.limit + 3; i++) {
      const res = await requestJson(`${url}/applications`, 'GET', { token: `pix_guess-${i}` });
      statuses.push(res.status);
      last = res;
    }
    expect(statuses).toEqual([...Array(failedAuth.limit).fill(401), 429, 429, 429]);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(failedAuth.blockSeconds);
    expect(last!.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });

    const valid = await requestJson(`${url}/applications`, 'GET', { token: operations });
    expect(valid.status).toBe(429);
    expect(Number(valid.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await requestJson(`${url}/health/live`, 'GET')).status).toBe(200);
    expect(await getFrom('127.0.0.2', `${url}/applications`, operations)).toBe(200);
  });
});

describe('throttling: failed authentications counted once across two API replicas (issue 15)', () => {
  const failedAuth = { limit: 3, windowSeconds: 60, blockSeconds: 30 };

  it('failures spread over two replicas add up; the block set by one is enforced by the other, even for a valid token', async () => {
    const throttleScope = `replicas-${randomUUID()}`;
    const [a, b] = [await serve({ throttle: { failedAuth }, throttleScope }), await serve({ throttle: { failedAuth }, throttleScope })];
    const guess = async (url: string, i: number) => (await requestJson(`${url}/applications`, 'GET', { token: `pix_spread-${i}` })).status;
    expect([await guess(a, 1), await guess(b, 2), await guess(a, 3), await guess(b, 4), await guess(a, 5)]).toEqual([
      401, 401, 401, 429, 429,
    ]);
    // Each refuses a valid token from that address now (its own failure met the shared block), and so does a
    // replica that saw no failure at all: it reads the blocks the others set.
    expect((await requestJson(`${a}/applications`, 'GET', { token: operations })).status).toBe(429);
    const c = await serve({ throttle: { failedAuth }, throttleScope });
    expect((await requestJson(`${c}/applications`, 'GET', { token: operations })).status).toBe(429);
    // Another deployment (scope) counts apart.
    expect((await requestJson(`${await serve({ throttle: { failedAuth } })}/applications`, 'GET', { token: operations })).status).toBe(200);
    expect(await getFrom('127.0.0.2', `${b}/applications`, operations)).toBe(200);
  });
});

describe('throttling: expensive endpoints per user (issue 12)', () => {
  const expensive = { limit: 2, windowSeconds: 60 };
  let url: string;
  beforeAll(async () => {
    url = await serve({ throttle: { expensive } });
  });

  for (const [method, path, body] of [
    ['GET', '/dashboard/overview', undefined],
    ['POST', '/simulations', {}],
    ['POST', `/agrements/${UNKNOWN}/what-if`, {}],
    ['POST', '/session-imports', {}],
  ] as const) {
    it(`${method} ${path}: past ${expensive.limit} calls in ${expensive.windowSeconds} s, 429 with Retry-After; another user is not limited`, async () => {
      const token = await tokenFor(h.db, 'operations');
      const first: number[] = [];
      for (let i = 0; i < expensive.limit; i++) first.push((await requestJson(`${url}${path}`, method, { token, body })).status);
      expect(
        first.every((s) => s !== 429),
        String(first),
      ).toBe(true);
      const over = await requestJson(`${url}${path}`, method, { token, body });
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(expensive.windowSeconds);
      expect((await requestJson(`${url}${path}`, method, { token: await tokenFor(h.db, 'operations'), body })).status).not.toBe(429);
    });
  }

  it('an ordinary route is not limited', async () => {
    const token = await tokenFor(h.db, 'operations');
    for (let i = 0; i < expensive.limit * 5; i++) expect((await requestJson(`${url}/applications`, 'GET', { token })).status).toBe(200);
  });
});
