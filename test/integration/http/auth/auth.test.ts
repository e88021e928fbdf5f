import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthGuard } from '../../../../src/http/auth/auth.guard';
import type { Authenticator } from '../../../../src/http/auth/authenticator';
import { Can } from '../../../../src/http/auth/decorators';
import { DomainErrorFilter } from '../../../../src/http/domain-error.filter';
import { AUTHENTICATOR } from '../../../../src/http/tokens';
import { deactivateUser, findPrincipalByToken, revokeToken } from '../../../../src/access/usecases/credentials';
import { seedDemoUsers } from '../../../../src/seed/users';
import { bearer, tokenFor, userWithToken } from '../../../support/auth';
import { individualApplication, ownApplication } from '../../../support/fixtures';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';

let h: Harness;
let app: INestApplication;
let api: string;
let operations: string;

beforeAll(async () => {
  h = await createHarness();
  // Tokens looked up on every request here: revocation must show at once (the cache's delay is tested in test/unit/api).
  ({ app, url: api } = await serveApi(h, { principalCacheMs: 0 }));
  operations = await tokenFor(h.db, 'operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function http(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  return requestJson(`${api}${path}`, method, { token, body, headers });
}

async function createApplication(data = individualApplication()): Promise<{ id: string; organisationId: string }> {
  const res = await http('POST', '/applications', operations, data);
  expect(res.status).toBe(201);
  return { id: res.body.id, organisationId: res.body.organisation.id };
}

const count = async (table: string): Promise<number> => (await h.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
const UNKNOWN = '5b0e9c2e-9f7a-4c47-9a77-3c1f0b0f0f0f';

describe('authentication: bearer tokens stored hashed (DATA-3)', () => {
  it('401 with a Bearer challenge without a token, with a malformed header or an unknown token', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer pix_not-a-real-token-at-all' },
    ];
    for (const headers of attempts) {
      const res = await http('GET', '/applications', null, undefined, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.error).toBe('Unauthorized');
    }
    const bad = 'pix_guessed-token-that-does-not-exist';
    const res = await http('GET', '/applications', bad);
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(bad);
  });

  it('401 once the token is revoked or its user deactivated; other tokens keep working', async () => {
    const { token, tokenId } = await userWithToken(h.db, 'read-only');
    expect((await http('GET', '/applications', token)).status).toBe(200);
    expect(await revokeToken(h.db, tokenId)).toBe(true);
    expect(await revokeToken(h.db, tokenId)).toBe(false);
    expect((await http('GET', '/applications', token)).status).toBe(401);

    const other = await userWithToken(h.db, 'read-only');
    expect((await http('GET', '/applications', other.token)).status).toBe(200);
    await deactivateUser(h.db, other.userId);
    expect((await http('GET', '/applications', other.token)).status).toBe(401);
    expect((await http('GET', '/applications', operations)).status).toBe(200);
  });

  it('DATA-3 refuses a token in the URL, even alongside a valid header', async () => {
    const { token } = await userWithToken(h.db, 'operations');
    const res = await http('GET', `/applications?access_token=${token}`, token);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/DATA-3/);
  });

  it('stores the SHA-256 of the token, never the token itself; last use is recorded at most once a minute', async () => {
    const { token, tokenId } = await userWithToken(h.db, 'legal');
    expect(token).toMatch(/^pix_[A-Za-z0-9_-]{43}$/);
    const [row] = await h.db.query('SELECT * FROM api_tokens WHERE id = $1', [tokenId]);
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const dump: { t: string }[] = await h.db.query(
      `SELECT row_to_json(t)::text AS t FROM api_tokens t UNION ALL SELECT row_to_json(u)::text FROM users u UNION ALL SELECT row_to_json(e)::text FROM event_log e`,
    );
    expect(dump.some((r) => r.t.includes(token.slice(4)))).toBe(false);
    expect(row.last_used_at).toBeNull();

    expect(await findPrincipalByToken(h.db, token)).toMatchObject({ role: 'legal', name: 'Juriste Pix', organisationId: null });
    const [first] = await h.db.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [tokenId]);
    expect(first.last_used_at).toBeInstanceOf(Date);
    await findPrincipalByToken(h.db, token);
    const [second] = await h.db.query('SELECT last_used_at FROM api_tokens WHERE id = $1', [tokenId]);
    expect(second.last_used_at.getTime()).toBe(first.last_used_at.getTime());
  });

  it('public routes need no token: health and the OpenAPI description, which declares the bearer scheme', async () => {
    expect((await http('GET', '/health', null)).status).toBe(200);
    const doc = (await (await fetch(`${api}/docs-json`)).json()) as Json;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/applications'].post.security).toEqual([{ bearer: [] }]);
  });

  it('demo users: one per role, deterministic tokens stored hashed, seeded idempotently', async () => {
    const tokens = await seedDemoUsers(h.db);
    const again = await seedDemoUsers(h.db);
    expect(again).toEqual(tokens);
    expect(tokens.legal).toBe('pix_demo_legal');
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'demo.%@pix.test'`);
    expect(n).toBe(6);
    const [{ stored }] = await h.db.query('SELECT count(*)::int AS stored FROM api_tokens WHERE token_hash = $1', [
      createHash('sha256').update(tokens.legal).digest('hex'),
    ]);
    expect(stored).toBe(1);
    expect(await findPrincipalByToken(h.db, tokens['read-only'])).toMatchObject({ role: 'read-only' });
  });
});

describe('authorisation: the role decides, the refusal names the action', () => {
  it('403 names the action and the roles allowed, and changes nothing', async () => {
    const readOnly = await tokenFor(h.db, 'read-only');
    const before = await count('applications');
    const create = await http('POST', '/applications', readOnly, individualApplication());
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ action: 'application.create', allowedRoles: ['operations', 'centre'] });
    expect(await count('applications')).toBe(before);

    const { id } = await createApplication();
    const legal = await tokenFor(h.db, 'legal');
    const decide = await http('POST', `/applications/${id}/admissibility`, legal, { decision: 'incomplete' });
    expect(decide.status).toBe(403);
    expect(decide.body).toMatchObject({ action: 'application.decide', allowedRoles: ['operations'] });
    expect((await http('GET', `/applications/${id}`, operations)).body.state).toBe('submitted');
    // Pix staff of every role read.
    for (const role of ['legal', 'inspector', 'read-only'] as const)
      expect((await http('GET', `/applications/${id}`, await tokenFor(h.db, role))).status, role).toBe(200);
  });

  it('the event log names the authenticated principal; X-Actor is ignored', async () => {
    const res = await http('POST', '/applications', operations, individualApplication(), { 'x-actor': 'Someone Else' });
    expect(res.body.timeline[0].actor).toBe('Agent Pix (operations)');
    // APP-1: a centre applies for its own organisation.
    const centre = await tokenFor(h.db, 'centre', res.body.organisation.id);
    const own = await http('POST', '/applications', centre, ownApplication(res.body.organisation));
    expect(own.status).toBe(201);
    expect(own.body.timeline[0].actor).toBe('Référent Centre (centre)');
  });

  it('a route that declares no permission is refused (fail closed)', async () => {
    @Controller('undeclared')
    class UndeclaredController {
      @Get()
      open() {
        return { leaked: true };
      }
      @Get('declared')
      @Can('log.verify')
      declared() {
        return { ok: true };
      }
    }
    const authenticator: Authenticator = {
      principalFor: async (t) =>
        t === 'pix_stub-operations' ? { userId: 'u', name: 'Stub', role: 'operations', organisationId: null } : null,
    };
    @Module({
      controllers: [UndeclaredController],
      providers: [
        { provide: AUTHENTICATOR, useValue: authenticator },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    })
    class StubModule {}
    const stub = await NestFactory.create(StubModule, { logger: false });
    stub.useGlobalFilters(new DomainErrorFilter());
    await stub.listen(0, '127.0.0.1');
    try {
      const url = (await stub.getUrl()).replace('[::1]', '127.0.0.1');
      const open = await fetch(`${url}/undeclared`, { headers: bearer('pix_stub-operations') });
      expect(open.status).toBe(403);
      expect(await open.text()).not.toContain('leaked');
      expect((await fetch(`${url}/undeclared/declared`, { headers: bearer('pix_stub-operations') })).status).toBe(200);
      expect((await fetch(`${url}/undeclared/declared`)).status).toBe(401);
    } finally {
      await stub.close();
    }
  });
});

describe('scopes: a centre sees its own, a coordinator its network', () => {
  it('a centre reads its own application; another centre’s answers 404 like an unknown id, and is not listed', async () => {
    const mine = await createApplication();
    const theirs = await createApplication();
    const centre = await tokenFor(h.db, 'centre', mine.organisationId);

    expect((await http('GET', `/applications/${mine.id}`, centre)).status).toBe(200);
    const hidden = await http('GET', `/applications/${theirs.id}`, centre);
    const unknown = await http('GET', `/applications/${UNKNOWN}`, centre);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(Object.keys(hidden.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(hidden.body.message).toBe(`application ${theirs.id} not found`);
    // Nor may it add pieces to another centre's dossier.
    expect(
      (await http('POST', `/applications/${theirs.id}/pieces`, centre, { pieces: [{ type: 'referent-cv', filename: 'cv.pdf' }] })).status,
    ).toBe(404);

    const list = await http('GET', '/applications?limit=500', centre);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: Json) => a.id)).toEqual([mine.id]);
    expect(list.body.total).toBe(1);
    // Pix staff see both.
    const all = (await everyItem(async (page) => (await http('GET', page, operations)).body, '/applications')).map((a: Json) => a.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('a centre replaying another user’s Idempotency-Key gets its own application, not theirs', async () => {
    const key = `scope-${Date.now()}-key`;
    const first = await http('POST', '/applications', operations, individualApplication(), { 'idempotency-key': key });
    const mine = await createApplication();
    const centre = await tokenFor(h.db, 'centre', mine.organisationId);
    const data = ownApplication((await http('GET', `/applications/${mine.id}`, operations)).body.organisation);
    const replay = await http('POST', '/applications', centre, data, { 'idempotency-key': key });
    expect(replay.status).toBe(201);
    expect(replay.body.id).not.toBe(first.body.id);
    // Its own retry (the same request: issue 12 refuses another body with the key, 422) still applies once.
    const retry = await http('POST', '/applications', centre, data, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(replay.body.id);
  });

  it('a centre bound to no organisation sees none', async () => {
    await createApplication();
    const unbound = await tokenFor(h.db, 'centre');
    const list = await http('GET', '/applications?limit=500', unbound);
    expect(list.body).toMatchObject({ total: 0, items: [] });
  });

  it('a coordinator sees its network: the coordinating organisation and its members, nothing else', async () => {
    const network = await createApplication(
      individualApplication({
        kind: 'network',
        commitments: { ...individualApplication().commitments, committedCandidates: 3000, priorNetworkOperation: true },
        network: {
          type: 'A',
          coordinatingEntity: 'Fédération scope',
          departmentsCovered: ['01', '02'],
          members: [{ name: 'Membre scope', category: 'datadock-training-provider', department: '01', email: 'membre@scope.fr' }],
        },
      }),
    );
    // A member organisation that applies on its own still belongs to the network.
    const member = await createApplication();
    await h.db.query('UPDATE organisations SET network_id = $2 WHERE id = $1', [member.organisationId, network.organisationId]);
    const outsider = await createApplication();

    const coordinator = await tokenFor(h.db, 'coordinator', network.organisationId);
    expect((await http('GET', `/applications/${network.id}`, coordinator)).status).toBe(200);
    expect((await http('GET', `/applications/${member.id}`, coordinator)).status).toBe(200);
    expect((await http('GET', `/applications/${outsider.id}`, coordinator)).status).toBe(404);
    const listed = (await http('GET', '/applications?limit=500', coordinator)).body.items.map((a: Json) => a.id);
    expect(listed.sort()).toEqual([network.id, member.id].sort());

    // The member's own centre sees its application, not the network's.
    const memberCentre = await tokenFor(h.db, 'centre', member.organisationId);
    expect((await http('GET', `/applications/${member.id}`, memberCentre)).status).toBe(200);
    expect((await http('GET', `/applications/${network.id}`, memberCentre)).status).toBe(404);
  });
});
