import type { DataSource, EntityManager } from 'typeorm';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { appendToLog } from '../../shared/event-log/event-log';

/**
 * The "needs attention" list: what the engine cannot finish alone, for Pix operations (GET /attention).
 * Recorded by the worker (src/attention/infra/attention-interceptor.ts: deterministic activity failures,
 * activities failing beyond a threshold of attempts) and by the e-mail sender (src/infra/mail/outbox.ts:
 * e-mails undelivered after a threshold of attempts, or refused for good). Operations mark an item
 * resolved with a reason, audited in the event log; items whose cause went away (the activity succeeded,
 * the e-mail was sent) are resolved by the system.
 */
export const ATTENTION_STREAM = 'attention';
/** access-review-due: DATA-3's annual access review is overdue (src/access/usecases/access-review.ts). */
export const ATTENTION_KINDS = ['activity-failed', 'activity-retrying', 'email-undelivered', 'access-review-due'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export interface AttentionReport {
  /** One item per key: a recurrence updates it (occurrences, last seen) and reopens it if it was resolved. */
  key: string;
  kind: AttentionKind;
  workflowId?: string | null;
  workflowType?: string | null;
  runId?: string | null;
  activityType?: string | null;
  errorType: string;
  errorMessage: string;
  /** What to do, in French. */
  action: string;
  details?: Record<string, unknown>;
  attempts?: number | null;
}

export interface AttentionItem {
  id: string;
  kind: AttentionKind;
  workflowId: string | null;
  workflowType: string | null;
  runId: string | null;
  activityType: string | null;
  errorType: string;
  errorMessage: string;
  action: string;
  details: Record<string, unknown>;
  attempts: number | null;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

interface AttentionRow {
  id: string;
  kind: AttentionKind;
  workflow_id: string | null;
  workflow_type: string | null;
  run_id: string | null;
  activity_type: string | null;
  error_type: string;
  error_message: string;
  action: string;
  details: Record<string, unknown>;
  attempts: number | null;
  occurrences: number;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
}

function view(r: AttentionRow): AttentionItem {
  return {
    id: r.id,
    kind: r.kind,
    workflowId: r.workflow_id,
    workflowType: r.workflow_type,
    runId: r.run_id,
    activityType: r.activity_type,
    errorType: r.error_type,
    errorMessage: r.error_message,
    action: r.action,
    details: r.details,
    attempts: r.attempts,
    occurrences: r.occurrences,
    firstSeenAt: r.first_seen_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
  };
}

/**
 * What PostgreSQL can store: an error may quote the very input that caused it (a NUL byte, a lone surrogate),
 * which text and jsonb refuse; the item must still be recorded.
 */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '\\0').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k) as string, storable(v)]));
  return value;
}

/** Error messages can be long (stack-like SQL): the list keeps what a person reads. */
const clip = (s: string, max = 4000) => storable(s.length > max ? `${s.slice(0, max - 1)}…` : s) as string;

export async function recordAttention(db: DataSource | EntityManager, r: AttentionReport): Promise<void> {
  await db.query(
    `INSERT INTO attention_items (key, kind, workflow_id, workflow_type, run_id, activity_type, error_type, error_message, action, details, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, run_id = COALESCE(EXCLUDED.run_id, attention_items.run_id),
       error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message, action = EXCLUDED.action, details = EXCLUDED.details,
       attempts = EXCLUDED.attempts, occurrences = attention_items.occurrences + 1, last_seen_at = now(),
       resolved_at = NULL, resolved_by = NULL, resolution = NULL`,
    [
      r.key,
      r.kind,
      r.workflowId ?? null,
      r.workflowType ?? null,
      r.runId ?? null,
      r.activityType ?? null,
      clip(r.errorType, 200),
      clip(r.errorMessage),
      r.action,
      JSON.stringify(storable(r.details ?? {})),
      r.attempts ?? null,
    ],
  );
}

/** The cause went away (the activity succeeded, the e-mail was sent): the open item, if any, is resolved by the system. */
export async function resolveAttentionAutomatically(db: DataSource | EntityManager, key: string, resolution: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `UPDATE attention_items SET resolved_at = now(), resolved_by = 'system', resolution = $2 WHERE key = $1 AND resolved_at IS NULL RETURNING id`,
    [key, resolution],
  );
  return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
}

export interface AttentionFilter {
  status: 'open' | 'resolved' | 'all';
  kind?: AttentionKind;
  workflowId?: string;
  limit: number;
  offset: number;
}

export async function listAttention(db: DataSource, f: AttentionFilter): Promise<{ total: number; limit: number; offset: number; items: AttentionItem[] }> {
  const params: unknown[] = [];
  const clauses: string[] = [];
  if (f.status === 'open') clauses.push('resolved_at IS NULL');
  if (f.status === 'resolved') clauses.push('resolved_at IS NOT NULL');
  if (f.kind) clauses.push(`kind = $${params.push(f.kind)}`);
  if (f.workflowId) clauses.push(`workflow_id = $${params.push(f.workflowId)}`);
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM attention_items ${where}`, params);
  const rows: AttentionRow[] = await db.query(
    `SELECT * FROM attention_items ${where} ORDER BY (resolved_at IS NULL) DESC, last_seen_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { total, limit: f.limit, offset: f.offset, items: rows.map(view) };
}

export async function findAttention(db: DataSource | EntityManager, id: string): Promise<AttentionItem> {
  const [row]: AttentionRow[] = await db.query('SELECT * FROM attention_items WHERE id = $1', [id]);
  if (!row) throw new NotFound(`attention item ${id} not found`, { id });
  return view(row);
}

/**
 * Operations mark an item resolved, saying what they did; recorded in the event log (stream "attention").
 * Resolving an item already resolved changes nothing and answers it as it stands (a retried request).
 */
export async function resolveAttention(db: DataSource, id: string, input: { reason: string }, actor: string, now: Date = new Date()): Promise<AttentionItem> {
  const reason = typeof input?.reason === 'string' ? input.reason.trim() : '';
  if (!reason) throw new InvalidCommand('reason', 'reason is required: say what was done');
  return db.transaction(async (m) => {
    const [row]: AttentionRow[] = await m.query('SELECT * FROM attention_items WHERE id = $1 FOR UPDATE', [id]);
    if (!row) throw new NotFound(`attention item ${id} not found`, { id });
    if (row.resolved_at) return view(row);
    await m.query(`UPDATE attention_items SET resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1`, [id, now, actor, reason]);
    await appendToLog(m, [
      {
        eventKey: `${ATTENTION_STREAM}:${id}:resolved:${row.occurrences}`,
        streamType: ATTENTION_STREAM,
        streamId: id,
        type: 'attention-resolved',
        ruleIds: [],
        fromState: 'open',
        toState: 'resolved',
        actor,
        reason,
        data: { kind: row.kind, workflowId: row.workflow_id, workflowType: row.workflow_type, activityType: row.activity_type, errorType: row.error_type, occurrences: row.occurrences },
        occurredAt: now,
      },
    ]);
    return findAttention(m, id);
  });
}
