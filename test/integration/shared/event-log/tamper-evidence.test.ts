import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { keyedEntryHash, legacyEntryHash } from '../../../../src/shared/event-log/chain';
import { type AuditKeyring, parseAuditKeys } from '../../../../src/shared/event-log/keys';
import { configureAudit } from '../../../../src/shared/event-log/settings';
import { assertLeastPrivilege, rolePrivileges } from '../../../../src/shared/database/app-role';
import { appendToLog, GENESIS_HASH, type LogEntry, type NewLogEntry, verifyLogChain } from '../../../../src/shared/event-log/event-log';
import { renderEmail } from '../../../../src/mail/infra/templates';
import { CheckpointRefusedError, writeCheckpoint } from '../../../../src/audit/usecases/checkpoint-round';
import { TEST_APP_ROLE } from '../../../support/app-role';
import { suspensionLogEntry } from '../../../support/fixtures';
import { gate } from '../../../support/gate';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';

/**
 * Issue 12: a database writer who bypasses the app (here: the owner, a superuser, who can disable the
 * append-only trigger) edits, inserts or deletes audit log entries, re-linking the chain as best they can
 * without the key; verification finds each attack and says which check failed and where. Each test has a
 * database of its own (migrated, with the app's least-privilege role), so the run's database stays intact.
 */
const LEGAL = 'juridique@pix.test';
const b64 = (s: string) => Buffer.from(s.padEnd(32, '.')).toString('base64');
const K1 = parseAuditKeys(`k1:${b64('first audit key')}`, 'k1');
const K12 = parseAuditKeys(`k1:${b64('first audit key')},k2:${b64('second audit key')}`, 'k2');
const ATTACKER_KEY = Buffer.from('a key that is not the audit key, 32+ bytes');

interface Scratch {
  database: ScratchDatabase;
  ownerUrl: string;
  appUrl: string;
  app: DataSource;
  owner: Client;
  dir: string;
}
const scratches: Scratch[] = [];

async function freshLog(keyring: AuditKeyring = K1): Promise<Scratch> {
  const database = await scratchDatabase('audit');
  const { ownerUrl, appUrl } = database;
  const app = await database.replica(2);
  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  const dir = mkdtempSync(path.join(tmpdir(), 'pix-checkpoints-'));
  configureAudit({ keyring, checkpointDir: dir });
  const s = { database, ownerUrl, appUrl, app, owner, dir };
  scratches.push(s);
  return s;
}

afterEach(() => configureAudit({ keyring: undefined, checkpointDir: undefined }));
afterAll(async () => {
  for (const s of scratches) {
    await s.owner.end().catch(() => undefined);
    await s.database.drop();
  }
});

let n = 0;
function entry(reason = 'Fraude'): NewLogEntry {
  n++;
  return suspensionLogEntry({
    eventKey: `audit-test:${randomUUID()}`,
    reason: `${reason} ${n}`,
    data: { n },
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
  });
}

async function append(s: Scratch, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await s.app.transaction((m) => appendToLog(m, [entry()]));
}

async function entries(s: Scratch): Promise<LogEntry[]> {
  const rows = await s.owner.query('SELECT * FROM event_log ORDER BY id');
  return rows.rows.map((r) => ({
    id: String(r.id),
    eventKey: r.event_key,
    streamType: r.stream_type,
    streamId: r.stream_id,
    type: r.type,
    ruleIds: r.rule_ids,
    fromState: r.from_state,
    toState: r.to_state,
    actor: r.actor,
    reason: r.reason,
    data: r.data,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    prevHash: r.prev_hash,
    hash: r.hash,
    keyId: r.key_id,
  }));
}

/** `count` entries, each linking the one before it (no two on the same head: no fork), and the chain verifies. */
async function expectOneChain(s: Scratch, count: number): Promise<void> {
  const all = await entries(s);
  expect(all).toHaveLength(count);
  expect(all.every((e, i) => e.prevHash === (i === 0 ? GENESIS_HASH : all[i - 1]!.hash))).toBe(true);
  expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: count });
}

/** As the owner, with the append-only trigger disabled for the statement's transaction. */
async function behindTheAppsBack(s: Scratch, fn: (c: Client) => Promise<unknown>): Promise<void> {
  await s.owner.query('BEGIN');
  await s.owner.query('ALTER TABLE event_log DISABLE TRIGGER event_log_no_rewrite');
  await fn(s.owner);
  await s.owner.query('ALTER TABLE event_log ENABLE TRIGGER event_log_no_rewrite');
  await s.owner.query('COMMIT');
}

