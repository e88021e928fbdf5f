import type { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { addMonths } from '../../../../src/shared/domain/dates';
import { checkAccessReviewDue, recordAccessReview } from '../../../../src/access/usecases/access-review';
import { seedDemoUsers } from '../../../../src/seed/users';
import { accessRepository } from '../../../../src/access/infra/access.repository';
import { deactivateInTransaction } from '../../../../src/access/usecases/accesses';
import { userWithToken } from '../../../support/auth';
import { individualApplication } from '../../../support/fixtures';
import { createHarness, serveApi, type Harness } from '../../../support/harness';
import { type Json, requestJson } from '../../../support/http';
import { until } from '../../../support/waiting';

let h: Harness;
let app: INestApplication;
let api: string;
let operations: { userId: string; token: string };

beforeAll(async () => {
  h = await createHarness();
  // The default principal cache (5 s) stays on: a revocation through the API must still be refused at once.
  // Failed authentications are expected here: not throttled.
  ({ app, url: api } = await serveApi(h, { throttle: { failedAuth: { limit: 10_000, windowSeconds: 60, blockSeconds: 1 } } }));
  operations = await userWithToken(h.db, 'operations');
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const http = (method: string, path: string, token: string | null, body?: unknown) => requestJson(`${api}${path}`, method, { token, body });
const logOf = (userId: string): Promise<Json[]> =>
  h.db.query(`SELECT type, actor, reason, rule_ids, data FROM event_log WHERE stream_type = 'access' AND stream_id = $1 ORDER BY id`, [
    userId,
  ]);
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

async function organisation(): Promise<{ id: string; name: string; email: string }> {
  const res = await http('POST', '/applications', operations.token, individualApplication());
  expect(res.status).toBe(201);
  return res.body.organisation;
}

describe('DATA-3 tokens have a lifetime', () => {
  it('a token issued lives the default lifetime; one asked beyond the maximum is 400 naming lifetimeDays', async () => {
    const me = await userWithToken(h.db, 'legal');
    const issued = await http('POST', '/me/tokens', me.token, { label: 'poste de travail' });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^pix_[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(issued.body.expiresAt) - Date.parse(issued.body.createdAt)) / 86_400_000;
    expect(days).toBe(PARAMETERS.access.tokenDefaultLifetimeDays);
    const tooLong = await http('POST', '/me/tokens', me.token, {
      label: 'pour toujours',
      lifetimeDays: PARAMETERS.access.tokenMaxLifetimeDays + 1,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.field).toBe('lifetimeDays');
    const short = await http('POST', '/me/tokens', me.token, { label: 'une semaine', lifetimeDays: 7 });
    expect((Date.parse(short.body.expiresAt) - Date.parse(short.body.createdAt)) / 86_400_000).toBe(7);
    expect((await http('GET', '/me', short.body.token)).status).toBe(200);
  });

  it('an expired token is 401, even though never revoked', async () => {
    const { token, tokenId } = await userWithToken(h.db, 'read-only');
    await h.db.query(
      `UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
      [tokenId],
    );
    const res = await http('GET', '/applications', token);
    expect(res.status).toBe(401);
  });

  it('a cached principal is not served past its token’s expiry', async () => {
    const { token, tokenId } = await userWithToken(h.db, 'read-only');
    await h.db.query(`UPDATE api_tokens SET expires_at = now() + interval '1 second' WHERE id = $1`, [tokenId]);
    const cachedAt = Date.now();
    expect((await http('GET', '/me', token)).status).toBe(200);
    // Refused once past the expiry, while the principal is still within the cache's ttl.
    await until(
      () => http('GET', '/me', token).then((r) => r.status),
      (status) => status === 401,
      4000,
    );
    expect(Date.now() - cachedAt).toBeLessThan(PARAMETERS.api.principalCacheSeconds * 1000);
  });

  it('demo tokens get the demo lifetime at each seeding, which also restores one revoked', async () => {
    const tokens = await seedDemoUsers(h.db);
    const [row] = await h.db.query('SELECT expires_at, revoked_at FROM api_tokens WHERE token_hash = $1', [hash(tokens.inspector)]);
    const days = (new Date(row.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(PARAMETERS.access.demoTokenLifetimeDays - 1);
    expect(days).toBeLessThanOrEqual(PARAMETERS.access.demoTokenLifetimeDays);
    await h.db.query('UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1', [hash(tokens.inspector)]);
    await seedDemoUsers(h.db);
    expect((await http('GET', '/me', tokens.inspector)).body.role).toBe('inspector');
  });
});

describe('DATA-3 the holder lists and revokes their own tokens', () => {
  it('lists its tokens (current marked, no secret), revokes the current one: refused at once despite the cache; audited', async () => {
    const me = await userWithToken(h.db, 'centre');
    const second = await http('POST', '/me/tokens', me.token, { label: 'script' });
    const list = await http('GET', '/me/tokens', me.token);
    expect(list.status).toBe(200);
    expect(list.body.map((t: Json) => [t.label, t.current, t.status])).toEqual([
      ['script', false, 'active'],
      ['test', true, 'active'],
    ]);
    expect(list.text).not.toContain(second.body.token);
    expect(list.text).not.toContain(hash(second.body.token));
    expect(list.body[1]).toMatchObject({ id: me.tokenId, lastUsedAt: expect.any(String), revokedAt: null, expiresAt: expect.any(String) });

    // The current token, just used (cached): revoked, the next request is refused.
    const revoked = await http('DELETE', `/me/tokens/${me.tokenId}`, me.token);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: me.tokenId, status: 'revoked', revokedAt: expect.any(String) });
    expect((await http('GET', '/me/tokens', me.token)).status).toBe(401);
    expect((await http('GET', '/me/tokens', second.body.token)).status).toBe(200);

    const log = await logOf(me.userId);
    expect(log.map((e) => e.type)).toEqual(['token-issued', 'token-revoked']);
    expect(log[1]).toMatchObject({ actor: 'Référent Centre (centre)', rule_ids: ['DATA-3'], data: { tokenId: me.tokenId } });
    expect(JSON.stringify(log)).not.toContain(second.body.token);
  });

  it('a retried issue (same Idempotency-Key) issues no second token: 409 DATA-3, the secret is never shown twice', async () => {
    const me = await userWithToken(h.db, 'legal');
    const headers = { 'idempotency-key': `issue-${randomUUID()}` };
    const first = await requestJson(`${api}/me/tokens`, 'POST', { token: me.token, body: { label: 'laptop' }, headers });
    expect(first.status).toBe(201);
    const retry = await requestJson(`${api}/me/tokens`, 'POST', { token: me.token, body: { label: 'laptop' }, headers });
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ details: { ruleId: 'DATA-3' }, message: expect.stringContaining('DATA-3') });
    expect(retry.text).not.toContain(first.body.token);
    const [{ count }] = await h.db.query(`SELECT count(*)::int AS count FROM api_tokens WHERE user_id = $1 AND label = 'laptop'`, [
      me.userId,
    ]);
    expect(count).toBe(1);
    expect((await http('GET', '/me', first.body.token)).status).toBe(200);
  });

  it('another user’s token is 404 and keeps working', async () => {
    const me = await userWithToken(h.db, 'inspector');
    const other = await userWithToken(h.db, 'inspector');
    expect((await http('DELETE', `/me/tokens/${other.tokenId}`, me.token)).status).toBe(404);
    expect((await http('GET', '/me', other.token)).status).toBe(200);
  });
});

describe('DATA-3 operations manage users and tokens, audited', () => {
  it('creates a centre user for its organisation, issues a token, revokes it with a reason, deactivates the user', async () => {
    const org = await organisation();
    const email = `referent-${randomUUID().slice(0, 8)}@centre.fr`;
    expect((await http('POST', '/users', operations.token, { name: 'Léa Martin', email, role: 'centre' })).body.field).toBe(
      'organisationId',
    );
    expect(
      (await http('POST', '/users', operations.token, { name: 'Léa Martin', email, role: 'legal', organisationId: org.id })).body.field,
    ).toBe('organisationId');
    const created = await http('POST', '/users', operations.token, { name: 'Léa Martin', email, role: 'centre', organisationId: org.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Léa Martin',
      role: 'centre',
      organisationId: org.id,
      organisationName: org.name,
      active: true,
      tokens: [],
    });
    const userId = created.body.id as string;
    expect(
      (
        await http('POST', '/users', operations.token, {
          name: 'Léa Martin',
          email: email.toUpperCase(),
          role: 'centre',
          organisationId: org.id,
        })
      ).body.field,
    ).toBe('email');

    const first = await http('POST', `/users/${userId}/tokens`, operations.token, { label: 'poste accueil', lifetimeDays: 30 });
    const second = await http('POST', `/users/${userId}/tokens`, operations.token, { label: 'poste direction' });
    expect(first.status).toBe(201);
    expect((await http('GET', '/me', first.body.token)).body).toMatchObject({ name: 'Léa Martin', role: 'centre', organisationId: org.id });

    const noReason = await http('POST', `/users/${userId}/tokens/${first.body.id}/revoke`, operations.token, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    expect((await http('POST', `/users/${randomUUID()}/tokens/${first.body.id}/revoke`, operations.token, { reason: 'x' })).status).toBe(
      404,
    );
    const revoke = await http('POST', `/users/${userId}/tokens/${first.body.id}/revoke`, operations.token, { reason: 'poste réaffecté' });
    expect(revoke.body.status).toBe('revoked');
    expect((await http('GET', '/me', first.body.token)).status).toBe(401);
    expect((await http('GET', '/me', second.body.token)).status).toBe(200);

    expect((await http('POST', `/users/${userId}/deactivate`, operations.token, {})).status).toBe(400);
    const deactivated = await http('POST', `/users/${userId}/deactivate`, operations.token, { reason: 'a quitté le centre' });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect(deactivated.body.tokens.every((t: Json) => t.status === 'revoked')).toBe(true);
    expect((await http('GET', '/me', second.body.token)).status).toBe(401);
    // No token for a removed access.
    const refused = await http('POST', `/users/${userId}/tokens`, operations.token, { label: 'retour' });
    expect(refused.status).toBe(409);
    expect(refused.body.rule).toBe('DATA-3');

    const log = await logOf(userId);
    expect(log.map((e) => e.type)).toEqual(['user-created', 'token-issued', 'token-issued', 'token-revoked', 'user-deactivated']);
    expect(log.every((e) => e.actor === 'Agent Pix (operations)')).toBe(true);
    expect(log[3].reason).toBe('poste réaffecté');
    expect(log[4]).toMatchObject({ reason: 'a quitté le centre', data: { revokedTokenIds: [second.body.id] } });

    const listed = await http('GET', '/users?active=false&role=centre', operations.token);
    expect(listed.body.map((u: Json) => u.id)).toContain(userId);
  });

  it('only operations manage; read-only reads; a centre neither', async () => {
    const centre = await userWithToken(h.db, 'centre');
    const readOnly = await userWithToken(h.db, 'read-only');
    expect((await http('POST', '/users', centre.token, { name: 'X', email: 'x@x.fr', role: 'operations' })).status).toBe(403);
    expect((await http('GET', '/users', centre.token)).status).toBe(403);
    expect((await http('POST', `/users/${centre.userId}/tokens`, readOnly.token, { label: 'x' })).status).toBe(403);
    expect((await http('POST', `/users/${centre.userId}/deactivate`, readOnly.token, { reason: 'x' })).status).toBe(403);
    expect((await http('GET', `/users/${centre.userId}`, readOnly.token)).status).toBe(200);
    expect((await http('GET', '/access-reviews/current', readOnly.token)).status).toBe(200);
    expect((await http('POST', '/access-reviews', readOnly.token, {})).status).toBe(403);
  });

  it('DATA-3 an operator cannot remove their own access (neither directly nor in a review): 409, still active', async () => {
    const me = await userWithToken(h.db, 'operations');
    const direct = await http('POST', `/users/${me.userId}/deactivate`, me.token, { reason: 'erreur' });
    expect(direct.status).toBe(409);
    expect(direct.body.message).toContain('DATA-3');
    const inReview = await http('POST', '/access-reviews', me.token, { removals: [{ userId: me.userId, reason: 'erreur' }] });
    expect(inReview.status).toBe(409);
    expect(inReview.body).toMatchObject({ details: { field: 'removals.0.userId' } });
    expect((await http('GET', '/me', me.token)).status).toBe(200);
    expect((await logOf(me.userId)).map((e) => e.type)).not.toContain('user-deactivated');
  });
});

describe('DATA-3 the annual access review', () => {
  it('lists every user with tokens and last use, flags obsolete accesses, records who removed what, in one transaction', async () => {
    const stale = await userWithToken(h.db, 'inspector');
    await h.db.query(
      `UPDATE api_tokens SET created_at = now() - interval '200 days', last_used_at = now() - interval '120 days', expires_at = now() + interval '10 days' WHERE id = $1`,
      [stale.tokenId],
    );
    const expired = await userWithToken(h.db, 'legal');
    await h.db.query(
      `UPDATE api_tokens SET created_at = now() - interval '100 days', expires_at = now() - interval '1 day' WHERE id = $1`,
      [expired.tokenId],
    );
    const unbound = await userWithToken(h.db, 'centre');
    const fine = await userWithToken(h.db, 'legal');
    expect((await http('GET', '/me', fine.token)).status).toBe(200);

    const current = await http('GET', '/access-reviews/current', operations.token);
    expect(current.status).toBe(200);
    const byId = new Map<string, Json>(current.body.users.map((u: Json) => [u.id, u]));
    expect(byId.get(stale.userId)).toMatchObject({
      role: 'inspector',
      active: true,
      flags: ['unused'],
      tokens: [{ id: stale.tokenId, flags: ['unused'], lastUsedAt: expect.any(String) }],
    });
    expect(byId.get(expired.userId)).toMatchObject({ flags: ['no-active-token'], tokens: [{ status: 'expired', flags: ['expired'] }] });
    expect(byId.get(unbound.userId)!.flags).toEqual(['no-organisation']);
    expect(byId.get(fine.userId)).toMatchObject({ flags: [], tokens: [{ flags: [], status: 'active' }] });
    expect(current.body.due).toMatchObject({ overdue: false });
    expect(current.body.summary.users).toBe(current.body.users.length);
    expect(current.text).not.toContain(fine.token);

    // An unknown access named: nothing is recorded, nothing removed.
    const before = (await http('GET', '/access-reviews', operations.token)).body.total;
    const bad = await http('POST', '/access-reviews', operations.token, {
      removals: [
        { userId: stale.userId, reason: 'plus inspecteur' },
        { tokenId: randomUUID(), reason: 'x' },
      ],
    });
    expect(bad.status).toBe(404);
    expect((await http('GET', '/access-reviews', operations.token)).body.total).toBe(before);
    expect((await http('GET', '/me', stale.token)).status).toBe(200);
    expect((await http('POST', '/access-reviews', operations.token, { removals: [{ userId: stale.userId }] })).body.field).toBe(
      'removals.0.reason',
    );
    expect(
      (
        await http('POST', '/access-reviews', operations.token, {
          removals: [{ userId: stale.userId, tokenId: stale.tokenId, reason: 'x' }],
        })
      ).body.field,
    ).toBe('removals.0');

    const recorded = await http('POST', '/access-reviews', operations.token, {
      notes: 'Revue annuelle 2026 : inspecteurs et juristes vérifiés avec leurs responsables.',
      removals: [
        { userId: stale.userId, reason: 'n’inspecte plus pour Pix' },
        { tokenId: fine.tokenId, reason: 'jeton remplacé' },
      ],
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      reviewer: 'Agent Pix (operations)',
      usersReviewed: current.body.users.length,
      removed: [
        { kind: 'user', id: stale.userId, reason: 'n’inspecte plus pour Pix', revokedTokenIds: [stale.tokenId] },
        { kind: 'token', id: fine.tokenId, reason: 'jeton remplacé' },
      ],
    });
    expect((await http('GET', '/me', stale.token)).status).toBe(401);
    expect((await http('GET', '/me', fine.token)).status).toBe(401);
    expect((await logOf(stale.userId)).at(-1)).toMatchObject({
      type: 'user-deactivated',
      reason: 'n’inspecte plus pour Pix',
      actor: 'Agent Pix (operations)',
    });

    const history = await http('GET', '/access-reviews', operations.token);
    expect(history.body.items[0]).toMatchObject({ id: recorded.body.id, reviewer: 'Agent Pix (operations)' });
    expect(history.body.due).toMatchObject({
      overdue: false,
      basis: 'last-review',
      dueAt: addMonths(new Date(history.body.items[0].reviewedAt), 12).toISOString(),
    });
    expect((await http('GET', `/access-reviews/${recorded.body.id}`, operations.token)).body.notes).toMatch(/^Revue annuelle 2026/);
    const [entry] = await h.db.query(`SELECT actor, type, data FROM event_log WHERE stream_type = 'access-review' AND stream_id = $1`, [
      recorded.body.id,
    ]);
    expect(entry).toMatchObject({ actor: 'Agent Pix (operations)', type: 'access-review-recorded' });
  });

  it('a review and another operator deactivating one of its users at that moment both complete, each act logged once (no deadlock)', async () => {
    const [a, b] = [await userWithToken(h.db, 'inspector'), await userWithToken(h.db, 'inspector')];
    // The other operator's transaction: the user locked, as a deactivation does before its log entry.
    const other = h.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      const [{ pid }]: { pid: number }[] = await other.query('SELECT pg_backend_pid() AS pid');
      const otherUsers = accessRepository(other.manager);
      expect(await otherUsers.lockUser(b.userId)).toBe(true);
      const review = http('POST', '/access-reviews', operations.token, {
        removals: [
          { userId: a.userId, reason: 'n’inspecte plus' },
          { userId: b.userId, reason: 'n’inspecte plus' },
        ],
      });
      // The review waits for that user. Had it logged a removal first, it would hold the log the other awaits below.
      await until(
        () => h.db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]),
        (r: { n: number }[]) => r[0]!.n > 0,
      );
      await deactivateInTransaction(otherUsers, b.userId, 'départ', 'Autre agent (operations)', new Date());
      await other.commitTransaction();
      const recorded = await review;
      expect(recorded.status).toBe(201);
      // The review found b already removed: a removed, b as the other operator left it, each logged once.
      expect((await logOf(a.userId)).filter((e) => e.type === 'user-deactivated')).toHaveLength(1);
      expect((await logOf(b.userId)).filter((e) => e.type === 'user-deactivated')).toEqual([
        expect.objectContaining({ actor: 'Autre agent (operations)', reason: 'départ' }),
      ]);
      for (const u of [a, b]) expect((await http('GET', '/me', u.token)).status).toBe(401);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  it('overdue a year after the last review: shown in GET /attention until a review is recorded', async () => {
    const [{ last }] = await h.db.query('SELECT max(reviewed_at) AS last FROM access_reviews');
    const [{ first }] = await h.db.query('SELECT min(created_at) AS first FROM users');
    const basis = new Date(last ?? first);
    const dueAt = addMonths(basis, PARAMETERS.access.reviewIntervalMonths);
    expect(await checkAccessReviewDue(h.db, new Date(dueAt.getTime() - 1000))).toBe(false);
    expect(await checkAccessReviewDue(h.db, new Date(dueAt.getTime() + 1000))).toBe(true);
    const open = await http('GET', '/attention?kind=access-review-due', operations.token);
    expect(open.body.items).toHaveLength(1);
    expect(open.body.items[0]).toMatchObject({
      kind: 'access-review-due',
      resolvedAt: null,
      errorMessage: expect.stringContaining('DATA-3'),
      action: expect.stringContaining('/access-reviews'),
    });

    await recordAccessReview(
      h.db,
      { notes: 'revue' },
      { userId: operations.userId, name: 'Agent Pix', role: 'operations', organisationId: null },
      new Date(),
    );
    const after = await http('GET', '/attention?kind=access-review-due&status=all', operations.token);
    expect(after.body.items[0]).toMatchObject({ resolvedBy: 'system', resolvedAt: expect.any(String) });
  });
});
