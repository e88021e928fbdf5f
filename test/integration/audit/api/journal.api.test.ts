import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../../src/access/domain/roles';
import { createUser, issueToken } from '../../../../src/access/usecases/credentials';
import { appendToLog, type NewLogEntry } from '../../../../src/shared/event-log/event-log';
import { bearer } from '../../../support/auth';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { documentComplaints } from '../../../support/openapi-schema';

/** Issue 14, the Journal: GET /audit/log, the audit log (issue 12) filtered, paged, newest first, as JSON or CSV. */
let h: Harness;
let api: string;
let ops: string;
useApi((s) => ({ h, api, ops } = s));

const get = (path: string, token: string) => requestJson(`${api}${path}`, 'GET', { token });
const page = (token: string) => async (path: string) => (await get(path, token)).body;

/** A user with a name of its own (the log names people "<name> (<role>)": shared test names resolve to no user id). */
async function person(role: Role) {
  const name = `Journal ${role} ${randomUUID().slice(0, 8)}`;
  const user = await createUser(h.db, { name, email: `journal-${randomUUID()}@pix.test`, role });
  const { token } = await issueToken(h.db, user.id, 'test', { lifetimeDays: 1 });
  return { id: user.id, name, label: `${name} (${role})`, token };
}

/** Entries of a stream of this test's own (the database is shared with the run's other files). */
async function append(streamId: string, entries: Array<Partial<NewLogEntry> & { occurredAt: Date }>) {
  await h.db.transaction((m) =>
    appendToLog(
      m,
      entries.map((e, i) => ({
        eventKey: `journal-test:${streamId}:${i}`,
        streamType: 'journal-test',
        streamId,
        type: 'noted',
        ruleIds: [],
        fromState: null,
        toState: null,
        actor: 'system',
        reason: null,
        data: {},
        ...e,
      })),
    ),
  );
}

describe('GET /audit/log: who may read the Journal', () => {
  it.each(['operations', 'legal', 'read-only'] as const)('%s reads it', async (role) => {
    const res = await get('/audit/log?limit=1', await h.tokenFor(role));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 1, offset: 0 });
    expect(res.body.total).toBeGreaterThanOrEqual(res.body.items.length);
  });

  it.each(['centre', 'coordinator', 'inspector'] as const)('%s is refused (403 naming log.read)', async (role) => {
    const res = await get('/audit/log', await h.tokenFor(role));
    expect(res.status).toBe(403);
    expect(res.body.action).toBe('log.read');
  });
});

describe('GET /audit/log/verification: the status the Journal shows', () => {
  it('issue 12 answers valid with the entries and checkpoints checked, as the OpenAPI document describes it', async () => {
    // An entry of its own: the file alone (a fresh database) has no other to check.
    await append(randomUUID(), [{ occurredAt: new Date() }]);
    const res = await get('/audit/log/verification', ops);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, checkpoints: { checked: expect.any(Number) } });
    expect(res.body.checked).toBeGreaterThan(0);
    expect(await documentComplaints(api, 'GET /audit/log/verification', 200, res.body)).toEqual([]);
    expect((await get('/audit/log/verification', await h.tokenFor('read-only'))).status).toBe(403);
  });
});

