import { PARAMETERS } from '../../config/parameters';
import { erasePersonalData, retentionCutoff } from '../domain/retention';
import { dateIn } from '../../shared/domain/zoned-time';
import { appendToLog } from '../../shared/event-log/event-log';
import { SESSION_STREAM, sessionStreamId } from './session-stream';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import type { SessionReport } from './session-report';

const BATCH = 1000;

/**
 * SES-11, DATA-1: the sessions held more than 2 years ago (finalised or cancelled) lose their personal
 * data, a batch per transaction with one log entry per session; the content hash stays, so the same
 * history imported again is still 'unchanged'. Returns how many sessions were erased.
 */
export async function eraseExpiredSessionData(deps: Pick<ApplicationDeps, 'db' | 'now'>): Promise<number> {
  const now = deps.now();
  const cutoff = retentionCutoff(dateIn(now, PARAMETERS.agrement.timeZone));
  let erased = 0;
  for (;;) {
    const n = await deps.db.transaction(async (m) => {
      const rows: { id: string; organisation_id: string; date: string; report: SessionReport }[] = await m.query(
        `SELECT id, organisation_id, to_char(date, 'YYYY-MM-DD') AS date, report FROM sessions
          WHERE date < $1 AND personal_data_erased_at IS NULL AND status <> 'planned' ORDER BY date, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [cutoff],
      );
      if (rows.length === 0) return 0;
      await m.query(
        `UPDATE sessions s SET report = x.report, personal_data_erased_at = $2
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, report jsonb) WHERE s.id = x.id`,
        [JSON.stringify(rows.map((r) => ({ id: r.id, report: erasePersonalData(r.report) }))), now],
      );
      await appendToLog(
        m,
        rows.map((r) => ({
          eventKey: `session-erasure:${r.id}`,
          streamType: SESSION_STREAM,
          streamId: sessionStreamId(r.id),
          type: 'personal-data-erased',
          ruleIds: ['SES-11', 'DATA-1'],
          fromState: null,
          toState: null,
          actor: 'system',
          reason: null,
          data: { sessionId: r.id, organisationId: r.organisation_id, date: r.date, retentionYears: PARAMETERS.sessions.minutesRetentionYears },
          occurredAt: now,
        })),
      );
      return rows.length;
    });
    erased += n;
    if (n < BATCH) return erased;
  }
}
