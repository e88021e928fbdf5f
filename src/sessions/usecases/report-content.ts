import { createHash } from 'node:crypto';
import { sameJson } from '../../shared/domain/json-equal';
import { canonicalJson } from '../../shared/event-log/event-log';
import type { StoredSession } from './ports';
import type { SessionReport } from './session-report';

/**
 * SES-1: a report sent again for a stored session is 'unchanged' when it says what the stored one says, whatever the
 * order of its fields (POST /sessions/:id/finalise or /cancel rebuild it from the jsonb PostgreSQL returned, whose keys
 * it orders its own way; a retried finalisation is the same report again, not a change). Compared with the stored report
 * itself while it is whole; once SES-11 has erased its people, with the content hash kept for that (reportContentHash),
 * so the same history imported again is still 'unchanged'. Sessions stored before issue 15 kept a hash from the start,
 * compared too. Imported sessions are compared, not hashed: hashing each report cost the bulk import an eighth of its
 * main thread (issue 15, bench:import).
 */
export function sameStoredReport(before: Pick<StoredSession, 'report' | 'content_hash'>, report: SessionReport): boolean {
  if (before.report !== null && sameJson(before.report, report)) return true;
  return before.content_hash !== null && (before.content_hash === reportContentHash(report) || before.content_hash === legacyHash(report));
}

/** The report's content, whatever the order of its fields: what an erased session keeps of the report it had (SES-11). */
export function reportContentHash(report: SessionReport): string {
  return createHash('sha256').update(canonicalJson(report)).digest('hex');
}

/** How the content hash was computed before issue 15 (the fields in the order received): rows stored then still match a report sent again as it was. */
const legacyHash = (report: SessionReport) => createHash('sha256').update(JSON.stringify(report)).digest('hex');
