import type { DataSource, EntityManager } from 'typeorm';
import { type ChainBreak, ChainChecker, type ChainPosition, checkCheckpointSignatures, entryBody, GENESIS_HASH, keyedLink } from './chain';
import { readCheckpoints } from './checkpoints';
import { auditSettings, type AuditSettings } from './settings';

export { canonicalJson, GENESIS_HASH } from './chain';
/** Serialises appends so that each entry chains the one before it (checkpoints take it too, to read a settled head). */
export const EVENT_LOG_LOCK = 748_215_001;

export interface NewLogEntry {
  /** Idempotency key: an entry already recorded under this key is not recorded again. */
  eventKey: string;
  streamType: string;
  streamId: string;
  type: string;
  ruleIds: string[];
  fromState: string | null;
  toState: string | null;
  actor: string;
  reason: string | null;
  data: Record<string, unknown>;
  occurredAt: Date;
}

export interface LogEntry extends NewLogEntry {
  id: string;
  recordedAt: Date;
  prevHash: string;
  hash: string;
  /** Issue 12: the key of the entry's HMAC link; null for a legacy SHA-256 link (before migration 1763900003800). */
  keyId: string | null;
}

/**
 * Appends entries inside the caller's transaction (or one of its own when there is none); entries whose key is already
 * recorded are skipped (an activity retried by Temporal records its facts once). Each entry is linked
 * to the previous one by an HMAC under the current audit key (issue 12, src/shared/event-log/chain.ts).
 */
export async function appendToLog(manager: EntityManager, entries: NewLogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  // The lock holds until the commit: outside a transaction it would be released at once, and two appends at once
  // could link the same head (a fork the verification reports). A caller without a transaction gets one of its own.
  if (!manager.queryRunner?.isTransactionActive) return manager.transaction((m) => appendToLog(m, entries));
  // The entries' canonical JSON before the lock, and one round trip fewer under it: every writer waits while it is held
  // (issue 15: a bulk import's chunks of 500 entries and the QUO-3 counts of its 200 agréments append one after the
  // other). The head is read by a statement after the lock's: one started before it would not see the last holder's.
  const bodies = entries.map(entryBody);
  await manager.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
  const [read]: { head: string | null; known: string[] }[] = await manager.query(
    `SELECT (SELECT hash FROM event_log ORDER BY id DESC LIMIT 1) AS head,
            ARRAY(SELECT event_key FROM event_log WHERE event_key = ANY($1)) AS known`,
    [entries.map((e) => e.eventKey)],
  );
  const known = new Set(read!.known);
  let prev = read!.head ?? GENESIS_HASH;
  const { keyring } = auditSettings();
  const keyId = keyring.currentId;
  const key = keyring.keys.get(keyId)!;
  const rows: Array<Record<string, unknown>> = [];
  for (const [i, e] of entries.entries()) {
    if (known.has(e.eventKey)) continue;
    const hash = keyedLink(key, keyId, prev, bodies[i]!);
    rows.push({
      event_key: e.eventKey,
      stream_type: e.streamType,
      stream_id: e.streamId,
      type: e.type,
      rule_ids: e.ruleIds,
      from_state: e.fromState,
      to_state: e.toState,
      actor: e.actor,
      reason: e.reason,
      data: e.data,
      occurred_at: e.occurredAt.toISOString(),
      prev_hash: prev,
      hash,
      key_id: keyId,
    });
    known.add(e.eventKey);
    prev = hash;
  }
  if (rows.length === 0) return 0;
  // One statement, the rows as one JSON parameter: a VALUES list of 14 parameters a row cost twice the client's CPU
  // and a third more of the lock's time for 500 entries (issue 15, the QUO-3 counts of a bulk import: appended one
  // agrément after the other under the lock). Ids are taken from the sequence in the array's order (ORDER BY its
  // ordinality, below the insert), so the chain reads back by id.
  await manager.query(
    `INSERT INTO event_log (event_key, stream_type, stream_id, type, rule_ids, from_state, to_state, actor, reason, data, occurred_at, prev_hash, hash, key_id)
     SELECT x.event_key, x.stream_type, x.stream_id, x.type, x.rule_ids, x.from_state, x.to_state, x.actor, x.reason, x.data, x.occurred_at, x.prev_hash, x.hash, x.key_id
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (event_key text, stream_type text, stream_id uuid, type text, rule_ids text[], from_state text,
            to_state text, actor text, reason text, data jsonb, occurred_at timestamptz, prev_hash text, hash text, key_id text)) WITH ORDINALITY AS x
      ORDER BY x.ordinality`,
    [JSON.stringify(rows)],
  );
  return rows.length;
}

/** An event_log row as PostgreSQL answers it. */
export interface LogRow {
  id: string;
  event_key: string;
  stream_type: string;
  stream_id: string;
  type: string;
  rule_ids: string[];
  from_state: string | null;
  to_state: string | null;
  actor: string;
  reason: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
  key_id: string | null;
}