describe('GET /audit/log: filters', () => {
  it('by user: the entries whose actor is that user, with the actor read as id, name and role; by subject; by type', async () => {
    const legal = await person('legal');
    const issued = await requestJson(`${api}/me/tokens`, 'POST', { token: legal.token, body: { label: 'agenda' } });
    expect(issued.status).toBe(201);

    const mine = await everyItem(page(ops), `/audit/log?userId=${legal.id}`);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    for (const i of mine) expect(i.actor).toEqual({ label: legal.label, userId: legal.id, name: legal.name, role: 'legal' });
    const entry = mine.find((i: Json) => i.type === 'token-issued' && i.data.tokenId === issued.body.id);
    expect(entry).toMatchObject({
      subject: { type: 'access', id: legal.id },
      ruleIds: ['DATA-3'],
      reason: null,
      chain: { prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(entry.sequence).toMatch(/^[1-9][0-9]*$/);

    const subject = await get(`/audit/log?streamType=access&streamId=${legal.id}&type=token-issued`, ops);
    expect(subject.status).toBe(200);
    expect(subject.body.total).toBe(1);
    expect(subject.body.items[0].sequence).toBe(entry.sequence);
    const byRole = await everyItem(page(ops), `/audit/log?role=legal&streamId=${legal.id}`);
    expect(byRole.map((i: Json) => i.sequence)).toContain(entry.sequence);
    expect(byRole.every((i: Json) => i.actor.role === 'legal')).toBe(true);
    expect((await get(`/audit/log?role=operations&streamId=${legal.id}`, ops)).body.total).toBe(0);
    const byName = await get(`/audit/log?actor=${encodeURIComponent(legal.name.toUpperCase())}`, ops);
    expect(byName.body.items.map((i: Json) => i.sequence)).toContain(entry.sequence);
  });

  it('newest first by sequence; each entry links the one before it (chain fields); a system actor has no user nor role', async () => {
    const stream = randomUUID();
    await append(stream, [
      { occurredAt: new Date('2001-05-01T10:00:00Z'), type: 'first', ruleIds: ['SUS-1'] },
      { occurredAt: new Date('2001-05-02T10:00:00Z'), type: 'second', actor: 'Pix Certif (import)', reason: 'import annuel' },
    ]);
    const res = await get(`/audit/log?streamId=${stream}`, ops);
    expect(res.body.total).toBe(2);
    const [newer, older] = res.body.items;
    expect([newer.type, older.type]).toEqual(['second', 'first']);
    expect(BigInt(newer.sequence)).toBeGreaterThan(BigInt(older.sequence));
    expect(newer.chain.prevHash).toBe(older.chain.hash);
    expect(newer.actor).toEqual({ label: 'Pix Certif (import)', userId: null, name: 'Pix Certif (import)', role: null });
    expect(newer).toMatchObject({
      subject: { type: 'journal-test', id: stream },
      reason: 'import annuel',
      occurredAt: '2001-05-02T10:00:00.000Z',
    });
    const [row] = await h.db.query('SELECT hash, key_id FROM event_log WHERE id = $1', [newer.sequence]);
    expect(newer.chain).toMatchObject({ hash: row.hash, keyId: row.key_id });
    expect((await get(`/audit/log?streamId=${stream}&ruleId=SUS-1`, ops)).body.items.map((i: Json) => i.type)).toEqual(['first']);
  });

  it('from and to are days in Europe/Paris, both included', async () => {
    const stream = randomUUID();
    // 23:30 UTC on 3 February is 00:30 on 4 February in Paris.
    await append(stream, [{ occurredAt: new Date('2001-02-03T23:30:00Z') }, { occurredAt: new Date('2001-02-10T12:00:00Z') }]);
    const count = async (q: string) => (await get(`/audit/log?streamId=${stream}&${q}`, ops)).body.total;
    expect(await count('from=2001-02-04&to=2001-02-04')).toBe(1);
    expect(await count('from=2001-02-03&to=2001-02-03')).toBe(0);
    expect(await count('from=2001-02-04')).toBe(2);
    expect(await count('to=2001-02-09')).toBe(1);
    expect(await count('from=2001-02-11')).toBe(0);
  });

  it.each([
    ['from=2024-02-30', 'from'],
    ['to=demain', 'to'],
    ['from=2024-03-02&to=2024-03-01', 'to'],
    ['role=admin', 'role'],
    ['userId=42', 'userId'],
    ['streamId=abc', 'streamId'],
    ['streamType=DROP%20TABLE', 'streamType'],
    ['ruleId=sus1', 'ruleId'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['offset=-1', 'offset'],
    ['format=xml', 'format'],
  ])('?%s is 400 naming %s', async (query, field) => {
    const res = await get(`/audit/log?${query}`, ops);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });
});

describe('GET /audit/log?format=csv', () => {
  it('exports the filtered entries, formula-like cells neutralised', async () => {
    const stream = randomUUID();
    await append(stream, [{ occurredAt: new Date('2001-07-01T08:00:00Z'), reason: '=HYPERLINK("http://x")', ruleIds: ['BRE-1', 'BRE-4'] }]);
    const res = await fetch(`${api}/audit/log?streamId=${stream}&format=csv`, { headers: bearer(ops) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [header, line, end] = (await res.text()).split('\n');
    expect(header).toBe(
      'sequence,occurredAt,recordedAt,actor,actorUserId,actorRole,type,subjectType,subjectId,ruleIds,from,to,reason,data,prevHash,hash,keyId',
    );
    expect(line).toContain(`journal-test,${stream},BRE-1 BRE-4`);
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(end).toBe('');
  });
});
