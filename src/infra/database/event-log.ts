import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** Hash of the chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);
/** Serialises appends so that each entry chains the one before it. */
const EVENT_LOG_LOCK = 748_215_001;

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
}

/** JSON with object keys sorted at every depth, so jsonb round trips give the same hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return JSON.stringify(value ?? null);
}

export function entryHash(prevHash: string, e: NewLogEntry): string {
  const body = canonicalJson({
    eventKey: e.eventKey,
    streamType: e.streamType,
    streamId: e.streamId,
    type: e.type,
    ruleIds: e.ruleIds,
    fromState: e.fromState,
    toState: e.toState,
    actor: e.actor,
    reason: e.reason,
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/**
 * Appends entries inside the caller's transaction; entries whose key is already
 * recorded are skipped (an activity retried by Temporal records its facts once).
 */
export async function appendToLog(manager: EntityManager, entries: NewLogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  await manager.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
  const existing: { event_key: string }[] = await manager.query(
    'SELECT event_key FROM event_log WHERE event_key = ANY($1)',
    [entries.map((e) => e.eventKey)],
  );
  const known = new Set(existing.map((r) => r.event_key));
  const last: { hash: string }[] = await manager.query('SELECT hash FROM event_log ORDER BY id DESC LIMIT 1');
  let prev = last[0]?.hash ?? GENESIS_HASH;
  const rows: unknown[][] = [];
  for (const e of entries) {
    if (known.has(e.eventKey)) continue;
    const hash = entryHash(prev, e);
    rows.push([e.eventKey, e.streamType, e.streamId, e.type, e.ruleIds, e.fromState, e.toState, e.actor, e.reason, JSON.stringify(e.data), e.occurredAt, prev, hash]);
    known.add(e.eventKey);
    prev = hash;
  }
  // Many rows per statement; a VALUES list takes its ids from the sequence in order, so the chain reads back by id.
  for (let from = 0; from < rows.length; from += LOG_ROWS_PER_STATEMENT) {
    const slice = rows.slice(from, from + LOG_ROWS_PER_STATEMENT);
    await manager.query(
      `INSERT INTO event_log (event_key, stream_type, stream_id, type, rule_ids, from_state, to_state, actor, reason, data, occurred_at, prev_hash, hash)
       VALUES ${slice.map((_, r) => `(${Array.from({ length: 13 }, (_, k) => `$${r * 13 + k + 1}`).join(',')})`).join(',')}`,
      slice.flat(),
    );
  }
  return rows.length;
}

/** 13 parameters a row: well under PostgreSQL's 65,535 per statement. */
const LOG_ROWS_PER_STATEMENT = 1000;

interface LogRow {
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
}

function toEntry(r: LogRow): LogEntry {
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
  };
}

export async function readStream(db: DataSource | EntityManager, streamType: string, streamId: string): Promise<LogEntry[]> {
  const rows: LogRow[] = await db.query(
    'SELECT * FROM event_log WHERE stream_type = $1 AND stream_id = $2 ORDER BY id',
    [streamType, streamId],
  );
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

export interface ChainVerification {
  valid: boolean;
  checked: number;
  /** First entry whose link or hash does not match. */
  brokenAt?: { id: string; reason: 'prev-hash' | 'hash' };
}

/** Recomputes the whole chain in id order, in batches. */
export async function verifyLogChain(db: DataSource, batchSize = 5000): Promise<ChainVerification> {
  let prev = GENESIS_HASH;
  let lastId = '0';
  let checked = 0;
  for (;;) {
    const rows: LogRow[] = await db.query('SELECT * FROM event_log WHERE id > $1 ORDER BY id LIMIT $2', [lastId, batchSize]);
    if (rows.length === 0) return { valid: true, checked };
    for (const r of rows) {
      const e = toEntry(r);
      if (e.prevHash !== prev) return { valid: false, checked, brokenAt: { id: e.id, reason: 'prev-hash' } };
      if (entryHash(prev, e) !== e.hash) return { valid: false, checked, brokenAt: { id: e.id, reason: 'hash' } };
      prev = e.hash;
      lastId = e.id;
      checked++;
    }
  }
}