/** A row of event_log as an entry (ids as strings: bigint). */
export function toEntry(r: LogRow): LogEntry {
  return {
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
    keyId: r.key_id ?? null,
  };
}

export async function readStream(db: DataSource | EntityManager, streamType: string, streamId: string): Promise<LogEntry[]> {
  const rows: LogRow[] = await db.query('SELECT * FROM event_log WHERE stream_type = $1 AND stream_id = $2 ORDER BY id', [
    streamType,
    streamId,
  ]);
  return rows.map(toEntry);
}

/**
 * The entries of several streams together, newest first and paged: `streams` is a SELECT of
 * (stream_type, stream_id) pairs, bound with `params`; each pair is read through the stream index.
 */
export async function readLogEntries(
  db: DataSource | EntityManager,
  streams: string,
  params: unknown[],
  page: { limit: number; offset: number },
): Promise<{ total: number; entries: LogEntry[]; streams: string[] }> {
  const [{ total }]: { total: number }[] = await db.query(
    `WITH streams AS (${streams}) SELECT count(*)::int AS total FROM event_log e JOIN streams s ON e.stream_type = s.stream_type AND e.stream_id = s.stream_id`,
    params,
  );
  const rows: LogRow[] = await db.query(
    `WITH streams AS (${streams}) SELECT e.* FROM event_log e JOIN streams s ON e.stream_type = s.stream_type AND e.stream_id = s.stream_id
      ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
    params,
  );
  return { total, entries: rows.map(toEntry), streams: rows.map((r) => r.stream_type) };
}

/** The log's last entry and its length, as a checkpoint pins them (issue 12). */
export interface LogHead {
  /** null: the log is empty. */
  headId: string | null;
  headHash: string;
  count: number;
}

/**
 * The head and the count read under the appends' lock (EVENT_LOG_LOCK), so that they describe one settled state:
 * call it in a transaction (the lock is held until it ends).
 */
export async function readSettledHead(manager: EntityManager): Promise<LogHead> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
  const [last]: { head_id: string; hash: string }[] = await manager.query(
    'SELECT e.id::text AS head_id, e.hash FROM event_log e ORDER BY e.id DESC LIMIT 1',
  );
  const [{ n }]: { n: number }[] = await manager.query('SELECT count(*)::int AS n FROM event_log');
  return { headId: last?.head_id ?? null, headHash: last?.hash ?? GENESIS_HASH, count: n };
}

export interface ChainVerification {
  valid: boolean;
  /** Entries whose link was checked. */
  checked: number;
  /** Issue 12: the signed checkpoints read from the sink and checked against the log. */
  checkpoints: { checked: number; latestAt: string | null; sink: string | null };
  /** The first check that failed: which (reason) and where (entry id, checkpoint file). */
  brokenAt?: ChainBreak;
}

/**
 * Recomputes the whole chain in id order, in batches (issue 12): every link and its HMAC under the key it
 * names, legacy links only where they may be, the signature of every checkpoint in the sink, and that each
 * checkpoint's head is still in the log with the signed hash and position.
 */
export async function verifyLogChain(
  db: DataSource | EntityManager,
  options: Partial<AuditSettings> & { batchSize?: number } = {},
): Promise<ChainVerification> {
  const settings = { ...auditSettings(), ...options };
  const files = settings.checkpointDir ? await readCheckpoints(settings.checkpointDir) : [];
  const latestAt = files.reduce<string | null>((max, f) => (f.checkpoint && (!max || f.checkpoint.at > max) ? f.checkpoint.at : max), null);
  const summary = { checked: files.length, latestAt, sink: settings.checkpointDir };
  const signatures = checkCheckpointSignatures(settings.keyring, files);
  if (signatures) return { valid: false, checked: 0, checkpoints: summary, brokenAt: signatures };
  const checker = new ChainChecker(settings.keyring, files);
  const broken = await walkLog(db, checker, '0', options.batchSize);
  return { valid: !broken, checked: checker.checked, checkpoints: summary, ...(broken ? { brokenAt: broken } : {}) };
}

/** Feeds the entries after `afterId` (up to `untilId` if given) to the checker; the first break, or finish()'s. */
export async function walkLog(
  db: DataSource | EntityManager,
  checker: ChainChecker,
  afterId: string,
  batchSize = 5000,
  untilId?: string,
): Promise<ChainBreak | null> {
  let lastId = afterId;
  for (;;) {
    const rows: LogRow[] = untilId
      ? await db.query('SELECT * FROM event_log WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2', [lastId, batchSize, untilId])
      : await db.query('SELECT * FROM event_log WHERE id > $1 ORDER BY id LIMIT $2', [lastId, batchSize]);
    if (rows.length === 0) return checker.finish();
    for (const r of rows) {
      const broken = checker.feed(toEntry(r));
      if (broken) return broken;
      lastId = String(r.id);
    }
  }
}

export type { ChainPosition };
