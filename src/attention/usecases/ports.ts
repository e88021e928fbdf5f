import type { AttentionFilter, AttentionItem, AttentionReport } from './attention';

/**
 * The attention list's port: the items as plain types. Implemented over PostgreSQL in
 * src/attention/infra/attention.repository.ts.
 */
export interface AttentionRepository {
  /** One item per key: a recurrence updates it (occurrences, last seen, what to do) and reopens it if it was resolved. */
  record(report: AttentionReport): Promise<void>;
  /** Resolves the open item of `key`, if any, as the system; true when one was. */
  resolveAutomatically(key: string, resolution: string): Promise<boolean>;
  /** The items the filter selects, open ones first, most recently seen first, paged; with their count. */
  list(filter: AttentionFilter): Promise<{ total: number; items: AttentionItem[] }>;
  find(id: string): Promise<AttentionItem | null>;
  /** The item, locked until the transaction ends (a resolution in progress), or null. */
  lock(id: string): Promise<AttentionItem | null>;
  /** Marks the item resolved by a person, with the entry "attention-resolved" on its stream of the event log. */
  markResolved(item: AttentionItem, resolution: { at: Date; actor: string; reason: string }): Promise<void>;
  /** Runs `work` in one transaction, over a repository bound to it. */
  transaction<T>(work: (repository: AttentionRepository) => Promise<T>): Promise<T>;
}
