import type { DataSource, EntityManager } from 'typeorm';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { attentionRepository } from '../infra/attention.repository';
import type { AttentionRepository } from './ports';

/**
 * The "needs attention" list: what the engine cannot finish alone, for Pix operations (GET /attention).
 * Recorded by the worker (src/attention/infra/attention-interceptor.ts: deterministic activity failures,
 * activities failing beyond a threshold of attempts) and by the e-mail sender (src/infra/mail/outbox.ts:
 * e-mails undelivered after a threshold of attempts, or refused for good). Operations mark an item
 * resolved with a reason, audited in the event log; items whose cause went away (the activity succeeded,
 * the e-mail was sent) are resolved by the system.
 */
export { ATTENTION_STREAM } from '../infra/attention.repository';
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

export async function recordAttention(db: DataSource | EntityManager, r: AttentionReport): Promise<void> {
  await attentionRepository(db).record(r);
}

/** The cause went away (the activity succeeded, the e-mail was sent): the open item, if any, is resolved by the system. */
export async function resolveAttentionAutomatically(db: DataSource | EntityManager, key: string, resolution: string): Promise<boolean> {
  return attentionRepository(db).resolveAutomatically(key, resolution);
}

export interface AttentionFilter {
  status: 'open' | 'resolved' | 'all';
  kind?: AttentionKind;
  workflowId?: string;
  limit: number;
  offset: number;
}

export async function listAttention(
  db: DataSource,
  f: AttentionFilter,
): Promise<{ total: number; limit: number; offset: number; items: AttentionItem[] }> {
  const { total, items } = await attentionRepository(db).list(f);
  return { total, limit: f.limit, offset: f.offset, items };
}

const notFound = (id: string) => new NotFound(`attention item ${id} not found`, { id });

export async function findAttention(db: DataSource | EntityManager, id: string): Promise<AttentionItem> {
  const item = await attentionRepository(db).find(id);
  if (!item) throw notFound(id);
  return item;
}

/**
 * Operations mark an item resolved, saying what they did; recorded in the event log (stream "attention").
 * Resolving an item already resolved changes nothing and answers it as it stands (a retried request).
 */
export async function resolveAttention(
  db: DataSource,
  id: string,
  input: { reason: string },
  actor: string,
  now: Date = new Date(),
): Promise<AttentionItem> {
  return resolveAttentionIn(attentionRepository(db), id, input, actor, now);
}

/** resolveAttention over its port. */
export async function resolveAttentionIn(
  attention: AttentionRepository,
  id: string,
  input: { reason: string },
  actor: string,
  now: Date,
): Promise<AttentionItem> {
  const reason = typeof input?.reason === 'string' ? input.reason.trim() : '';
  if (!reason) throw new InvalidCommand('reason', 'reason is required: say what was done');
  return attention.transaction(async (items) => {
    const item = await items.lock(id);
    if (!item) throw notFound(id);
    if (item.resolvedAt) return item;
    await items.markResolved(item, { at: now, actor, reason });
    const resolved = await items.find(id);
    if (!resolved) throw notFound(id);
    return resolved;
  });
}