type Linker = (prev: string, e: LogEntry) => { hash: string; keyId: string | null };
const plainSha256: Linker = (prev, e) => ({ hash: legacyEntryHash(prev, e), keyId: null });
const plainSha256KeepingKeyId: Linker = (prev, e) => ({ hash: legacyEntryHash(prev, e), keyId: e.keyId });
const wrongKey: Linker = (prev, e) => ({ hash: keyedEntryHash(ATTACKER_KEY, e.keyId ?? 'k1', prev, e), keyId: e.keyId ?? 'k1' });

/** Edits entry `at` (0-based) and re-links it and every entry after it with `link`. */
async function editAndRelink(s: Scratch, at: number, link: Linker): Promise<string> {
  const all = await entries(s);
  all[at] = { ...all[at]!, reason: 'rien à signaler' };
  await behindTheAppsBack(s, async (c) => {
    let prev = at === 0 ? GENESIS_HASH : all[at - 1]!.hash;
    for (const e of all.slice(at)) {
      const { hash, keyId } = link(prev, e);
      await c.query('UPDATE event_log SET reason = $2, prev_hash = $3, hash = $4, key_id = $5 WHERE id = $1', [
        e.id,
        e.reason,
        prev,
        hash,
        keyId,
      ]);
      prev = hash;
    }
  });
  return all[at]!.id;
}

