import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn } from '../../../src/shared/domain/zoned-time';
import { agrementStateQuery } from '../../../src/agrement/workflows/definitions';
import { runningAgrement } from '../../support/agrement-fixtures';
import { individualApplication, ownApplication } from '../../support/fixtures';
import { createHarness, serveApi, type Harness } from '../../support/harness';
import { type Json, requestJson } from '../../support/http';

let h: Harness;
let app: INestApplication;
let api: string;
let operations: string;
let legal: string;

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  operations = await h.tokenFor('operations');
  legal = await h.tokenFor('legal');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const http = (method: string, path: string, token: string, body: unknown, key?: string) =>
  requestJson(`${api}${path}`, method, { token, body, headers: key ? { 'idempotency-key': key } : {} });
const applications = async (): Promise<number> => (await h.db.query(`SELECT count(*)::int AS n FROM applications`))[0].n;
const today = () => dateIn(new Date(), 'Europe/Paris');

describe('Idempotency-Key: bound to its first request (issue 12)', () => {
  it('the same request again is a retry (applied once); another body with the key is refused 422, nothing created', async () => {
    const key = `app-${randomUUID()}`;
    const data = individualApplication();
    const first = await http('POST', '/applications', operations, data, key);
    expect(first.status).toBe(201);
    // JSON field order does not make another request.
    const reordered = Object.fromEntries(Object.entries(data).reverse());
    const retry = await http('POST', '/applications', operations, reordered, key);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);

    const n = await applications();
    const other = await http('POST', '/applications', operations, individualApplication(), key);
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(/Idempotency-Key .* already used for another request \(POST \/applications/);
    expect(await applications()).toBe(n);
  });

  it('an agrément action with the key of another action, or of the same action with another reason, is refused 422 and changes nothing', async () => {
    const a = await runningAgrement(h, today());
    const key = `suspend-${randomUUID()}`;
    const path = (action: string) => `/agrements/${a.start.agrementId}/actions/${action}`;
    expect((await http('POST', path('suspend'), legal, { reason: 'Risque imminent' }, key)).status).toBe(200);
    expect((await http('POST', path('suspend'), legal, { reason: 'Risque imminent' }, key)).status).toBe(200);

    const lift = await http('POST', path('lift-suspension'), legal, { reason: 'Levée' }, key);
    expect(lift.status).toBe(422);
    expect(lift.body.message).toMatch(/another request \(POST \/agrements\/.*\/actions\/suspend/);
    expect((await http('POST', path('suspend'), legal, { reason: 'Autre motif' }, key)).status).toBe(422);
    expect((await a.handle.query(agrementStateQuery)).state).toBe('suspended');
    const view = await requestJson(`${api}/agrements/${a.start.agrementId}`, 'GET', { token: legal });
    expect(view.body.timeline.filter((e: Json) => e.type === 'suspended')).toHaveLength(1);
    expect(view.body.timeline.filter((e: Json) => e.type === 'suspension-lifted')).toHaveLength(0);
    // With a fresh key, the other action applies.
    expect((await http('POST', path('lift-suspension'), legal, { reason: 'Levée' }, `lift-${randomUUID()}`)).status).toBe(200);
  });

  it('a first request refused (400) leaves its key free for the corrected request; a malformed key is 400', async () => {
    const key = `fix-${randomUUID()}`;
    const bad = await http('POST', '/applications', operations, { ...individualApplication(), kind: 'nonsense' }, key);
    expect(bad.status).toBe(400);
    expect((await http('POST', '/applications', operations, individualApplication(), key)).status).toBe(201);
    const malformed = await http('POST', '/applications', operations, individualApplication(), 'short');
    expect(malformed).toMatchObject({ status: 400, body: { field: 'Idempotency-Key' } });
  });

  it('a centre’s keys are its own: another user’s key does not refuse its request', async () => {
    const key = `own-${randomUUID()}`;
    const first = await http('POST', '/applications', operations, individualApplication(), key);
    expect(first.status).toBe(201);
    // APP-1: a centre applies for its own organisation.
    const centre = await h.tokenFor('centre', first.body.organisation.id);
    expect((await http('POST', '/applications', centre, ownApplication(first.body.organisation), key)).status).toBe(201);
  });

  it('the OpenAPI document states the key’s rules: length, lifetime, 422 on reuse', async () => {
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as Json;
    const header = doc.paths['/applications'].post.parameters.find((p: Json) => p.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header', required: false });
    expect(header.description).toMatch(/8–200 characters/);
    expect(header.description).toMatch(/does not expire/);
    expect(header.description).toMatch(/422/);
    const action = doc.paths['/agrements/{id}/actions/{action}'].post.parameters.find((p: Json) => p.name === 'Idempotency-Key');
    expect(action.description).toBe(header.description);
    expect(doc.info.description).toMatch(/Idempotency-Key/);
  });
});
