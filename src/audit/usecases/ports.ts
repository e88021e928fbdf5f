import type { JournalFilter } from '../domain/journal';
import type { LogEntry } from '../../shared/event-log/event-log';

/** The Journal's port (issue 14): the audit log read as it is stored, filtered and paged. */
export interface AuditLogRepository {
  /**
   * The entries matching the filter, newest first (the chain's order, by sequence), with their count; each with the
   * user its actor label names, when exactly one user has that name and role.
   */
  journal(f: JournalFilter): Promise<{ total: number; entries: Array<{ entry: LogEntry; actorUserId: string | null }> }>;
}
