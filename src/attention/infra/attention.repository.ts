import type { Db } from '../../shared/database/db';
import { transactionManager } from '../../shared/database/db';
import { appendToLog } from '../../shared/event-log/event-log';
import type { AttentionFilter, AttentionItem, AttentionKind, AttentionReport } from '../usecases/attention';
import type { AttentionRepository } from '../usecases/ports';

/** The attention list's stream of the event log: operations' resolutions. */
export const ATTENTION_STREAM = 'attention';

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
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL refuses in text.
const NUL = /\u0000/g;

function storable(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(NUL, '\\0').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k) as string, storable(v)]));
  return value;
}

/** Error messages can be long (stack-like SQL): the list keeps what a person reads. */
const clip = (s: string, max = 4000) => storable(s.length > max ? `${s.slice(0, max - 1)}…` : s) as string;

/** The "needs attention" list (table attention_items), over the data source or a transaction's manager. */
export function attentionRepository(db: Db): AttentionRepository {
  return {
    async record(r: AttentionReport): Promise<void> {
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
    },

    async resolveAutomatically(key: string, resolution: string): Promise<boolean> {
      const rows: unknown[] = await db.query(
        `UPDATE attention_items SET resolved_at = now(), resolved_by = 'system', resolution = $2 WHERE key = $1 AND resolved_at IS NULL RETURNING id`,
        [key, resolution],
      );
      return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
    },

    async list(f: AttentionFilter): Promise<{ total: number; items: AttentionItem[] }> {
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
      return { total, items: rows.map(view) };
    },

    async find(id: string): Promise<AttentionItem | null> {
      const [row]: AttentionRow[] = await db.query('SELECT * FROM attention_items WHERE id = $1', [id]);
      return row ? view(row) : null;
    },

    async lock(id: string): Promise<AttentionItem | null> {
      const [row]: AttentionRow[] = await db.query('SELECT * FROM attention_items WHERE id = $1 FOR UPDATE', [id]);
      return row ? view(row) : null;
    },

    async markResolved(item: AttentionItem, { at, actor, reason }: { at: Date; actor: string; reason: string }): Promise<void> {
      const m = transactionManager(db, "an item's resolution");
      await m.query(`UPDATE attention_items SET resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1`, [
        item.id,
        at,
        actor,
        reason,
      ]);
      await appendToLog(m, [
        {
          eventKey: `${ATTENTION_STREAM}:${item.id}:resolved:${item.occurrences}`,
          streamType: ATTENTION_STREAM,
          streamId: item.id,
          type: 'attention-resolved',
          ruleIds: [],
          fromState: 'open',
          toState: 'resolved',
          actor,
          reason,
          data: {
            kind: item.kind,
            workflowId: item.workflowId,
            workflowType: item.workflowType,
            activityType: item.activityType,
            errorType: item.errorType,
            occurrences: item.occurrences,
          },
          occurredAt: at,
        },
      ]);
    },

    transaction<T>(work: (repository: AttentionRepository) => Promise<T>): Promise<T> {
      return db.transaction((m) => work(attentionRepository(m)));
    },
  };
}
