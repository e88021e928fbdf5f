import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../src/config/parameters';
import { individualApplication } from '../../support/fixtures';
import { type Harness, useApi } from '../../support/harness';
import { type Json, requestJson } from '../../support/http';

/**
 * Issue 11: whatever a client sends, the API answers 4xx naming the field and changes nothing, or accepts
 * something the whole pipeline (PostgreSQL, rules, e-mails, workflows) can carry. Never a 500, never a
 * workflow started for input that fails later.
 */
let h: Harness;
let api: string;
let ops: string;
useApi((served) => ({ h, api, ops } = served));

const http = (method: string, path: string, body?: unknown, token: string | null = ops, headers: Record<string, string> = {}) =>
  requestJson(`${api}${path}`, method, { token, body, headers });

async function raw(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${api}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Json) : { text } };
}

const count = async (table: string): Promise<number> => (await h.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

/** What an accepted application leaves: rows, and its workflow's start (queued in the same transaction, started after the commit). */
async function footprint() {
  return {
    applications: await count('applications'),
    organisations: await count('organisations'),
    starts: await count('workflow_start_outbox'),
    log: await count('event_log'),
  };
}

describe('every text accepted is valid for the whole pipeline (issue 11)', () => {
  it.each([
    ['a NUL byte', { name: 'Centre\u0000Test' }, 'organisation.name', 'control character (U+0000)'],
    ['an unpaired surrogate', { name: 'Centre \uD800 Test' }, 'organisation.name', 'unpaired surrogate'],
    ['only spaces', { name: '    ' }, 'organisation.name', 'must not be blank'],
    ['a BOM and a no-break space', { name: '\uFEFF\u00A0' }, 'organisation.name', 'must not be blank'],
    ['a zero-width space', { name: '\u200B' }, 'organisation.name', 'must not be blank'],
    ['an escape character', { name: 'Centre \u001b[31m' }, 'organisation.name', 'control character (U+001B)'],
  ])('APP-1 an organisation name with %s: 400 naming the field, no row, no workflow', async (_, organisation, field, message) => {
    const before = await footprint();
    const data = individualApplication();
    const res = await http('POST', '/applications', { ...data, organisation: { ...data.organisation, ...organisation } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field });
    expect(res.body.message).toContain(message);
    expect(await footprint()).toEqual(before);
  });

  it('APP-1 texts are stored trimmed and in Unicode NFC', async () => {
    const data = individualApplication();
    const decomposed = 'Lyce\u0301e  ';
    const res = await http('POST', '/applications', { ...data, organisation: { ...data.organisation, name: `  ${decomposed}` } });
    expect(res.status).toBe(201);
    const [row] = await h.db.query('SELECT name FROM organisations WHERE email = $1', [data.organisation.email]);
    expect(row.name).toBe('Lycée');
  });

  it('ELIG-4 a network whose departments hold a null: 400 naming the item, nothing stored', async () => {
    const before = await footprint();
    const data = individualApplication();
    const res = await http('POST', '/applications', {
      ...data,
      kind: 'network',
      network: { type: 'B', coordinatingEntity: data.organisation, members: [], departmentsCovered: [null, '35'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('network.departmentsCovered.0');
    expect(await footprint()).toEqual(before);
  });

  it('SES-13 a quality event whose summary holds a NUL: 400, nothing recorded', async () => {
    const before = await count('centre_quality_events');
    const res = await http('POST', `/centres/${randomUUID()}/quality-events`, {
      kind: 'complaint',
      occurredOn: '2026-01-10',
      summary: 'Plainte\u0000',
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('summary');
    expect(await count('centre_quality_events')).toBe(before);
  });

  it('dates in year 0000, 0001 or 9999 are 400 naming the field', async () => {
    for (const occurredOn of ['0000-01-01', '0001-01-01', '9999-12-31']) {
      const res = await http('POST', `/centres/${randomUUID()}/quality-events`, { kind: 'complaint', occurredOn, summary: 'Plainte' });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('occurredOn');
    }
  });

  it('a query parameter given twice is 400 naming it; a NUL in a path parameter is 400', async () => {
    const twice = await http('GET', '/dashboard/deadlines?days=10&days=20');
    expect(twice.status).toBe(400);
    expect(twice.body.field).toBe('days');
    const nul = await http('GET', `/applications/${encodeURIComponent('a\u0000b')}`);
    expect(nul.status).toBe(400);
    expect(nul.body.field).toBe('id');
  });
});

describe('bodies: limits, malformed JSON, and no work for anonymous requests (issue 11)', () => {
  const big = () => JSON.stringify({ pad: 'x'.repeat(PARAMETERS.api.maxBodyBytes + 10) });

  it('a body over the limit is 413, with a token or without', async () => {
    for (const token of [ops, null]) {
      const res = await raw('/applications', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: big(),
      });
      expect(res.status).toBe(413);
      expect(res.body.message).toContain(`${PARAMETERS.api.maxBodyBytes} bytes`);
    }
  });

  it('more form fields than allowed is 413; malformed JSON is 400 naming the body', async () => {
    const fields = Array.from({ length: PARAMETERS.api.maxFormFields + 1 }, (_, i) => `f${i}=1`).join('&');
    const form = await raw('/applications', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${ops}` },
      body: fields,
    });
    expect(form.status).toBe(413);
    const malformed = await raw('/applications', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ops}` },
      body: '{"kind": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('(body)');
  });

  it('DATA-3 a request without a token is 401 before its body is read: even malformed JSON', async () => {
    const res = await raw('/applications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind": ' });
    expect(res.status).toBe(401);
  });
});

describe('names looked up in tables are only their own entries (issue 11)', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('/web/%s is 404', async (name) => {
    expect((await raw(`/web/${name}`, { method: 'GET' })).status).toBe(404);
  });

  it.each(['constructor', '__proto__', 'toString'])('POST /agrements/{id}/actions/%s is 400 naming the action', async (name) => {
    const res = await http('POST', `/agrements/${randomUUID()}/actions/${name}`, { reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('action');
  });
});
