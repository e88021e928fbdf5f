/**
 * AGR-5, AGR-6: the ports of the rule-set versions (implemented by src/sessions/infra/rule-set-versions.repository.ts)
 * and of the channels their notices go through. Plain types: use cases depend on these, never on SQL or Temporal.
 */
import type { AgrementActionInput } from '../../../agrement/workflows/definitions';
import type { SendEmailInput } from '../../../mail/usecases/queue-email';
import type { SessionReport } from '../session-report';

export type RuleSetVersionStatus = 'draft' | 'published';

/** A version of the session rules drafted or published through the API. */
export interface RuleSetVersionRecord {
  id: string;
  ruleSet: string;
  version: string;
  effectiveFrom: string;
  substantial: boolean;
  summary: string;
  rules: Record<string, unknown>;
  status: RuleSetVersionStatus;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  publishedOn: string | null;
  publishedBy: string | null;
  publishedAt: Date | null;
}

/** What a draft holds: its rule file (with its effective date) and what the centres will read. */
export interface DraftContent {
  ruleSet: string;
  version: string;
  effectiveFrom: string;
  substantial: boolean;
  summary: string;
  rules: Record<string, unknown>;
}

/** How a running agrément is told of a published version (AGR-5): its own action (substantial) or an e-mail. */
export type NoticeKind = 'agrement-action' | 'email';

export interface PendingNotice {
  agrementId: string;
  organisationId: string;
  kind: string;
  organisationName: string;
  email: string;
}

/** A planned session as the impact report judges it. */
export interface PlannedSession {
  id: string;
  organisationId: string;
  date: string;
  report: SessionReport;
}

export interface RuleSetVersionsRepository {
  /** `lock`: held until the transaction ends. */
  findVersion(id: string, options?: { lock?: boolean }): Promise<RuleSetVersionRecord | null>;
  /** By effective date, then creation. */
  listVersions(status?: RuleSetVersionStatus): Promise<RuleSetVersionRecord[]>;
  /** The id of another session version with this label, if any. */
  otherVersionLabelled(version: string, exceptId: string | null): Promise<string | null>;
  /** Records a new draft and logs it (rule-set-version-drafted) in the same transaction. */
  insertDraft(id: string, draft: DraftContent, actor: string, at: Date): Promise<void>;
  /** Rewrites a draft and logs it (rule-set-version-edited) in the same transaction. */
  updateDraft(id: string, draft: Omit<DraftContent, 'ruleSet'>, actor: string, at: Date): Promise<void>;
  /** The stored rule files of the published session versions. */
  publishedSessionRules(): Promise<Array<{ id: string; rules: unknown }>>;
  /** Serialises publications until the transaction ends (AGR-6: one version per effective date). */
  lockPublications(): Promise<void>;
  /**
   * Freezes a draft as published, queues one notice of `noticeKind` per agrément in `agrementStates`, and logs
   * the publication (rule-set-version-published), in the same transaction. Returns the number of notices queued.
   */
  publish(
    version: Pick<RuleSetVersionRecord, 'id' | 'version' | 'effectiveFrom' | 'substantial'>,
    publication: { publishedOn: string; actor: string; at: Date; noticeKind: NoticeKind; agrementStates: readonly string[] },
  ): Promise<number>;
  /** A version's notices counted by kind and status. */
  noticeCounts(id: string): Promise<Array<{ kind: string; status: string; count: number }>>;
  /** A version's notices not yet delivered, by agrément. */
  pendingNotices(id: string): Promise<PendingNotice[]>;
  deliveredNoticeCount(id: string): Promise<number>;
  markNoticeDelivered(id: string, agrementId: string): Promise<void>;
  markNoticeFailed(id: string, agrementId: string, error: string): Promise<void>;
  /** The impact report's sessions: planned, dated from `from` and before `until` (null: no end), by date. */
  plannedSessions(from: string, until: string | null): Promise<PlannedSession[]>;
}

/** Where the notices of a published version go (AGR-5). */
export interface RuleSetNoticeChannels {
  /** The agrément's own action, recorded once per idempotency key. */
  actOnAgrement(agrementId: string, input: AgrementActionInput, idempotencyKey: string): Promise<unknown>;
  /** An e-mail queued in the outbox, sent once per key. */
  queueEmail(input: SendEmailInput): Promise<unknown>;
}
