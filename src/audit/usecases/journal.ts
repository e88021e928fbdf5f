import type { Db } from '../../shared/database/db';
import { type JournalActor, type JournalFilter, readActor } from '../domain/journal';
import { auditLogRepository } from '../infra/audit-log.repository';
import type { AuditLogRepository } from './ports';

/** One entry of the Journal: what happened, when, by whom, why, about what, and its link in the chain (issue 12). */
export interface JournalItem {
  /** The entry's position in the chain (its id: entries chain in this order). */
  sequence: string;
  occurredAt: string;
  recordedAt: string;
  actor: JournalActor;
  type: string;
  /** The subject: the stream the entry belongs to (agrement, application, session, statement, access…) and its id. */
  subject: { type: string; id: string };
  ruleIds: string[];
  from: string | null;
  to: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  /** What GET /audit/log/verification checks: the previous entry's hash, this entry's link, the key of its HMAC (null: legacy SHA-256). */
  chain: { prevHash: string; hash: string; keyId: string | null };
}

export interface JournalPage {
  total: number;
  limit: number;
  offset: number;
  items: JournalItem[];
}

/**
 * Issue 14, the Journal: the audit log filtered and paged, newest first. The chain's verification walks the whole
 * log (GET /audit/log/verification): the screen asks for it once, not once per page.
 */
export async function journal(db: Db, f: JournalFilter): Promise<JournalPage> {
  return journalIn(auditLogRepository(db), f);
}

export async function journalIn(log: AuditLogRepository, f: JournalFilter): Promise<JournalPage> {
  const { total, entries } = await log.journal(f);
  return {
    total,
    limit: f.limit,
    offset: f.offset,
    items: entries.map(({ entry: e, actorUserId }) => ({
      sequence: e.id,
      occurredAt: e.occurredAt.toISOString(),
      recordedAt: e.recordedAt.toISOString(),
      actor: readActor(e.actor, actorUserId),
      type: e.type,
      subject: { type: e.streamType, id: e.streamId },
      ruleIds: e.ruleIds,
      from: e.fromState,
      to: e.toState,
      reason: e.reason,
      data: e.data,
      chain: { prevHash: e.prevHash, hash: e.hash, keyId: e.keyId },
    })),
  };
}

/** A Journal item as one flat CSV row (the CSV helper neutralises formula-like cells). */
export function journalCsvRow(i: JournalItem): Record<string, unknown> {
  return {
    sequence: i.sequence,
    occurredAt: i.occurredAt,
    recordedAt: i.recordedAt,
    actor: i.actor.label,
    actorUserId: i.actor.userId,
    actorRole: i.actor.role,
    type: i.type,
    subjectType: i.subject.type,
    subjectId: i.subject.id,
    ruleIds: i.ruleIds.join(' '),
    from: i.from,
    to: i.to,
    reason: i.reason,
    data: JSON.stringify(i.data),
    prevHash: i.chain.prevHash,
    hash: i.chain.hash,
    keyId: i.chain.keyId,
  };
}