describe('issue 12: the audit log is tamper-evident against a database writer', () => {
  it('appends from many transactions at once chain one after the other: each links the head the previous one committed', async () => {
    const s = await freshLog();
    const writers = 12;
    const pool = await s.database.replica(writers);
    // Every transaction has begun and written before any appends: all of them are open at once when they take the lock.
    const allOpen = gate();
    let open = 0;
    const appended = Array.from({ length: writers }, (_, w) =>
      pool.transaction(async (m) => {
        await m.query('SELECT 1');
        if (++open === writers) allOpen.open();
        await allOpen.done;
        return appendToLog(
          m,
          Array.from({ length: 25 }, (_, i) => entry(`écrivain ${w}, entrée ${i}`)),
        );
      }),
    );
    expect(await Promise.all(appended)).toEqual(Array(writers).fill(25));
    await expectOneChain(s, writers * 25);
  });

  it('appends made outside a transaction, several at once, still chain one after the other (each in a transaction of its own)', async () => {
    const s = await freshLog();
    await Promise.all(Array.from({ length: 8 }, (_, w) => appendToLog(s.app.manager, [entry(`hors transaction ${w}`), entry()])));
    await expectOneChain(s, 16);
  });

  it('a batch of entries is appended in its order, each field as given, in one chain that verifies (and a retry records nothing twice)', async () => {
    const s = await freshLog();
    await append(s, 1);
    const streamId = randomUUID();
    // More entries than one VALUES statement used to hold (1,000), with what a field may carry.
    const batch: NewLogEntry[] = Array.from({ length: 1203 }, (_, i) => ({
      eventKey: `batch:${streamId}:${i}`,
      streamType: 'agrement',
      streamId,
      type: i % 2 ? 'sessions-finalised' : 'suspended',
      ruleIds: [[], ['QUO-3'], ['SUS-1', 'SUS-2', 'BRE-2']][i % 3]!,
      fromState: i % 2 ? null : 'agreed',
      toState: i % 2 ? null : 'suspended',
      actor: `Élodie Dupré (legal) ${i}`,
      reason: i % 5 ? null : `Motif « ${i} » — l'égalité\n"cités"`,
      data: { sessionId: `H-${i}`, candidates: i, ratio: i / 7, counted: i % 2 === 0, nested: { list: [1, 'a', null] }, empty: {} },
      occurredAt: new Date(Date.UTC(2026, 10, 30, 23, 59, 59, i % 1000)),
    }));
    expect(await s.app.transaction((m) => appendToLog(m, batch))).toBe(batch.length);
    // A retried activity appends the same entries again: nothing new.
    expect(await s.app.transaction((m) => appendToLog(m, batch.slice(1000)))).toBe(0);
    const all = await entries(s);
    expect(all).toHaveLength(1 + batch.length);
    expect(
      all.slice(1).map(({ eventKey, streamType, streamId, type, ruleIds, fromState, toState, actor, reason, data, occurredAt }) => ({
        eventKey,
        streamType,
        streamId,
        type,
        ruleIds,
        fromState,
        toState,
        actor,
        reason,
        data,
        occurredAt,
      })),
    ).toEqual(batch);
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: 1 + batch.length });
  });

  it('(a) an entry edited and the chain re-linked after it, with plain SHA-256 or a wrong key, is found at that entry', async () => {
    for (const [link, reason] of [
      [plainSha256, 'unkeyed-entry'],
      [plainSha256KeepingKeyId, 'hash'],
      [wrongKey, 'hash'],
    ] as const) {
      const s = await freshLog();
      await append(s, 5);
      expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: 5 });
      const edited = await editAndRelink(s, 2, link);
      const result = await verifyLogChain(s.app);
      expect(result).toMatchObject({ valid: false, checked: 2, brokenAt: { id: edited, reason } });
      expect(result.brokenAt!.detail).toMatch(/entrée/);
    }
  });

  it('(b) an entry forged in the middle of the chain (or at its end) is found', async () => {
    const s = await freshLog();
    await append(s, 2);
    // A gap in the ids (a rolled-back append leaves one): the forger's slot in the middle of the chain.
    const [{ gap }] = (await s.app.query(`SELECT nextval('event_log_id_seq')::text AS gap`)) as { gap: string }[];
    await append(s, 2);
    const before = await entries(s);
    const forged = {
      ...entry('Retrait de la suspension'),
      id: gap,
      recordedAt: new Date(),
      prevHash: before[1]!.hash,
      hash: '',
      keyId: 'k1',
    };
    const insert = (c: Client, e: typeof forged) =>
      c.query(
        `INSERT INTO event_log (id, event_key, stream_type, stream_id, type, rule_ids, from_state, to_state, actor, reason, data, occurred_at, prev_hash, hash, key_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
        [
          e.id,
          e.eventKey,
          e.streamType,
          e.streamId,
          e.type,
          e.ruleIds,
          e.fromState,
          e.toState,
          e.actor,
          e.reason,
          JSON.stringify(e.data),
          e.occurredAt,
          e.prevHash,
          e.hash,
          e.keyId,
        ],
      );
    // INSERT is allowed by the trigger: no need to disable it.
    await insert(s.owner, { ...forged, hash: keyedEntryHash(ATTACKER_KEY, 'k1', forged.prevHash, forged) });
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: false, checked: 2, brokenAt: { id: gap, reason: 'hash' } });

    // At the end, with a plain SHA-256 link (the pre-migration kind): written without the key.
    const t = await freshLog();
    await append(t, 3);
    const tail = (await entries(t)).at(-1)!;
    const legacy = {
      ...forged,
      id: String(Number(tail.id) + 100),
      eventKey: `forged:${randomUUID()}`,
      prevHash: tail.hash,
      keyId: null as unknown as string,
    };
    await insert(t.owner, { ...legacy, hash: legacyEntryHash(tail.hash, legacy) });
    expect(await verifyLogChain(t.app)).toMatchObject({ valid: false, checked: 3, brokenAt: { id: legacy.id, reason: 'unkeyed-entry' } });
  });

  it('(c) the tail deleted after a checkpoint is found (the checkpoint head is gone); entries after the last checkpoint are the limit', async () => {
    const s = await freshLog();
    await append(s, 4);
    const written = await writeCheckpoint({ db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() });
    expect(written).toMatchObject({ checkpoint: { count: 4, keyId: 'k1' } });
    const head = written!.checkpoint.headId!;
    await append(s, 2);
    expect(await verifyLogChain(s.app)).toMatchObject({
      valid: true,
      checked: 6,
      checkpoints: { checked: 1, latestAt: written!.checkpoint.at },
    });

    // Deleting what no checkpoint covers yet goes unseen (README, Security: the limit)…
    await behindTheAppsBack(s, (c) => c.query('DELETE FROM event_log WHERE id > $1', [head]));
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: 4 });
    // …deleting what a checkpoint covers does not.
    await behindTheAppsBack(s, (c) => c.query('DELETE FROM event_log WHERE id >= (SELECT id FROM event_log ORDER BY id OFFSET 2 LIMIT 1)'));
    expect(await verifyLogChain(s.app)).toMatchObject({
      valid: false,
      checked: 2,
      brokenAt: { id: head, checkpoint: written!.file, reason: 'checkpoint-head-missing' },
    });
    // And no new checkpoint vouches for the truncated log.
    await append(s, 1);
    await expect(writeCheckpoint({ db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() })).rejects.toThrow(
      CheckpointRefusedError,
    );
  });

  it('(c) an entry rewritten before a checkpoint and the whole chain re-linked from the genesis as legacy links: the checkpoint head hash no longer matches', async () => {
    const s = await freshLog();
    await append(s, 3);
    const written = await writeCheckpoint({ db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() });
    await editAndRelink(s, 0, plainSha256);
    // Legacy links are allowed up to the checkpoint's head (pre-migration entries), so the head's hash is what gives it away.
    expect(await verifyLogChain(s.app)).toMatchObject({
      valid: false,
      brokenAt: { id: written!.checkpoint.headId, checkpoint: written!.file, reason: 'checkpoint-head-hash' },
    });
  });

  it('(d) the app role may INSERT and SELECT the log, and neither UPDATE, DELETE, TRUNCATE it nor ALTER it or disable its trigger', async () => {
    const s = await freshLog();
    await append(s, 1);
    expect(await s.app.query('SELECT count(*)::int AS n FROM event_log')).toEqual([{ n: 1 }]);
    const refused = async (sql: string, message: RegExp) => {
      const err = (await s.app.query(sql).then(
        () => null,
        (e: unknown) => e,
      )) as { code?: string; message?: string } | null;
      expect(err, sql).not.toBeNull();
      expect(err!.code, sql).toBe('42501'); // insufficient_privilege
      expect(err!.message, sql).toMatch(message);
    };
    await refused(`UPDATE event_log SET reason = 'x'`, /permission denied for table event_log/);
    await refused('DELETE FROM event_log', /permission denied for table event_log/);
    await refused('TRUNCATE event_log', /permission denied for table event_log/);
    await refused('ALTER TABLE event_log DISABLE TRIGGER event_log_no_rewrite', /must be owner of table event_log/);
    await refused('ALTER TABLE event_log ADD COLUMN note text', /must be owner of table event_log/);
    await refused('DROP TRIGGER event_log_no_rewrite ON event_log', /must be owner of (table|relation) event_log/);
    await refused('CREATE TABLE shadow_log (id int)', /permission denied for schema public/);
    await refused('SET session_replication_role = replica', /permission denied to set parameter/);
    // Ordinary DML elsewhere still works (the e-mail outbox, sessions' retention, imports' spool…).
    await s.app.query(`UPDATE email_outbox SET attempts = attempts WHERE false`);
    await s.app.query(`DELETE FROM email_outbox WHERE false`);
    const privileges = await rolePrivileges(s.appUrl);
    expect(privileges).toMatchObject({
      role: TEST_APP_ROLE.role,
      superuser: false,
      ownsEventLog: false,
      eventLog: { select: true, insert: true, update: false, delete: false, truncate: false },
    });
    // The start refuses a connection that could rewrite the log (APP_DATABASE_URL set to the owner, say).
    await expect(assertLeastPrivilege(s.ownerUrl)).rejects.toThrow(/is a superuser.*may UPDATE event_log/);
  });

  it('(d) tables created by later migrations are granted to the app role too (default privileges)', async () => {
    const s = await freshLog();
    await s.owner.query('CREATE TABLE later_table (id int)');
    await s.app.query('INSERT INTO later_table VALUES (1)');
    await s.app.query('UPDATE later_table SET id = 2');
    await s.app.query('DELETE FROM later_table');
  });

  it('(e) key rotation: entries under the old and the new key verify; a key missing from the keyring is reported', async () => {
    const s = await freshLog(K1);
    await append(s, 2);
    configureAudit({ keyring: K12 });
    await append(s, 2);
    expect((await entries(s)).map((e) => e.keyId)).toEqual(['k1', 'k1', 'k2', 'k2']);
    expect(await verifyLogChain(s.app, { keyring: K12 })).toMatchObject({ valid: true, checked: 4 });
    const onlyK2 = parseAuditKeys(`k2:${b64('second audit key')}`, 'k2');
    const first = (await entries(s))[0]!.id;
    expect(await verifyLogChain(s.app, { keyring: onlyK2 })).toMatchObject({
      valid: false,
      checked: 0,
      brokenAt: { id: first, reason: 'unknown-key' },
    });
    // A checkpoint signed with the new key verifies with it; without it, it is reported.
    const written = await writeCheckpoint({ db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() });
    expect(written!.checkpoint.keyId).toBe('k2');
    expect(await verifyLogChain(s.app, { keyring: K1 })).toMatchObject({
      valid: false,
      brokenAt: { checkpoint: written!.file, reason: 'checkpoint-unknown-key' },
    });
  });

  it('(f) a checkpoint file whose content no longer matches its signature, or that is not a checkpoint, is reported', async () => {
    const s = await freshLog();
    await append(s, 3);
    const written = await writeCheckpoint({
      db: s.app,
      operationsEmail: 'ops@pix.test',
      legalEmail: LEGAL,
      now: () => new Date('2026-03-02T09:00:00Z'),
    });
    const file = path.join(s.dir, written!.file);
    // Written once, readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"count": 3', '"count": 2'));
    expect(await verifyLogChain(s.app)).toMatchObject({
      valid: false,
      checked: 0,
      brokenAt: { checkpoint: written!.file, reason: 'checkpoint-signature' },
    });
    writeFileSync(file, original);
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checkpoints: { checked: 1 } });
    writeFileSync(path.join(s.dir, 'checkpoint-zz.json'), 'not json');
    expect(await verifyLogChain(s.app)).toMatchObject({
      valid: false,
      brokenAt: { checkpoint: 'checkpoint-zz.json', reason: 'checkpoint-unreadable' },
    });

    // The checkpoint went to the legal team too (the e-mail outbox), in French.
    const [mail] = (await s.app.query(`SELECT recipient, template, data FROM email_outbox WHERE template = 'audit-checkpoint'`)) as {
      recipient: string;
      template: 'audit-checkpoint';
      data: Record<string, unknown>;
    }[];
    expect(mail).toMatchObject({
      recipient: LEGAL,
      data: { headId: written!.checkpoint.headId, signature: written!.checkpoint.signature, file: written!.file },
    });
    const rendered = renderEmail('audit-checkpoint', mail!.data);
    expect(rendered.subject).toContain(`Point de contrôle du journal d'audit n° ${written!.checkpoint.headId}`);
    expect(rendered.text).toContain(written!.checkpoint.signature);
  });

  it('(c) nothing new: no second checkpoint file; a new entry: a new file, the old one kept', async () => {
    const s = await freshLog();
    await append(s, 11); // past 9 entries: the head is the highest id as a number, not as text
    const deps = { db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() };
    const first = await writeCheckpoint(deps);
    expect(first!.checkpoint).toMatchObject({ headId: (await entries(s)).at(-1)!.id, count: 11 });
    expect(await writeCheckpoint(deps)).toBeNull();
    await append(s, 1);
    expect(await writeCheckpoint(deps)).not.toBeNull();
    expect(readdirSync(s.dir)).toHaveLength(2);
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: 12, checkpoints: { checked: 2 } });
  });

  it('(g) legacy entries (plain SHA-256, before the migration) still verify once the first checkpoint pins them, then keyed entries follow', async () => {
    const s = await freshLog();
    // Entries as the log held them before migration 1763900003800: key_id NULL, SHA-256 links.
    let prev = GENESIS_HASH;
    for (let i = 0; i < 3; i++) {
      const e = entry('avant la migration');
      const hash = legacyEntryHash(prev, e);
      await s.owner.query(
        `INSERT INTO event_log (event_key, stream_type, stream_id, type, rule_ids, from_state, to_state, actor, reason, data, occurred_at, prev_hash, hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
        [
          e.eventKey,
          e.streamType,
          e.streamId,
          e.type,
          e.ruleIds,
          e.fromState,
          e.toState,
          e.actor,
          e.reason,
          JSON.stringify(e.data),
          e.occurredAt,
          prev,
          hash,
        ],
      );
      prev = hash;
    }
    // Not pinned yet: a legacy link past every checkpoint could have been written by anyone.
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: false, brokenAt: { reason: 'unkeyed-entry' } });
    // The start's checkpoint pins them; the app's new entries are keyed.
    await writeCheckpoint({ db: s.app, operationsEmail: 'ops@pix.test', legalEmail: LEGAL, now: () => new Date() });
    await append(s, 2);
    expect((await entries(s)).map((e) => e.keyId)).toEqual([null, null, null, 'k1', 'k1']);
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: true, checked: 5, checkpoints: { checked: 1 } });
    // A legacy entry edited is still found.
    const all = await entries(s);
    await behindTheAppsBack(s, (c) => c.query(`UPDATE event_log SET reason = 'x' WHERE id = $1`, [all[1]!.id]));
    expect(await verifyLogChain(s.app)).toMatchObject({ valid: false, brokenAt: { id: all[1]!.id, reason: 'hash' } });
  });
});
